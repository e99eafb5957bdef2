// Helpers of the music player: queue entries, shuffling, stream offsets, track details.

import { api } from "../api.js";

let nextKey = 1;

export function wrap(track) {
  return { key: nextKey++, track: { ...track } };
}

export function shuffled(list) {
  const copy = list.slice();
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

export function withStart(url, ms) {
  const parsed = new URL(url, location.href);
  parsed.searchParams.set("start", String(ms));
  return parsed.pathname + parsed.search;
}

// What the bar and the media session show, for a track known only by id (a search hit).
export async function fillIn(track) {
  if (track.title && track.album_id && "cover_id" in track) return;
  if (!track.album_id || !track.title) {
    const item = await api(`/api/v1/items/${encodeURIComponent(track.id)}`);
    track.title = track.title || item.title;
    track.artist_name = track.artist_name || item.artist_name;
    track.album_id = item.album_id;
    track.duration_ms = track.duration_ms || item.duration_ms;
  }
  if (track.album_id && !("cover_id" in track)) {
    try {
      const album = await api(`/api/v1/albums/${encodeURIComponent(track.album_id)}`);
      track.cover_id = album.cover_id;
      track.album_title = track.album_title || album.title;
    } catch {
      track.cover_id = null;
    }
  }
}
