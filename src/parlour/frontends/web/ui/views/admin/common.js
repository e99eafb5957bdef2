// Admin: small helpers more than one admin tab uses (tables, fact lists, action notes).

import { clear, errorBox, h } from "../../dom.js";

// A table; on a narrow screen each row becomes a block of labelled lines (admin.css).
export function table(caption, headers, rows) {
  for (const row of rows) {
    [...row.children].forEach((cell, i) => {
      if (headers[i]) cell.dataset.label = headers[i];
    });
  }
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "admin-table" },
      caption ? h("caption", { class: "visually-hidden", text: caption }) : null,
      h("thead", {}, h("tr", {}, headers.map((text) => h("th", { scope: "col", text })))),
      h("tbody", {}, rows),
    ),
  );
}

export function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.filter(Boolean).map(([term, value]) => [h("dt", { text: term }), h("dd", {}, value)]),
  );
}

export function message(node, text, kind = "ok") {
  clear(node, text ? h("span", { class: kind, text }) : null);
}

export function problem(node, error) {
  clear(node, errorBox(error));
}

// A button that asks before it acts: it gives way to a group with a short warning, a
// confirming button (which gets the focus) and Cancel (which gives it back). `run` is
// awaited with both disabled; an error it throws leaves the question open to try again,
// and once done the button comes back (unless `run` drew its place again).
export function askFirst(start, { group, text, confirmText, run, note }) {
  start.addEventListener("click", () => {
    const confirm = h("button", { type: "button", class: "danger" }, confirmText);
    const cancel = h("button", { type: "button" }, "Cancel");
    const ask = h("div", { class: "confirm", role: "group", "aria-label": group }, h("p", { text }), confirm, cancel);
    cancel.addEventListener("click", () => {
      ask.replaceWith(start);
      start.focus();
    });
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      cancel.disabled = true;
      try {
        await run();
      } catch (error) {
        confirm.disabled = false;
        cancel.disabled = false;
        problem(note, error);
        return;
      }
      if (ask.isConnected) {
        ask.replaceWith(start);
        start.focus();
      }
    });
    start.replaceWith(ask);
    confirm.focus();
  });
  return start;
}
