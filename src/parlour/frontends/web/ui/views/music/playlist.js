// A playlist's page: its entries to play, reorder and remove, and renaming or deleting it.

import { api } from "../../api.js";
import { player } from "../../audio.js";
import { clear, duration, h } from "../../dom.js";
import { go } from "../../router.js";
import { asTrack, enc, message, say } from "./common.js";
import { cover, followPlayer, playButtons, smallButton, trackTable } from "./tracks.js";

export async function playlist({ params, main }) {
  const status = message();
  let stopFollowing = () => {};

  async function change(call, done) {
    try {
      await call();
      await draw(await api(`/api/v1/playlists/${enc(params.id)}`));
      if (done) say(status, done);
    } catch (error) {
      say(status, error.message);
    }
  }

  function draw(found, focus) {
    stopFollowing();
    const rows = found.items;
    const tracks = rows.filter((row) => row.kind === "track").map((row) => asTrack(row));
    const last = rows.length - 1;
    const base = `/api/v1/playlists/${enc(found.id)}/items`;
    const move = (row, i, by) =>
      change(
        () => api(`${base}/${enc(row.entry_id)}`, { method: "PATCH", body: { position: i + by } }),
        `Moved “${row.title}” to position ${i + by + 1}.`,
      ).then(() => {
        const label = `Move ${row.title} ${by < 0 ? "up" : "down"}`;
        const again = main.querySelector(`button[aria-label="${CSS.escape(label)}"]:not(:disabled)`);
        (again || main.querySelector("h1")).focus();
      });
    const table = trackTable(rows, {
      showArtist: true,
      showAlbum: true,
      label: `Entries of ${found.name}`,
      actions: (row, i) => [
        row.kind === "track"
          ? smallButton(`Play ${row.title}`, "play", "Play", () => {
              const at = tracks.findIndex((t) => t.id === row.id);
              player.playQueue(tracks, Math.max(0, at));
            })
          : smallButton(`Play ${row.title}`, "play", "Play", () => go(`/play/${row.id}`)),
        smallButton(`Move ${row.title} up`, "up", "", () => move(row, i, -1), { disabled: i === 0 }),
        smallButton(`Move ${row.title} down`, "down", "", () => move(row, i, 1), { disabled: i === last }),
        smallButton(`Remove ${row.title} from the playlist`, "remove", "", () =>
          change(() => api(`${base}/${enc(row.entry_id)}`, { method: "DELETE" }), `Removed “${row.title}”.`),
        ),
      ],
    });
    const rename = h("button", { type: "button", onclick: () => renameForm(found) }, "Rename");
    const remove = h(
      "button",
      {
        type: "button",
        class: "danger",
        onclick: async () => {
          if (!window.confirm(`Delete the playlist “${found.name}”? Its tracks stay in the library.`)) return;
          try {
            await api(`/api/v1/playlists/${enc(found.id)}`, { method: "DELETE" });
            go("/music?tab=playlists");
          } catch (error) {
            say(status, error.message);
          }
        },
      },
      "Delete playlist",
    );
    clear(
      main,
      h(
        "header",
        { class: "music-hero" },
        cover(rows.find((row) => row.image_id)?.image_id, found.name),
        h(
          "div",
          { class: "hero-text" },
          h("p", { class: "muted kind", text: "Playlist" }),
          h("h1", { text: found.name, tabindex: "-1" }),
          found.comment ? h("p", { text: found.comment }) : null,
          h("p", { class: "muted", text: `${rows.length} ${rows.length === 1 ? "item" : "items"} · ${duration(found.duration_ms)}` }),
          playButtons(tracks, status),
          h("div", { class: "toolbar" }, rename, remove),
        ),
      ),
      status,
      rows.length ? table : h("p", { class: "muted", text: "This playlist is empty: add tracks from an album's page." }),
    );
    stopFollowing = followPlayer(table);
    if (focus) main.querySelector("h1").focus();
  }

  function renameForm(found) {
    const name = h("input", { name: "name", value: found.name, required: true, maxlength: 200 });
    const form = h(
      "form",
      { class: "toolbar rename" },
      h("label", {}, "Playlist name", name),
      h("button", { type: "submit", class: "primary" }, "Save"),
      h("button", { type: "button", onclick: () => draw(found, true) }, "Cancel"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = name.value.trim();
      if (!text) return;
      change(() => api(`/api/v1/playlists/${enc(found.id)}`, { method: "PATCH", body: { name: text } }), "Renamed.");
    });
    main.querySelector(".hero-text").append(form);
    name.focus();
    name.select();
  }

  draw(await api(`/api/v1/playlists/${enc(params.id)}`));
  return () => stopFollowing();
}
