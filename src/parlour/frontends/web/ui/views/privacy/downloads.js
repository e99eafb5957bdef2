// My data's downloads: everything as JSON, or the play history as CSV.

import { api } from "../../api.js";
import { h } from "../../dom.js";

export function exportView(say) {
  async function download(format, button) {
    button.disabled = true;
    try {
      // A single-use link (24 hours): the browser downloads it as a file by itself.
      const made = await api("/api/v1/me/export/links", { method: "POST", body: { format } });
      const name = format === "csv" ? "parlour-history.csv" : "parlour-my-data.json";
      const anchor = h("a", { href: made.url, download: name, hidden: true });
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      say(format === "csv" ? "Your play history is downloading (CSV)." : "Your data is downloading (JSON).");
    } catch (error) {
      say(error.message || String(error), "error");
    } finally {
      button.disabled = false;
    }
  }
  const json = h("button", { type: "button", class: "primary", onclick: () => download("json", json) }, "Download everything (JSON)");
  const csv = h("button", { type: "button", onclick: () => download("csv", csv) }, "Download play history (CSV)");
  return [
    h("p", { text: "Everything listed here, in a file you can keep or take to another server." }),
    h("div", { class: "buttons" }, json, csv),
  ];
}
