// Admin tab "TVs & DLNA": the DLNA server's settings (GET/PUT /api/v1/admin/dlna) with
// this machine's addresses to listen on (/api/v1/admin/dlna/addresses) and the libraries
// to share (none until ticked), the devices that asked it for something (approve,
// withdraw, forget), and what those devices played, when the admin records it.
// UPnP has no sign-in, so the form says plainly what turning it on exposes.

import { api } from "../../api.js";
import { clear, h, when } from "../../dom.js";
import { playsSection } from "./dlna-plays.js";
import { askFirst, message, problem, table } from "./common.js";

function list(text) {
  return text.split(/[\s,]+/).filter(Boolean);
}

function hint(id, text) {
  return h("p", { id, class: "field-hint", text });
}

// One checkbox per choice, in a fieldset whose legend names the group.
function checkGroup(idPrefix, legend, hintText, choices) {
  const boxes = choices.map((choice, i) => {
    const id = `${idPrefix}-${i}`;
    const box = h("input", { type: "checkbox", id, value: choice.value, checked: choice.checked });
    return { box, row: h("div", { class: "check-row" }, box, h("label", { for: id, text: choice.label })) };
  });
  const fieldset = h(
    "fieldset",
    { class: "check-list", id: idPrefix, "aria-describedby": `${idPrefix}-hint` },
    h("legend", { text: legend }),
    hint(`${idPrefix}-hint`, hintText),
    boxes.map((item) => item.row),
  );
  return { fieldset, chosen: () => boxes.filter((item) => item.box.checked).map((item) => item.box.value) };
}

function addressChoices(config, addresses) {
  const known = new Set(addresses.map((a) => a.address));
  const found = addresses.map((a) => ({
    value: a.address,
    label: [a.address, a.interface ? ` (${a.interface})` : "", a.loopback ? ": this machine only" : ""].join(""),
    checked: config.interfaces.includes(a.address),
  }));
  const gone = config.interfaces
    .filter((address) => !known.has(address))
    .map((address) => ({ value: address, label: `${address}: not found on this machine now`, checked: true }));
  return [...found, ...gone];
}

function stateText(config, libraries) {
  if (!config.enabled) return "Off: nothing listens on the network for TVs.";
  const shared = libraries.filter((library) => config.library_ids.includes(library.id)).map((l) => l.name);
  // An IPv6 address goes in brackets before its port, as in a URL (its zone, if any, shown).
  const where = config.interfaces
    .map((address) => (address.includes(":") ? `[${address}]:${config.port}` : `${address}:${config.port}`))
    .join(", ");
  const what = shared.length ? `sharing ${shared.join(", ")}` : "sharing no library yet: devices see an empty server";
  return `On as “${config.name}” at ${where}, for devices in ${config.allow.join(", ")}; ${what}.`;
}

function settingsForm(config, addresses, libraries, onSaved) {
  const on = h("input", { type: "checkbox", id: "dlna-enabled", checked: config.enabled, "aria-describedby": "dlna-enabled-hint" });
  const name = h("input", { id: "dlna-name", value: config.name, maxlength: "64", required: true, autocomplete: "off" });
  const port = h("input", { id: "dlna-port", type: "number", min: "1024", max: "65535", required: true, value: String(config.port), "aria-describedby": "dlna-port-hint" });
  const interfaces = addresses.length
    ? checkGroup("dlna-interfaces", "Listen on (this machine's addresses)", "TVs find the server at the addresses ticked. Choose the one on your home network.", addressChoices(config, addresses))
    : null;
  const typedInterfaces = interfaces
    ? null
    : h("input", { id: "dlna-interfaces", value: config.interfaces.join(", "), autocomplete: "off", spellcheck: "false", placeholder: "192.168.1.10", "aria-describedby": "dlna-interfaces-hint" });
  const allow = h("input", { id: "dlna-allow", value: config.allow.join(", "), autocomplete: "off", spellcheck: "false", placeholder: "192.168.1.0/24", "aria-describedby": "dlna-allow-hint" });
  const shared = checkGroup(
    "dlna-libraries",
    "Libraries shared",
    libraries.length ? "Nothing is shared until you tick a library here." : "No library yet: add one on the Libraries tab.",
    libraries.map((library) => ({
      value: library.id,
      label: library.name,
      checked: config.library_ids.includes(library.id),
    })),
  );
  const approval = h("input", { type: "checkbox", id: "dlna-approval", checked: config.approval_required });
  const record = h("input", { type: "checkbox", id: "dlna-record", checked: config.record_plays, "aria-describedby": "dlna-record-hint" });
  const retention = h("input", { id: "dlna-retention", type: "number", min: "1", max: "30", required: true, value: String(config.play_retention_days) });
  const recordLabel = h("label", { for: "dlna-record" });
  // The label says how long, as the days are typed.
  const showDays = () => {
    const days = retention.value || "N";
    recordLabel.textContent = `Record what DLNA devices play (against the device, never a person; kept ${days} day${days === "1" ? "" : "s"})`;
  };
  showDays();
  retention.addEventListener("input", showDays);
  const submit = h("button", { type: "submit", class: "primary" }, "Save");
  const formNote = h("div", { class: "form-note", "aria-live": "polite" });
  const form = h(
    "form",
    // The server's checks alone (novalidate): turning it off never waits on a field the
    // off switch does not send, and every refusal reads the same, beside the form.
    { class: "admin-form dlna-form", "aria-labelledby": "dlna-settings-heading", novalidate: true },
    h("h2", { id: "dlna-settings-heading", text: "Settings" }),
    h(
      "div",
      { class: "field" },
      h("div", { class: "check-row" }, on, h("label", { for: "dlna-enabled", text: "Turn the DLNA server on" })),
      hint("dlna-enabled-hint", "Turning it off keeps the settings below as they were last saved."),
    ),
    h("div", { class: "field" }, h("label", { for: "dlna-name", text: "Name TVs show" }), name),
    h("div", { class: "field" }, h("label", { for: "dlna-port", text: "Port" }), port, hint("dlna-port-hint", "1024 to 65535; 8421 unless it is taken.")),
    interfaces ? interfaces.fieldset : h(
      "div",
      { class: "field" },
      h("label", { for: "dlna-interfaces", text: "Listen on (addresses of this machine)" }),
      typedInterfaces,
      hint("dlna-interfaces-hint", "Separated by commas: the address of this machine on your home network."),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "dlna-allow", text: "Allowed subnets" }),
      allow,
      hint(
        "dlna-allow-hint",
        "Private networks only, separated by commas. Leave it empty for each chosen address's own subnet (its /24, or /64 for IPv6; 127.0.0.1 or ::1 alone for this machine).",
      ),
    ),
    shared.fieldset,
    h("div", { class: "field check-row" }, approval, h("label", { for: "dlna-approval", text: "New devices wait for my approval before they see anything" })),
    h(
      "div",
      { class: "field" },
      h("div", { class: "check-row" }, record, recordLabel),
      hint("dlna-record-hint", "Off by default. Turning it off erases every play recorded; a shorter time erases the older ones."),
    ),
    h("div", { class: "field" }, h("label", { for: "dlna-retention", text: "Keep recorded plays for (days, 1 to 30)" }), retention),
    submit,
    formNote,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    clear(formNote);
    const body = { enabled: on.checked };
    if (on.checked) {
      Object.assign(body, {
        name: name.value.trim(),
        port: Number(port.value),
        interfaces: interfaces ? interfaces.chosen() : list(typedInterfaces.value),
        libraries: shared.chosen(),
        approval_required: approval.checked,
      });
      // Empty: the API's default, each interface's own subnet.
      if (list(allow.value).length) body.allow = list(allow.value);
    }
    // Recording is set whether the server is on or off: turning it off must always work.
    Object.assign(body, { record_plays: record.checked, play_retention_days: Number(retention.value) });
    try {
      const saved = await api("/api/v1/admin/dlna", { method: "PUT", body });
      await onSaved(saved);
    } catch (error) {
      // What the admin typed stays in the form; the API's reason is shown beside it.
      problem(formNote, error);
      submit.disabled = false;
    }
  });
  return form;
}

function devicesSection(approvalRequired) {
  const box = h("div");
  const note = h("p", { class: "action-note", role: "status" });
  const refreshButton = h("button", { type: "button", onclick: () => refresh().catch((error) => problem(note, error)) }, "Refresh devices");

  function actions(device) {
    const what = `${device.user_agent} at ${device.address}`;
    const toggle = h(
      "button",
      { type: "button", "aria-label": `${device.approved ? "Withdraw approval of" : "Approve"} ${what}` },
      device.approved ? "Withdraw approval" : "Approve",
    );
    toggle.addEventListener("click", async () => {
      toggle.disabled = true;
      try {
        await api(`/api/v1/admin/dlna/devices/${encodeURIComponent(device.id)}`, { method: "PUT", body: { approved: !device.approved } });
        message(note, device.approved ? `${what}: approval withdrawn.` : `${what} approved.`);
        await refresh();
        // The row is drawn again: the focus goes to its new button.
        const again = box.querySelector(`tr[data-device="${CSS.escape(device.id)}"] button`);
        if (again) again.focus();
      } catch (error) {
        toggle.disabled = false;
        problem(note, error);
      }
    });
    const forget = askFirst(h("button", { type: "button", class: "danger", "aria-label": `Forget ${what}` }, "Forget"), {
      group: `Confirm forgetting ${what}`,
      text: approvalRequired
        ? "It is listed again if it asks again, and must then be approved again."
        : "It is listed again if it asks again.",
      confirmText: "Forget now",
      note,
      run: async () => {
        await api(`/api/v1/admin/dlna/devices/${encodeURIComponent(device.id)}`, { method: "DELETE" });
        message(note, `${what} forgotten.`);
        await refresh();
        refreshButton.focus();
      },
    });
    return h("td", { class: "actions" }, toggle, forget);
  }

  async function refresh() {
    const devices = await api("/api/v1/admin/dlna/devices");
    if (!devices.length) {
      clear(box, h("p", { class: "muted", text: "No device has asked the DLNA server for anything yet." }));
      return;
    }
    const rows = devices.map((device) =>
      h(
        "tr",
        { dataset: { device: device.id } },
        h("th", { scope: "row", class: "user-agent", text: device.user_agent }),
        h("td", { text: device.address }),
        h("td", { text: when(device.first_seen) }),
        h("td", { text: when(device.last_seen) }),
        h("td", { class: device.approved ? "ok" : "muted", text: device.approved ? "Approved" : "Not approved" }),
        actions(device),
      ),
    );
    clear(box, table("Devices that asked the DLNA server", ["Device", "Address", "First seen", "Last seen", "Approval", "Actions"], rows));
  }

  const section = h(
    "section",
    { class: "dlna-devices", "aria-labelledby": "dlna-devices-heading" },
    h("h2", { id: "dlna-devices-heading", text: "Devices" }),
    h("p", {
      class: "muted",
      text:
        "Every device that asked the DLNA server for something, by the name it gives and its address. " +
        (approvalRequired
          ? "Approval is on: a device sees nothing until you approve it."
          : "Approval is off: every device in the allowed subnets is answered."),
    }),
    box,
    note,
    refreshButton,
  );
  return { section, refresh };
}

export async function dlnaTab(section) {
  const [config, addresses, libraries] = await Promise.all([
    api("/api/v1/admin/dlna"),
    api("/api/v1/admin/dlna/addresses"),
    api("/api/v1/libraries"),
  ]);
  const state = h("p", { class: "dlna-state", role: "status", text: stateText(config, libraries) });
  const form = settingsForm(config, addresses, libraries, async (saved) => {
    // Drawn again from what the server kept (its defaults filled in); the focus goes back
    // to Save, beside the message.
    await dlnaTab(section);
    const note = section.querySelector(".dlna-form .form-note");
    message(note, saved.enabled ? "Saved. TVs see the change within a few seconds." : "Saved: the DLNA server is off.");
    section.querySelector(".dlna-form button[type=submit]").focus();
  });
  const devices = devicesSection(config.approval_required);
  const plays = playsSection(config);
  clear(
    section,
    h("h2", { text: "TVs & DLNA" }),
    h("p", {
      class: "muted",
      text:
        "Smart TVs, game consoles, hi-fi players and apps such as VLC and Kodi find a DLNA server " +
        "on the home network and play from it without an app or an account.",
    }),
    h(
      "div",
      { class: "dlna-exposure", role: "note", "aria-labelledby": "dlna-exposure-heading" },
      h("h3", { id: "dlna-exposure-heading", text: "What turning it on exposes" }),
      h("p", {
        text:
          "DLNA has no sign-in. While it is on, anyone with a device on the allowed subnets can browse " +
          "and play the libraries you share, without signing in. Nothing is shared until you choose " +
          "libraries, and plays from these devices are never attached to a person.",
      }),
    ),
    state,
    form,
    devices.section,
    plays.section,
  );
  await Promise.all([devices.refresh(), plays.refresh()]);
}
