// Admin tab "Devices and sessions": the admin's own sign-ins, each revocable.

import { api } from "../../api.js";
import { clear, h, when } from "../../dom.js";
import { message, problem, table } from "./common.js";

export async function devicesTab(section) {
  const listBox = h("div");
  const note = h("p", { class: "action-note", role: "status" });

  async function refresh() {
    const tokens = await api("/api/v1/me/tokens");
    if (!tokens.length) {
      clear(listBox, h("p", { class: "muted", text: "No sign-ins." }));
      return;
    }
    const rows = tokens.map((token) => {
      const what = token.label || (token.kind === "session" ? "Browser session" : "Device");
      const revoke = h("button", { type: "button", class: "danger", "aria-label": `Revoke ${what} made ${when(token.created_at)}` }, "Revoke");
      revoke.addEventListener("click", async () => {
        revoke.disabled = true;
        try {
          await api(`/api/v1/me/tokens/${encodeURIComponent(token.id)}`, { method: "DELETE" });
          message(note, `${what} revoked.`);
          await refresh();
        } catch (error) {
          revoke.disabled = false;
          problem(note, error);
        }
      });
      return h(
        "tr",
        { dataset: { token: token.id } },
        h("th", { scope: "row", text: what }),
        h("td", { text: token.kind === "session" ? "Browser session" : "Device or app" }),
        h("td", { text: when(token.created_at) }),
        h("td", { text: token.last_used_at ? when(token.last_used_at) : "never" }),
        h("td", { text: token.expires_at ? when(token.expires_at) : "no fixed end" }),
        h("td", {}, revoke),
      );
    });
    clear(listBox, table("Your sign-ins", ["Sign-in", "Kind", "Made", "Last used", "Ends", "Revoke"], rows));
  }

  clear(
    section,
    h("h2", { text: "Your devices and sessions" }),
    h("p", {
      class: "muted",
      text:
        "These are your own sign-ins. Parlour shows each person only their own; to sign someone else " +
        "out everywhere, set their password or disable them under Users. Revoking the session you are " +
        "using now signs you out.",
    }),
    listBox,
    note,
  );
  await refresh();
}
