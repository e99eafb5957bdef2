// My data (the privacy centre): what the server keeps about me and why, downloading it,
// erasing it by category, pausing and limiting my history, what an admin can see, my
// consents with their policy versions (one click withdraws), and my own entry in a usage
// report. Accept and Decline look exactly alike, nothing is pre-ticked, and dismissing a
// question declines it.
//
// This file puts the page together; its parts are in views/privacy/: the inventory with its
// erase buttons (inventory.js, confirm.js), downloads (downloads.js), history settings
// (history.js), consents (consents.js), the usage-report entry (report.js) and app
// passwords for music apps (apps.js).

import { api } from "../api.js";
import { clear, h } from "../dom.js";
import { appPasswordsView } from "./privacy/apps.js";
import { consentView } from "./privacy/consents.js";
import { confirmDialog } from "./privacy/confirm.js";
import { exportView } from "./privacy/downloads.js";
import { historyForm } from "./privacy/history.js";
import { ERASE, inventoryList } from "./privacy/inventory.js";
import { reportView } from "./privacy/report.js";

function section(title, id, ...children) {
  return h("section", { class: "my-data-section", "aria-labelledby": id }, h("h2", { id, text: title }), ...children);
}

export async function myData({ main, session }) {
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const say = (text, kind = "ok") => {
    status.className = `status ${kind}`;
    status.textContent = text;
  };
  const parts = {
    inventory: h("div"),
    export: h("div"),
    history: h("div"),
    consents: h("div"),
    report: h("div"),
    admin: h("div"),
  };
  const confirm = confirmDialog();
  const apps = appPasswordsView(say, confirm, () => refreshInventory());

  async function refreshInventory() {
    const inventory = await api("/api/v1/me/data");
    clear(parts.inventory, inventoryList(inventory, confirm, erase));
  }

  async function erase(category) {
    let rows = 0;
    for (const each of [category, ...(ERASE[category].also || [])]) {
      const path = each === "history" ? "/api/v1/me/history" : `/api/v1/me/data/${encodeURIComponent(each)}`;
      const answer = await api(path, { method: "DELETE" });
      rows += answer && typeof answer.rows === "number" ? answer.rows : 0;
    }
    say(`Erased ${ERASE[category].button.replace(/^Erase (my )?/, "")} (${rows} ${rows === 1 ? "record" : "records"}).`);
    await Promise.all([refreshInventory(), category === "devices" ? apps.refresh() : null]);
  }

  async function refreshConsents() {
    const [consents, report] = await Promise.all([api("/api/v1/me/consents"), api("/api/v1/me/usage-report")]);
    clear(parts.consents, consentView(consents, decide));
    clear(parts.report, reportView(report));
  }

  async function decide(scope, given) {
    await api("/api/v1/me/consents", { method: "POST", body: { scope, given } });
    say(given ? "Consent given." : "Consent withdrawn: nothing of yours is sent from now on.");
    await refreshConsents();
  }

  const [privacy] = await Promise.all([
    api("/api/v1/me/privacy"),
    refreshInventory(),
    refreshConsents(),
    apps.refresh(),
  ]);
  clear(parts.export, exportView(say));
  clear(parts.history, historyForm(privacy, say, refreshInventory));
  clear(
    parts.admin,
    h("p", { text: privacy.admin_can_see }),
  );

  clear(
    main,
    h("h1", { text: "My data" }),
    h(
      "p",
      { class: "lead" },
      `Everything this server keeps about you, ${session.user.name}: see it, download it, erase it. `,
      "Nothing about you leaves this server unless you agree below.",
    ),
    status,
    h(
      "div",
      { class: "my-data" },
      section("What is stored about me", "inventory-heading", parts.inventory),
      h(
        "div",
        { class: "my-data-side" },
        section("Download my data", "export-heading", parts.export),
        section("My history", "history-heading", parts.history),
        section("What an admin can see", "admin-heading", parts.admin),
      ),
      section("Apps (Subsonic)", "apps-heading", apps.content),
      section("Usage reports: my consent", "consent-heading", parts.consents),
      section("My entry in a usage report", "report-heading", parts.report),
    ),
    confirm.dialog,
  );
  return () => confirm.close();
}
