// Admin: libraries (add a folder, rescan with live progress, failed files with reasons),
// users and their library grants, every user's devices and sessions, the DLNA server for TVs
// (settings, the devices that asked, what they played), privacy (outbound features,
// the instance's usage-report consents, the exact report bytes, the processing record)
// and server facts. Sections by "?tab=" in the route; every datum comes from
// /api/v1/admin/..., which answers 403 to anyone but an admin.
// Each tab's code is in views/admin/<tab>.js; helpers they share are in views/admin/common.js.

import { clear, errorBox, h } from "../dom.js";
import { link } from "../router.js";
import { devicesTab } from "./admin/devices.js";
import { dlnaTab } from "./admin/dlna.js";
import { librariesTab } from "./admin/libraries.js";
import { privacyTab } from "./admin/privacy.js";
import { serverTab } from "./admin/server.js";
import { usersTab } from "./admin/users.js";

const TABS = [
  ["libraries", "Libraries"],
  ["users", "Users"],
  ["devices", "Devices and sessions"],
  ["dlna", "TVs & DLNA"],
  ["privacy", "Privacy"],
  ["server", "Server"],
];

function refusal() {
  return h(
    "div",
    { class: "admin-refusal", role: "alert" },
    h("h1", { text: "Administrators only" }),
    h("p", { text: "These pages are for the administrators of this Parlour server. Your account is not one." }),
    h("p", {}, h("a", { href: link("/") }, "Back to Home")),
  );
}

// -- the view -------------------------------------------------------------------------

export async function admin({ query, main, session }) {
  if (!session.user || session.user.role !== "admin") {
    clear(main, refusal());
    return undefined;
  }
  const chosen = TABS.some(([name]) => name === query.get("tab")) ? query.get("tab") : "libraries";
  const tabs = h(
    "nav",
    { class: "admin-tabs", "aria-label": "Admin sections" },
    h(
      "ul",
      {},
      TABS.map(([name, label]) =>
        h("li", {}, h("a", { href: link(`/admin?tab=${name}`), "aria-current": name === chosen ? "page" : null }, label)),
      ),
    ),
  );
  const section = h("div", { class: "admin-section", id: `admin-${chosen}` }, h("p", { class: "loading", text: "Loading…" }));
  clear(main, h("div", { class: "admin" }, h("h1", { text: "Administration" }), tabs, section));
  const cleanups = [];
  const close = () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  const render = {
    libraries: () => librariesTab(section, cleanups),
    users: () => usersTab(section, session),
    devices: () => devicesTab(section),
    dlna: () => dlnaTab(section),
    privacy: () => privacyTab(section),
    server: () => serverTab(section),
  }[chosen];
  try {
    await render();
  } catch (error) {
    close();
    if (error.status === 403) clear(main, refusal());
    else clear(section, errorBox(error));
    return undefined;
  }
  return close;
}
