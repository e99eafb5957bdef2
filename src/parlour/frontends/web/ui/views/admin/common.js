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
