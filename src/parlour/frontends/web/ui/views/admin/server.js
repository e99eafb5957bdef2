// Admin tab "Server": versions, transcode and scan workers, offline mode and other server facts.
// The ffmpeg version carries a warning when the server says it is older than the oldest
// release Parlour supports (FF-04), or that it cannot tell.

import { api } from "../../api.js";
import { clear, errorBox, h } from "../../dom.js";
import { facts } from "./common.js";

function ffmpegFact(info) {
  if (!info.ffmpeg_version) return h("span", { class: "error", text: "no ffmpeg found" });
  const version = h("span", { class: "ffmpeg-version", text: info.ffmpeg_version });
  if (info.ffmpeg_outdated === false) return version;
  const warning =
    info.ffmpeg_outdated === true
      ? h("strong", {
          class: "ffmpeg-warning",
          text:
            `Warning: this ffmpeg is older than ${info.ffmpeg_minimum}, the oldest release Parlour ` +
            "is meant to run with. It decodes every file in the libraries, and older releases " +
            "lack security fixes: update it, or point the ffmpeg_path setting at a newer one.",
        })
      : h("strong", {
          class: "ffmpeg-warning unknown",
          text:
            "This version names no release number (a build from development sources, perhaps), " +
            `so Parlour cannot tell whether it is older than ${info.ffmpeg_minimum}, the oldest ` +
            "release it is meant to run with.",
        });
  return [version, warning];
}

export async function serverTab(section) {
  const box = h("div");
  async function refresh() {
    const info = await api("/api/v1/admin/server");
    clear(
      box,
      facts([
        ["Parlour version", info.version],
        ["ffmpeg version", ffmpegFact(info)],
        ["Oldest supported ffmpeg", info.ffmpeg_minimum],
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
