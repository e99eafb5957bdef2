// Admin tab "Privacy": outbound features, usage-report consents, the exact report bytes, the processing record.

import { api } from "../../api.js";
import { clear, h, when } from "../../dom.js";
import { facts, message, problem, table } from "./common.js";

function bytes(text) {
  return new TextEncoder().encode(text).length;
}

function outboundSection(report) {
  const rows = report.features.map((feature) =>
    h(
      "tr",
      { dataset: { feature: feature.name } },
      h("th", { scope: "row" }, h("code", { text: feature.name }), h("p", { class: "muted", text: feature.description })),
      h("td", {}, feature.state, feature.active ? h("span", { class: "ok", text: " · active now" }) : h("span", { class: "muted", text: " · not active" })),
      h("td", {}, feature.hosts.length ? h("ul", { class: "plain" }, feature.hosts.map((host) => h("li", {}, h("code", { text: host })))) : h("span", { class: "muted", text: "none declared" })),
      h("td", {}, h("details", {}, h("summary", { text: `${feature.fields.length} field${feature.fields.length === 1 ? "" : "s"}` }), h("ul", { class: "plain fields" }, feature.fields.map((field) => h("li", {}, h("code", { text: field })))))),
      h("td", { class: "number", text: String(feature.refused) }),
    ),
  );
  const destinations = Object.entries(report.refused.by_destination);
  return h(
    "section",
    { "aria-labelledby": "outbound-heading" },
    h("h2", { id: "outbound-heading", text: "Outbound features" }),
    h("p", {
      class: report.offline ? "ok" : "muted",
      text: report.offline
        ? "Offline mode is on: no feature may reach the internet, whatever its own switch says."
        : "Offline mode is off: a feature that is switched on may reach the hosts it declares, and nothing else.",
    }),
    table("Outbound features", ["Feature", "State", "Hosts it would reach", "What it sends", "Refused"], rows),
    h(
      "p",
      {},
      `Connections the outbound gate refused since the server started: ${report.refused.total}.`,
      destinations.length ? ` By destination: ${destinations.map(([host, count]) => `${host} (${count})`).join(", ")}.` : "",
    ),
  );
}

function consentSection(state, onChanged) {
  const note = h("div", { class: "action-note", "aria-live": "polite" });
  const askDeletion = h("input", { type: "checkbox", id: "request-deletion" });

  async function decide(scope, given) {
    try {
      const body = { scope, given };
      if (!given) body.request_deletion = askDeletion.checked;
      const answer = await api("/api/v1/admin/consents", { method: "POST", body });
      if (answer.deletion_request) {
        message(note, answer.deletion_request.sent ? "The receiver was asked to delete what it got." : `The deletion request was not sent: ${answer.deletion_request.detail || "unknown reason"}`, answer.deletion_request.sent ? "ok" : "error");
      }
      await onChanged();
    } catch (error) {
      problem(note, error);
    }
  }

  const scopes = state.scopes.map((scope) => {
    const decided = scope.last_decision;
    let status;
    if (scope.given) status = "You agreed: this scope is included in reports.";
    else if (decided && decided.given) status = "Agreed under older terms: not sent until you answer again.";
    else if (decided) status = "Declined: never sent.";
    else status = "Not answered yet: never sent until you agree.";
    return h(
      "article",
      { class: "consent-scope", dataset: { scope: scope.scope }, "aria-labelledby": `scope-${scope.scope}` },
      h("h3", { id: `scope-${scope.scope}` }, h("code", { text: scope.scope })),
      h("p", { text: scope.notice }),
      h("p", { class: "muted" }, "Collects: ", scope.fields.map((field, i) => [i ? ", " : "", h("code", { text: field })])),
      h("p", { class: scope.given ? "ok consent-state" : "consent-state", text: status }),
      decided ? h("p", { class: "muted", text: `Last answer: ${decided.given ? "yes" : "no"} under policy version ${decided.policy_version}, ${when(decided.recorded_at)} (${decided.channel}).` }) : null,
      h(
        "div",
        { class: "choices", role: "group", "aria-label": `Your answer for ${scope.scope}` },
        h("button", { type: "button", class: "choice", "aria-pressed": String(scope.given), onclick: () => decide(scope.scope, true) }, "Accept"),
        h("button", { type: "button", class: "choice", "aria-pressed": String(Boolean(decided && !decided.given)), onclick: () => decide(scope.scope, false) }, "Decline"),
      ),
    );
  });
  const anyGiven = state.scopes.some((scope) => scope.given);
  return h(
    "section",
    { "aria-labelledby": "consents-heading" },
    h("h2", { id: "consents-heading", text: "Usage reports: this server's consents" }),
    h("p", {
      class: "muted",
      text:
        `Policy version ${state.policy_version}. Nothing is sent unless you accept a scope here (and usage reports are ` +
        "switched on with an endpoint in the server's settings). Each person decides their own personal scope under My data; " +
        "you cannot decide it for them.",
    }),
    h("div", { class: "field inline" }, askDeletion, h("label", { for: "request-deletion", text: "When declining or withdrawing, also ask the receiver to delete what it got" })),
    scopes,
    anyGiven ? h("button", { type: "button", onclick: () => decide("all", false) }, "Withdraw every scope") : null,
    note,
    state.records.length
      ? h(
          "details",
          {},
          h("summary", { text: `Every answer on record (${state.records.length})` }),
          table(
            "Consent records",
            ["When", "Scope", "Answer", "Policy version", "How"],
            state.records.map((record) =>
              h("tr", {}, h("td", { text: when(record.recorded_at) }), h("td", {}, h("code", { text: record.scope })), h("td", { text: record.given ? "yes" : "no" }), h("td", { text: String(record.policy_version) }), h("td", { text: record.channel })),
            ),
          ),
        )
      : null,
  );
}

function reportBytes(label, text, id) {
  return h(
    "figure",
    { class: "report-bytes" },
    h("figcaption", { id }, `${label} · ${bytes(text).toLocaleString()} bytes`),
    h("pre", { tabindex: "0", "aria-labelledby": id }, h("code", { text })),
  );
}

function reportsSection(state, onChanged) {
  const note = h("div", { class: "action-note", "aria-live": "polite" });
  const send = h("button", { type: "button" }, "Send now");
  send.addEventListener("click", async () => {
    send.disabled = true;
    try {
      const sent = await api("/api/v1/admin/usage-reports/send", { method: "POST" });
      const blocked = sent.blocked_because.length ? ` Not sent because: ${sent.blocked_because.join("; ")}.` : "";
      message(note, `Made ${sent.made}, sent ${sent.sent}, failed ${sent.failed}, dropped ${sent.dropped}.${blocked}`);
      await onChanged(note);
    } catch (error) {
      problem(note, error);
    } finally {
      send.disabled = false;
    }
  });
  const outbox = state.outbox.length
    ? state.outbox.map((queued) =>
        h(
          "div",
          { class: "queued" },
          h("p", { text: `Made ${when(queued.created_at)}; ${queued.attempts} attempt${queued.attempts === 1 ? "" : "s"}; next try ${when(queued.next_attempt_at)}.` }),
          queued.last_error ? h("p", { class: "error", text: `Last error: ${queued.last_error}` }) : null,
          reportBytes(`Queued report ${queued.id}`, queued.body, `queued-${queued.id}`),
        ),
      )
    : h("p", { class: "muted", text: "The outbox is empty." });
  return h(
    "section",
    { "aria-labelledby": "reports-heading", class: "usage-reports" },
    h("h2", { id: "reports-heading", text: "Usage reports: what would be sent" }),
    facts([
      ["Sending", state.active ? h("span", { class: "ok", text: "on" }) : h("span", {}, "off", state.blocked_because.length ? ` (${state.blocked_because.join("; ")})` : "")],
      ["Endpoint", state.endpoint ? h("code", { text: state.endpoint }) : "none set"],
      ["Install id", state.install_id ? h("code", { text: state.install_id }) : "none (made with the first consented report)"],
      ["Reports sent", String(state.reports_sent)],
      ["Last report", state.last_report_at ? when(state.last_report_at) : "never"],
      ["How often", `once every ${Math.round(state.every_s / 3600)} hours`],
      ["Scopes included", state.included_scopes.length ? state.included_scopes.join(", ") : "none"],
      ["People who agreed to send their own entry", String(state.personal_entries)],
    ]),
    h("h3", { text: "The next report, byte for byte" }),
    state.next_report === null
      ? h("p", { class: "muted next-report-none", text: "No consent counts, so no report would be made or sent." })
      : reportBytes("Next report", state.next_report, "next-report"),
    h("h3", { text: "Each scope's report on its own (to read before agreeing)" }),
    Object.entries(state.preview_by_scope).map(([scope, text]) => reportBytes(scope, text, `preview-${scope}`)),
    h("h3", { text: "Outbox" }),
    outbox,
    h("div", { class: "toolbar" }, send),
    note,
  );
}

function recordSection(record) {
  const rows = record.categories.map((category) =>
    h(
      "tr",
      {},
      h("th", { scope: "row", text: category.category }),
      h("td", { text: category.data }),
      h("td", { text: category.purpose }),
      h("td", { text: category.legal_basis }),
      h("td", { text: category.retention }),
      h("td", {}, category.stored_in.map((name, i) => [i ? ", " : "", h("code", { text: name })])),
    ),
  );
  return h(
    "section",
    { "aria-labelledby": "record-heading" },
    h("h2", { id: "record-heading", text: "Record of processing" }),
    facts([
      ["Controller", record.controller],
      ["Purpose", record.purpose],
      ["Whose data", record.data_subjects],
      ["Recipients", record.recipients],
      ["Transfers", record.transfers],
      ["Security", h("ul", { class: "plain" }, record.security.map((line) => h("li", { text: line })))],
      record.unclassified_tables && record.unclassified_tables.length
        ? ["Tables without a category", h("span", { class: "error", text: record.unclassified_tables.join(", ") })]
        : null,
    ]),
    h(
      "details",
      { class: "record-categories" },
      h("summary", { text: `What is kept about people, why and how long (${rows.length} categories)` }),
      table("Categories of personal data", ["Category", "What", "Why", "Legal basis", "How long", "Stored in"], rows),
    ),
  );
}

export async function privacyTab(section) {
  const outbound = h("div");
  const consents = h("div");
  const reports = h("div");
  const record = h("div");

  async function refreshReports(keep) {
    const state = await api("/api/v1/admin/usage-reports");
    const fresh = reportsSection(state, refreshReports);
    if (keep) fresh.querySelector(".action-note").replaceWith(keep);
    clear(reports, fresh);
  }
  async function refreshConsents() {
    const state = await api("/api/v1/admin/consents");
    clear(consents, consentSection(state, async () => {
      await refreshConsents();
      await refreshReports();
    }));
  }
  const [outboundReport, processing] = await Promise.all([
    api("/api/v1/admin/privacy/outbound"),
    api("/api/v1/admin/privacy/record"),
    refreshConsents(),
    refreshReports(),
  ]);
  clear(outbound, outboundSection(outboundReport));
  clear(record, recordSection(processing));
  clear(section, outbound, consents, reports, record);
}
