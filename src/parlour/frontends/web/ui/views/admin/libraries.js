// Admin tab "Libraries": add a folder, rescan with live progress, failed files with their reasons.

import { api } from "../../api.js";
import { clear, h, when } from "../../dom.js";
import { askFirst, message, problem, table } from "./common.js";

const KINDS = [
  ["music", "Music"],
  ["movies", "Films"],
  ["shows", "Shows"],
  ["photos", "Photos"],
  ["videos", "Other videos"],
];
const PHASES = {
  queued: "Waiting for another scan to finish",
  walking: "Looking for files",
  probing: "Reading files",
  sidecars: "Reading sidecar files",
};

function countsText(counts) {
  const parts = Object.entries(counts || {})
    .filter(([key]) => key !== "failed")
    .map(([key, value]) => `${value.toLocaleString()} ${key}`);
  return parts.join(", ") || "empty";
}

function percentOf(status) {
  if (!status.running) return status.phase === "done" ? 100 : null;
  if ((status.phase === "probing" || status.phase === "sidecars") && status.total > 0) {
    return Math.min(100, Math.floor((status.done / status.total) * 100));
  }
  return null;
}

function scanPanel(onFinished) {
  const bar = h("progress", { id: "scan-progress", max: "100", "aria-labelledby": "scan-heading" });
  const percent = h("span", { class: "scan-percent", "data-testid": "scan-percent" });
  const detail = h("p", { class: "muted scan-detail" });
  const state = h("p", { class: "scan-state", role: "status" });
  const failures = h("div", { class: "scan-failures" });
  const panel = h(
    "section",
    { class: "scan-panel", "aria-labelledby": "scan-heading" },
    h("h2", { id: "scan-heading", text: "Scan progress" }),
    h("div", { class: "scan-bar" }, bar, percent),
    state,
    detail,
    failures,
  );
  let lastPhase = null;

  function show(status, finished) {
    const pct = percentOf(status);
    if (pct === null) bar.removeAttribute("value");
    else bar.value = pct;
    percent.textContent = pct === null ? "" : `${pct} %`;
    if (status.running) {
      const what = PHASES[status.phase] || "Scanning";
      const where = status.library ? `${status.library}: ` : "";
      const phaseText = `${where}${what}`;
      if (phaseText !== lastPhase) state.textContent = `Scanning… ${phaseText}`;
      lastPhase = phaseText;
      const count = status.total ? `${status.done.toLocaleString()} of ${status.total.toLocaleString()} files` : "";
      detail.textContent = [count, status.folder].filter(Boolean).join(" · ");
      clear(failures);
      return;
    }
    lastPhase = null;
    if (!status.run) {
      state.textContent = "No scan since the server started.";
      detail.textContent = "";
      bar.value = 0;
      return;
    }
    if (status.phase === "failed") {
      state.textContent = `The scan stopped: ${status.error || "unknown error"}`;
      state.className = "scan-state error";
    } else {
      state.className = "scan-state";
      state.textContent = `Scan finished${status.library ? ` (${status.library})` : ""} at ${when(status.finished_at)}.`;
    }
    const summary = status.summary;
    detail.textContent = summary
      ? `${summary.added} added, ${summary.changed} changed, ${summary.moved} moved, ` +
        `${summary.removed} removed, ${summary.unchanged} unchanged, ${summary.failed} failed`
      : "";
    if (summary && summary.failures.length) {
      clear(
        failures,
        h("h3", { text: "Files this scan could not read" }),
        failureList(summary.failures),
      );
    } else {
      clear(failures);
    }
    if (finished) onFinished();
  }

  const events = new EventSource("/api/v1/admin/scan/events");
  const read = (finished) => (event) => {
    try {
      show(JSON.parse(event.data), finished);
    } catch (error) {
      console.error(error);
    }
  };
  events.addEventListener("status", read(false));
  events.addEventListener("progress", read(false));
  events.addEventListener("finished", read(true));
  events.addEventListener("error", () => {
    if (events.readyState === EventSource.CLOSED) state.textContent = "Live progress is not available.";
  });
  return { panel, close: () => events.close() };
}

function failureList(failures) {
  return h(
    "ul",
    { class: "failures" },
    failures.map((failure) =>
      h("li", {}, h("code", { class: "path", text: failure.path }), h("span", { class: "reason", text: failure.reason })),
    ),
  );
}

function failedFiles(library) {
  const failed = (library.counts && library.counts.failed) || 0;
  if (!failed) return h("span", { class: "muted", text: "none" });
  const list = h("div", {}, h("p", { class: "muted", text: "Loading…" }));
  const details = h(
    "details",
    { class: "failed-files" },
    h("summary", { text: `${failed} failed file${failed === 1 ? "" : "s"}` }),
    list,
  );
  let loaded = false;
  details.addEventListener("toggle", async () => {
    if (!details.open || loaded) return;
    loaded = true;
    try {
      const rows = await api(`/api/v1/admin/libraries/${encodeURIComponent(library.id)}/failures`);
      clear(list, rows.length ? failureList(rows) : h("p", { class: "muted", text: "None now." }));
    } catch (error) {
      loaded = false;
      problem(list, error);
    }
  });
  return details;
}

export async function librariesTab(section, cleanups) {
  const listBox = h("div", { class: "library-list" });
  const note = h("p", { class: "action-note", role: "status" });
  const full = h("input", { type: "checkbox", id: "scan-full" });

  async function startScan(library) {
    const path = library ? `/api/v1/admin/libraries/${encodeURIComponent(library.id)}/scan` : "/api/v1/admin/scan";
    try {
      await api(path, { method: "POST", body: { full: full.checked } });
      message(note, library ? `Scanning ${library.name}…` : "Scanning every library…");
    } catch (error) {
      problem(note, error);
    }
  }

  function removeButton(library) {
    const remove = h("button", { type: "button", class: "danger", "aria-label": `Remove ${library.name}` }, "Remove");
    askFirst(remove, {
      group: `Confirm removing ${library.name}`,
      text: "Its folders and files stay on disk; what users recorded about its items goes.",
      confirmText: `Remove ${library.name} from the catalogue`,
      note,
      run: async () => {
        await api(`/api/v1/admin/libraries/${encodeURIComponent(library.id)}`, { method: "DELETE" });
        await refresh();
        message(note, `${library.name} removed; its files were not touched.`);
      },
    });
    return remove;
  }

  async function refresh() {
    const libraries = await api("/api/v1/libraries");
    if (!libraries.length) {
      clear(listBox, h("p", { class: "muted", text: "No library yet: add a folder below." }));
      return;
    }
    const rows = libraries.map((library) => {
      const actions = h("td", { class: "actions" });
      actions.append(
        h("button", { type: "button", "aria-label": `Rescan ${library.name}`, onclick: () => startScan(library) }, "Rescan"),
        removeButton(library),
      );
      return h(
        "tr",
        { dataset: { library: library.id } },
        h("th", { scope: "row", text: library.name }),
        h("td", { text: (KINDS.find(([kind]) => kind === library.kind) || [null, library.kind])[1] }),
        h("td", {}, library.paths.map((path) => h("code", { class: "path", text: path }))),
        h("td", { class: "counts", text: countsText(library.counts) }),
        h("td", {}, failedFiles(library)),
        h("td", { text: library.last_scan_at ? when(library.last_scan_at) : "never" }),
        actions,
      );
    });
    clear(
      listBox,
      table("Libraries", ["Name", "Kind", "Folders", "Contents", "Failed files", "Last scan", "Actions"], rows),
    );
  }

  const scan = scanPanel(() => {
    clear(note);
    refresh().catch((error) => problem(note, error));
  });
  cleanups.push(scan.close);

  const kind = h("select", { id: "library-kind", name: "kind", required: true },
    KINDS.map(([value, label]) => h("option", { value, text: label })));
  const folder = h("input", { id: "library-path", name: "path", required: true, autocomplete: "off", spellcheck: "false", placeholder: "/srv/media/music" });
  const name = h("input", { id: "library-name", name: "name", autocomplete: "off", placeholder: "e.g. Music" });
  const formNote = h("div", { class: "form-note", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary" }, "Add library");
  const form = h(
    "form",
    { class: "admin-form", "aria-labelledby": "add-library-heading" },
    h("h2", { id: "add-library-heading", text: "Add a library" }),
    h("p", { class: "muted", text: "A folder on the server. It is scanned at once; new users see it only once you grant it to them." }),
    h("div", { class: "field" }, h("label", { for: "library-kind", text: "Kind" }), kind),
    h("div", { class: "field" }, h("label", { for: "library-path", text: "Folder path" }), folder),
    h("div", { class: "field" }, h("label", { for: "library-name", text: "Name (optional)" }), name),
    submit,
    formNote,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    clear(formNote);
    try {
      const body = { kind: kind.value, path: folder.value.trim() };
      if (name.value.trim()) body.name = name.value.trim();
      const library = await api("/api/v1/admin/libraries", { method: "POST", body });
      message(formNote, `${library.name} added; scanning it now.`);
      folder.value = "";
      name.value = "";
      await refresh();
      await startScan(library);
    } catch (error) {
      problem(formNote, error);
    } finally {
      submit.disabled = false;
    }
  });

  await refresh(); // the list is drawn before the tab's "loading" gives way to it
  clear(
    section,
    h("h2", { text: "Libraries" }),
    listBox,
    h(
      "div",
      { class: "toolbar scan-actions" },
      h("button", { type: "button", onclick: () => startScan(null) }, "Rescan every library"),
      h("span", { class: "field inline" }, full, h("label", { for: "scan-full", text: "Read every file again (full scan)" })),
    ),
    note,
    scan.panel,
    form,
  );
}
