// My data's own entry in a usage report, as it would be sent.

import { h } from "../../dom.js";

export function reportView(report) {
  let pretty = report.preview;
  try {
    pretty = JSON.stringify(JSON.parse(report.preview), null, 2);
  } catch {
    // shown as the server wrote it
  }
  const sent = report.included
    ? report.reports_active
      ? "Your consent counts: this entry goes in the next report."
      : "Your consent counts, but reports are switched off on this server: nothing is sent."
    : "Nothing of yours is sent: this is what your entry would be if you agreed.";
  return [
    h("p", { text: sent }),
    h("pre", { class: "preview", tabindex: "0", "aria-label": "My usage-report entry" }, pretty),
    h("p", { class: "muted", text: "An admin can read the whole report, with every agreed entry, before it is sent." }),
  ];
}
