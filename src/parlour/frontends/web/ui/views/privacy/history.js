// My data's history settings: pausing my history, how long it is kept, and whether music
// apps may show other users what I am playing now (off until I turn it on).

import { api } from "../../api.js";
import { h, when } from "../../dom.js";

const RETENTION = [
  [null, "Until I erase it"],
  [7, "7 days"],
  [30, "30 days"],
  [90, "90 days"],
  [365, "1 year"],
];

export function historyForm(privacy, say, refresh) {
  const pause = h("input", { type: "checkbox", id: "pause-history", checked: privacy.pause_history });
  const share = h("input", { type: "checkbox", id: "share-now-playing", checked: privacy.share_now_playing });
  const keep = h(
    "select",
    { id: "history-retention" },
    RETENTION.map(([days, label]) => h("option", { value: days === null ? "" : days }, label)),
  );
  const days = privacy.history_retention_days;
  if (days !== null && !RETENTION.some(([d]) => d === days)) {
    keep.append(h("option", { value: days }, `${days} days`));
  }
  keep.value = days === null ? "" : String(days);
  const updated = h("p", { class: "muted", text: privacy.updated_at ? `Last changed ${when(privacy.updated_at)}.` : "" });
  const form = h(
    "form",
    { class: "history-form" },
    h("div", { class: "field inline" }, pause, h("label", { for: "pause-history" }, "Pause my history (record no plays)")),
    h("div", { class: "field" }, h("label", { for: "history-retention" }, "Keep my play history"), keep),
    h(
      "div",
      { class: "field inline" },
      share,
      h("label", { for: "share-now-playing" }, "Show other users of this server what I am playing now in music apps"),
    ),
    h("button", { type: "submit" }, "Save history settings"),
    updated,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const answer = await api("/api/v1/me/privacy", {
        method: "PUT",
        body: {
          pause_history: pause.checked,
          history_retention_days: keep.value === "" ? null : Number(keep.value),
          share_now_playing: share.checked,
        },
      });
      updated.textContent = answer.updated_at ? `Last changed ${when(answer.updated_at)}.` : "";
      say(answer.pause_history ? "Saved: your history is paused." : "Saved: your history settings.");
      await refresh();
    } catch (error) {
      say(error.message || String(error), "error");
    }
  });
  return form;
}
