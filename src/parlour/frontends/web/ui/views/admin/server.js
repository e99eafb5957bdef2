// Admin tab "Server": versions, transcode and scan workers, offline mode and other server facts.

import { api } from "../../api.js";
import { clear, errorBox, h } from "../../dom.js";
import { facts } from "./common.js";

export async function serverTab(section) {
  const box = h("div");
  async function refresh() {
    const info = await api("/api/v1/admin/server");
    clear(
      box,
      facts([
        ["Parlour version", info.version],
        ["ffmpeg version", info.ffmpeg_version || h("span", { class: "error", text: "no ffmpeg found" })],
        ["Transcodes running", `${info.transcodes.running} of ${info.transcodes.slots} slots`],
        ["HLS jobs running", String(info.hls_jobs)],
        ["Python", info.python],
        ["Platform", info.platform],
        ["Offline mode", info.offline ? "on (no outbound connection)" : "off"],
        ["Scan workers", String(info.scan_workers)],
        ["Live progress streams open", String(info.event_streams)],
      ]),
    );
  }
  clear(
    section,
    h("h2", { text: "Server" }),
    box,
    h("button", { type: "button", onclick: () => refresh().catch((error) => clear(box, errorBox(error))) }, "Refresh"),
  );
  await refresh();
}
