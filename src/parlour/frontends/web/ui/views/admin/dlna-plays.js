// Admin tab "TVs & DLNA", its last part: what DLNA devices played, when the admin records
// it (off by default; against the device, never a person; kept a few days), newest first
// (GET /api/v1/admin/dlna/plays), and erasing all of it after a confirmation (DELETE).
// Photos are never recorded: a TV fetches them to browse.

import { api } from "../../api.js";
import { clear, h, when } from "../../dom.js";
import { askFirst, message, problem, table } from "./common.js";

const SHOWN = 50;
const KINDS = { track: "Track", film: "Film", episode: "Episode", video: "Video" };

export function playsSection(config) {
  const box = h("div");
  const note = h("p", { class: "action-note", role: "status" });
  const days = config.play_retention_days;
  const erase = h("button", { type: "button", class: "danger" }, "Erase recorded plays");
  askFirst(erase, {
    group: "Confirm erasing every recorded play",
    text: "Every play recorded from DLNA devices goes now; this cannot be undone.",
    confirmText: "Erase them now",
    note,
    run: async () => {
      await api("/api/v1/admin/dlna/plays", { method: "DELETE" });
      message(note, "Recorded plays erased.");
      await refresh();
    },
  });

  async function refresh() {
    const plays = await api(`/api/v1/admin/dlna/plays?limit=${SHOWN}`);
    if (!plays.length) {
      clear(box, h("p", { class: "muted", text: "No play recorded." }));
      return;
    }
    const rows = plays.map((play) =>
      h(
        "tr",
        { dataset: { item: play.item_id, device: play.device_id } },
        h("th", { scope: "row", text: play.title }),
        h("td", { text: KINDS[play.kind] || play.kind }),
        h("td", { class: "user-agent", text: play.device_name }),
        h("td", { text: when(play.played_at) }),
      ),
    );
    clear(box, table("Plays recorded from DLNA devices", ["Title", "Kind", "Device", "Played"], rows));
  }

  const section = h(
    "section",
    { class: "dlna-plays", "aria-labelledby": "dlna-plays-heading" },
    h("h2", { id: "dlna-plays-heading", text: "What DLNA devices played" }),
    h("p", {
      class: "muted",
      text: config.record_plays
        ? `Recorded against the device, never a person, and kept ${days} day${days === 1 ? "" : "s"}. The latest ${SHOWN}, newest first.`
        : "Not recording: nothing DLNA devices play is kept, and what was recorded went when recording was turned off.",
    }),
    box,
    note,
    h("div", { class: "toolbar" }, h("button", { type: "button", onclick: () => refresh().catch((error) => problem(note, error)) }, "Refresh plays"), erase),
  );
  return { section, refresh };
}
