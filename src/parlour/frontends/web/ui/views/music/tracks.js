// Track lists of the music pages: the track table, row buttons, cover and play buttons.

import { artworkUrl } from "../../api.js";
import { icon, player } from "../../audio.js";
import { duration, h } from "../../dom.js";
import { link } from "../../router.js";
import { say } from "./common.js";
import { addToPlaylist } from "./dialogs.js";

// A button in a table row: its full name for assistive technology, an icon and a short
// word on screen (the word hides on narrow screens).
export function smallButton(label, name, text, onclick, extra = {}) {
  return h(
    "button",
    { type: "button", class: "quiet small", "aria-label": label, title: label, onclick, ...extra },
    icon(name),
    text ? h("span", { class: "label", text }) : null,
  );
}

// The tracks of an album or a playlist as a table; `actions(track, i)` adds buttons.
export function trackTable(rows, { showArtist, showAlbum, discs, actions, label }) {
  const body = [];
  let disc = null;
  rows.forEach((row, i) => {
    if (discs && row.disc_no !== disc) {
      disc = row.disc_no;
      body.push(h("tr", { class: "disc" }, h("th", { colspan: 6, scope: "rowgroup", text: `Disc ${disc || 1}` })));
    }
    body.push(
      h(
        "tr",
        { dataset: { track: row.id } },
        h("td", { class: "num", text: discs || !showAlbum ? String(row.track_no || i + 1) : String(i + 1) }),
        h(
          "td",
          { class: "track-title" },
          h("span", { text: row.title }),
          showArtist ? h("span", { class: "muted small-line", text: row.artist_name || "" }) : null,
        ),
        showAlbum
          ? h("td", { class: "album-cell" }, row.album_id ? h("a", { href: link(`/albums/${row.album_id}`) }, row.album_title || "") : "")
          : null,
        h("td", { class: "num", text: duration(row.duration_ms) }),
        h("td", { class: "track-actions" }, actions(row, i)),
      ),
    );
  });
  return h(
    "table",
    { class: "tracks", "aria-label": label },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { class: "num", scope: "col" }, "#"),
        h("th", { scope: "col" }, "Title"),
        showAlbum ? h("th", { scope: "col" }, "Album") : null,
        h("th", { class: "num", scope: "col" }, "Length"),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden", text: "Actions" })),
      ),
    ),
    h("tbody", {}, body),
  );
}

// Marks the row of the track playing; returns the way to stop following the player.
export function followPlayer(table) {
  function mark() {
    const id = player.current?.id;
    for (const row of table.querySelectorAll("tr[data-track]")) {
      if (row.dataset.track === id) row.setAttribute("aria-current", "true");
      else row.removeAttribute("aria-current");
    }
  }
  mark();
  return player.subscribe(mark);
}

export function cover(coverId, title) {
  return h(
    "div",
    { class: "hero-cover" },
    coverId
      ? h("img", { src: artworkUrl(coverId, 480), alt: `Cover of ${title}`, decoding: "async" })
      : h("span", { class: "placeholder", "aria-hidden": "true", text: "♪" }),
  );
}

export function playButtons(tracks, status, { queueLabel = "Add to queue" } = {}) {
  return h(
    "div",
    { class: "toolbar play-buttons" },
    h("button", { type: "button", class: "primary", onclick: () => player.playQueue(tracks, 0), disabled: !tracks.length }, "Play"),
    h(
      "button",
      {
        type: "button",
        disabled: !tracks.length,
        onclick: () => {
          player.setShuffle(true);
          player.playQueue(tracks, Math.floor(Math.random() * tracks.length));
        },
      },
      "Shuffle",
    ),
    h(
      "button",
      {
        type: "button",
        disabled: !tracks.length,
        onclick: () => {
          player.enqueue(tracks);
          say(status, `Added ${tracks.length} ${tracks.length === 1 ? "track" : "tracks"} to the queue.`);
        },
      },
      queueLabel,
    ),
    h("button", { type: "button", disabled: !tracks.length, onclick: () => addToPlaylist(tracks, status) }, "Add to playlist"),
  );
}
