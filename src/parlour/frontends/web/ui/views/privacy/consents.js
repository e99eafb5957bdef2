// My data's usage-report consents: each question, its answer, and every answer given.

import { h, when } from "../../dom.js";

export function consentView(state, decide) {
  if (state.child_profile) {
    return h("p", { text: "This profile is never asked for consent, and nothing about it is ever reported." });
  }
  const scopes = state.scopes.map((scope) => scopeView(scope, state, decide));
  const given = state.scopes.filter((scope) => scope.given);
  return [
    h(
      "p",
      { class: "muted" },
      `Policy version ${state.policy_version}. A usage report is sent only if an admin turns reports on `,
      "and someone agrees; it carries only what is listed under each question.",
    ),
    scopes,
    given.length > 1
      ? h("button", { type: "button", class: "withdraw-all", onclick: () => decide("all", false) }, "Withdraw every consent")
      : null,
    recordsTable(state.records),
  ];
}

function scopeView(scope, state, decide) {
  const id = `scope-${scope.scope}`;
  const fields = h("ul", { class: "pc-fields" }, scope.fields.map((field) => h("li", {}, h("code", { text: field }))));
  const last = scope.last_decision;
  let answer;
  if (scope.pending) {
    // The question: two buttons of the same class and size, nothing chosen for you.
    answer = [
      h(
        "p",
        { class: "muted" },
        last ? `The terms changed since you answered (version ${last.policy_version}): please answer again. ` : "",
        "Dismissing this question is the same as declining.",
      ),
      h(
        "div",
        { class: "buttons pc-choices", role: "group", "aria-label": "Your answer" },
        h("button", { type: "button", class: "pc-choice", onclick: () => decide(scope.scope, true) }, "Accept"),
        h("button", { type: "button", class: "pc-choice", onclick: () => decide(scope.scope, false) }, "Decline"),
      ),
    ];
  } else if (scope.given) {
    answer = [
      h("p", { class: "ok", text: `You agreed under policy version ${last.policy_version} on ${when(last.recorded_at)}.` }),
      h("button", { type: "button", class: "withdraw", onclick: () => decide(scope.scope, false) }, "Withdraw consent"),
    ];
  } else {
    answer = [
      h("p", { text: `You declined${last ? ` under policy version ${last.policy_version} on ${when(last.recorded_at)}` : ""}. Nothing of this is sent.` }),
      h("button", { type: "button", class: "pc-choice", onclick: () => decide(scope.scope, true) }, "Accept"),
    ];
  }
  return h(
    "article",
    { class: `scope${scope.pending ? " pending" : ""}`, "aria-labelledby": id, dataset: { scope: scope.scope } },
    h(
      "div",
      { class: "scope-head" },
      h("h3", { id, text: scope.scope.replace(/_/g, " ") }),
      scope.pending
        ? h(
            "button",
            { type: "button", class: "quiet dismiss", "aria-label": "Dismiss (declines)", onclick: () => decide(scope.scope, false) },
            "✕",
          )
        : null,
    ),
    h("p", { class: "notice", text: scope.notice }),
    h("p", { class: "muted", text: "It would collect exactly:" }),
    fields,
    answer,
  );
}

function recordsTable(records) {
  if (!records.length) return h("p", { class: "muted", text: "You have not answered any question yet." });
  return h(
    "details",
    { class: "records" },
    h("summary", {}, `Every answer you gave (${records.length})`),
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, ["When", "Scope", "Answer", "Policy version", "How"].map((t) => h("th", { scope: "col", text: t })))),
      h(
        "tbody",
        {},
        [...records].reverse().map((record) =>
          h(
            "tr",
            {},
            h("td", { text: when(record.recorded_at) }),
            h("td", { text: record.scope.replace(/_/g, " ") }),
            h("td", { text: record.given ? "Agreed" : "Declined or withdrew" }),
            h("td", { text: String(record.policy_version) }),
            h("td", { text: record.channel === "cli" ? "command line" : "web or API" }),
          ),
        ),
      ),
    ),
  );
}
