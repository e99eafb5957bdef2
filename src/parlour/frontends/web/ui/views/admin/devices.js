// Admin tab "Devices and sessions": every user's signed-in browsers and devices
// (GET /api/v1/admin/sessions), last used first, the admin's own current one marked; each
// can be signed out after a confirmation (DELETE /api/v1/admin/sessions/{id}). Users are
// told on their My data page that an admin sees this.

import { api } from "../../api.js";
import { clear, h, when } from "../../dom.js";
import { askFirst, message, problem, table } from "./common.js";

// A session is a sign-in without a device name: a browser's, or an app's that gave none
// (nothing else about it is kept, so nothing else can be said).
function deviceName(signIn) {
  if (signIn.label) return signIn.label;
  return signIn.kind === "session" ? "Unnamed session" : "Unnamed device";
}

function kindText(signIn) {
  return signIn.kind === "session" ? "session (a browser, or an app that gave no name)" : "device token";
}

export async function devicesTab(section) {
  const listBox = h("div");
  const note = h("p", { class: "action-note", role: "status" });

  function signOutButton(signIn) {
    const what = deviceName(signIn);
    const who = signIn.user.name;
    const start = h(
      "button",
      { type: "button", class: "danger", "aria-label": `Sign out ${what} of ${who}` },
      "Sign out",
    );
    askFirst(start, {
      group: `Confirm signing out ${what} of ${who}`,
      text: signIn.current
        ? "This is the session you are using: you will be signed out of this browser."
        : `${who} must sign in again on it.`,
      confirmText: "Sign out now",
      note,
      run: async () => {
        await api(`/api/v1/admin/sessions/${encodeURIComponent(signIn.id)}`, { method: "DELETE" });
        if (signIn.current) {
          // Our own cookie is dead now: the app goes back to its sign-in page.
          window.dispatchEvent(new CustomEvent("parlour:signed-out"));
          return;
        }
        message(note, `${what} of ${who} signed out.`);
        await refresh().catch((error) => problem(note, error));
      },
    });
    return start;
  }

  async function refresh() {
    const signIns = await api("/api/v1/admin/sessions");
    if (!signIns.length) {
      clear(listBox, h("p", { class: "muted", text: "Nobody is signed in." }));
      return;
    }
    const rows = signIns.map((signIn) =>
      h(
        "tr",
        { class: signIn.current ? "current-sign-in" : null, dataset: { session: signIn.id, user: signIn.user.id } },
        h("th", { scope: "row", text: signIn.user.name }),
        h(
          "td",
          {},
          h("span", { class: "device-name", text: deviceName(signIn) }),
          signIn.current ? h("span", { class: "current-tag", text: "You, in this browser" }) : null,
          h("span", { class: "muted device-kind", text: kindText(signIn) }),
        ),
        h("td", { text: when(signIn.created_at) }),
        h("td", { text: when(signIn.last_used_at) }),
        h("td", { text: when(signIn.expires_at) }),
        h("td", { class: "actions" }, signOutButton(signIn)),
      ),
    );
    clear(
      listBox,
      table("Every signed-in device", ["User", "Device", "Signed in", "Last used", "Ends", "Sign out"], rows),
    );
  }

  await refresh(); // the list is drawn before the tab's "loading" gives way to it
  clear(
    section,
    h("h2", { text: "Devices and sessions" }),
    h("p", {
      class: "muted",
      text:
        "Every browser and device signed in to this server, for every user, last used first " +
        "(last-used times are kept to the minute). Signing one out ends it at once: that " +
        "browser or app must sign in again. Parlour keeps no address or place of any device, " +
        "only what is shown here, and tells each user on their My data page that you can see it.",
    }),
    listBox,
    note,
    h("button", { type: "button", onclick: () => refresh().catch((error) => problem(note, error)) }, "Refresh"),
  );
}
