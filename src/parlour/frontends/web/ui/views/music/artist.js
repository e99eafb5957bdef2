// An artist's page: their albums, and buttons to play all their tracks.

import { api } from "../../api.js";
import { grid } from "../../components.js";
import { clear, h } from "../../dom.js";
import { asTrack, enc, message } from "./common.js";
import { albumCard } from "./library.js";
import { playButtons } from "./tracks.js";

const TRACK_PAGE = 500; // the most the API gives at once
const MAX_TRACKS = 5000; // an artist's "Play" queues at most this many

// Every page of a track list (up to MAX_TRACKS), following the cursors.
async function allTracks(path) {
  const items = [];
  let cursor = null;
  let total = 0;
  do {
    const answer = await api(`${path}&limit=${TRACK_PAGE}${cursor ? `&cursor=${enc(cursor)}` : ""}`);
    items.push(...answer.items);
    total = answer.total;
    cursor = answer.next_cursor;
  } while (cursor && items.length < MAX_TRACKS);
  return { items, total };
}

export async function artist({ params, main }) {
  const found = await api(`/api/v1/artists/${enc(params.id)}`);
  const status = message();
  const answer = await allTracks(`/api/v1/tracks?artist=${enc(params.id)}&sort=album`);
  const tracks = answer.items.map((row) => asTrack(row, {}));
  clear(
    main,
    h(
      "header",
      { class: "music-hero artist" },
      h("div", { class: "hero-cover round" }, h("span", { class: "placeholder", "aria-hidden": "true", text: found.name.slice(0, 1) })),
      h(
        "div",
        { class: "hero-text" },
        h("p", { class: "muted kind", text: "Artist" }),
        h("h1", { text: found.name }),
        h(
          "p",
          { class: "muted" },
          `${found.albums.length} ${found.albums.length === 1 ? "album" : "albums"} · ${answer.total} ${answer.total === 1 ? "track" : "tracks"}`,
        ),
        playButtons(tracks, status),
      ),
    ),
    status,
    h("h2", { text: "Albums" }),
    found.albums.length ? grid(found.albums.map(albumCard), "Albums") : h("p", { class: "muted", text: "No albums." }),
  );
}
