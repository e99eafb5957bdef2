// The Media Session API for the player: what plays, how far along, and the media keys.

import { artworkUrl } from "../api.js";

// Tells the browser what plays, for media keys, notifications and lock screens.
export function describe(track) {
  if (!("mediaSession" in navigator) || typeof MediaMetadata === "undefined") return;
  const artwork = track.cover_id
    ? [96, 256, 512].map((size) => ({
        src: new URL(artworkUrl(track.cover_id, size), location.href).href,
        sizes: `${size}x${size}`,
        type: "image/jpeg",
      }))
    : [];
  navigator.mediaSession.metadata = new MediaMetadata({
    title: track.title || "",
    artist: track.artist_name || "",
    album: track.album_title || "",
    artwork,
  });
}

// Tells the browser how far along the track `player` is.
export function position(player) {
  if (!("mediaSession" in navigator) || !navigator.mediaSession.setPositionState) return;
  const total = player.length();
  if (!total) return;
  try {
    navigator.mediaSession.setPositionState({
      duration: total,
      position: Math.min(player.time(), total),
      playbackRate: player.audio.playbackRate || 1,
    });
  } catch {
    // A position the browser finds inconsistent for a moment (while loading).
  }
}

// Lets media keys and lock screens control `player`.
export function handleActions(player) {
  if ("mediaSession" in navigator) {
    const session = navigator.mediaSession;
    const handlers = {
      play: () => player.resume(),
      pause: () => player.audio.pause(),
      previoustrack: () => player.previous(),
      nexttrack: () => player.next(),
      seekto: (details) => player.seek(details.seekTime || 0),
      seekbackward: (details) => player.seek(player.time() - (details.seekOffset || 10)),
      seekforward: (details) => player.seek(player.time() + (details.seekOffset || 10)),
      stop: () => {
        player.audio.pause();
        player.seek(0);
      },
    };
    for (const [action, handler] of Object.entries(handlers)) {
      try {
        session.setActionHandler(action, handler);
      } catch {
        // This browser does not know the action.
      }
    }
  }
}
