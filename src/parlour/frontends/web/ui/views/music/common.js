// Shared by the music pages: URL encoding, a row as a player track, the status line.

import { h } from "../../dom.js";

export const enc = encodeURIComponent;

// A track as the player wants it, from an album's track, a track list row or a playlist entry.
export function asTrack(row, album = {}) {
  const track = {
    id: row.id,
    title: row.title,
    artist_name: row.artist_name || album.artist_name || "",
    album_id: row.album_id || album.id,
    album_title: row.album_title || album.title || "",
    duration_ms: row.duration_ms || 0,
  };
  if ("cover_id" in album) track.cover_id = album.cover_id;
  else if (row.image_id) track.cover_id = row.image_id;
  return track;
}

export function message() {
  return h("p", { class: "music-status", role: "status" });
}

export function say(status, text) {
  status.textContent = "";
  // A fresh text node so that screen readers announce the same words twice in a row.
  requestAnimationFrame(() => (status.textContent = text));
}
