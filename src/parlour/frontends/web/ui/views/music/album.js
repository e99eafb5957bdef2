// An album's page: its cover, its tracks, and buttons to play them.

import { api } from "../../api.js";
import { player } from "../../audio.js";
import { clear, duration, h } from "../../dom.js";
import { asTrack, enc, message, say } from "./common.js";
import { addToPlaylist } from "./dialogs.js";
import { cover, followPlayer, playButtons, smallButton, trackTable } from "./tracks.js";

export async function album({ params, main }) {
  const found = await api(`/api/v1/albums/${enc(params.id)}`);
  const tracks = found.tracks.map((row) => asTrack(row, found));
  const status = message();
  const total = found.tracks.reduce((sum, row) => sum + (row.duration_ms || 0), 0);
  const discs = new Set(found.tracks.map((row) => row.disc_no || 1)).size > 1;
  const mixed = found.tracks.some((row) => row.artist_name && row.artist_name !== found.artist_name);
  const table = trackTable(found.tracks, {
    showArtist: mixed,
    discs,
    label: `Tracks of ${found.title}`,
    actions: (row, i) => [
      smallButton(`Play ${row.title}`, "play", "Play", () => player.playQueue(tracks, i)),
      smallButton(`Add ${row.title} to the queue`, "add", "Queue", () => {
        player.enqueue([tracks[i]]);
        say(status, `Added “${row.title}” to the queue.`);
      }),
      smallButton(`Add ${row.title} to a playlist`, "playlistAdd", "Playlist", () => addToPlaylist([tracks[i]], status)),
    ],
  });
  clear(
    main,
    h(
      "header",
      { class: "music-hero" },
      cover(found.cover_id, found.title),
      h(
        "div",
        { class: "hero-text" },
        h("p", { class: "muted kind", text: found.compilation ? "Compilation" : "Album" }),
        h("h1", { text: found.title }),
        h("p", { class: "hero-artist", text: found.artist_name }),
        h(
          "p",
          { class: "muted" },
          [found.year, `${found.tracks.length} ${found.tracks.length === 1 ? "track" : "tracks"}`, duration(total)]
            .filter(Boolean)
            .join(" · "),
        ),
        playButtons(tracks, status),
      ),
    ),
    status,
    table,
  );
  return followPlayer(table);
}
