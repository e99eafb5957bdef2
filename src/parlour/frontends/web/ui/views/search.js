// Search across everything, as you type. The header's box sets the route to
// /search?q=TEXT on every keystroke, so this view runs again for each letter: it shows the
// results it had at once (no "Loading…" flash between letters), aborts the request of the
// letter before, and draws only the answer to the latest text.

import { api } from "../api.js";
import { icon, player } from "../audio.js";
import { itemPath } from "../components.js";
import { clear, errorBox, h } from "../dom.js";
import { go, link } from "../router.js";

const GROUPS = [
  ["artist", "Artists"],
  ["album", "Albums"],
  ["track", "Tracks"],
  ["movie", "Films"],
  ["show", "Shows"],
  ["season", "Seasons"],
  ["episode", "Episodes"],
  ["video", "Videos"],
  ["photo", "Photos"],
];
const LIMIT = 100;

// What the last run drew, kept across runs so the next letter starts from it.
const last = { text: null, results: null, controller: null, status: null };

function searchable(text) {
  return /[0-9A-Za-z]/.test(text) || /[\p{L}\p{N}]/u.test(text);
}

// Opens an item whose page needs more than the hit says (a track's album, a photo's
// folder, an episode's season).
async function open(hit, status) {
  try {
    const item = await api(`/api/v1/items/${encodeURIComponent(hit.id)}`);
    go(itemPath({ ...item, kind: hit.kind }));
  } catch (error) {
    status.textContent = error.message;
  }
}

function trackHit(hit, status) {
  const track = { id: hit.id, title: hit.title };
  return h(
    "li",
    { class: "hit track-hit" },
    h(
      "button",
      { type: "button", class: "quiet hit-main", "aria-label": `Play ${hit.title}`, onclick: () => player.playQueue([track], 0) },
      h("span", { class: "hit-icon", "aria-hidden": "true" }, icon("play")),
      h("span", { class: "hit-text" }, h("span", { class: "hit-title", text: hit.title }), hit.context ? h("span", { class: "muted", text: hit.context }) : null),
    ),
    h(
      "span",
      { class: "hit-actions" },
      h("button", { type: "button", class: "quiet small", "aria-label": `Add ${hit.title} to the queue`, onclick: () => player.enqueue([track]) }, "+ Queue"),
      h("button", { type: "button", class: "quiet small", "aria-label": `Open the album of ${hit.title}`, onclick: () => open(hit, status) }, "Album"),
    ),
  );
}

function plainHit(hit, status) {
  const needsLookup = ["photo", "episode"].includes(hit.kind);
  const anchor = h(
    "a",
    { class: "hit-main", href: link(itemPath(hit)) },
    h("span", { class: "hit-text" }, h("span", { class: "hit-title", text: hit.title }), hit.context ? h("span", { class: "muted", text: hit.context }) : null),
  );
  if (needsLookup) {
    anchor.addEventListener("click", (event) => {
      event.preventDefault();
      open(hit, status);
    });
  }
  return h("li", { class: "hit" }, anchor);
}

function results(text, answer, status) {
  const byKind = new Map();
  for (const hit of answer.items) {
    if (!byKind.has(hit.kind)) byKind.set(hit.kind, []);
    byKind.get(hit.kind).push(hit);
  }
  const known = new Set(GROUPS.map(([kind]) => kind));
  const groups = [...GROUPS, ...[...byKind.keys()].filter((kind) => !known.has(kind)).map((kind) => [kind, kind])];
  const sections = groups
    .filter(([kind]) => byKind.has(kind))
    .map(([kind, label]) =>
      h(
        "section",
        { class: `hits hits-${kind}`, "aria-label": label },
        h("h2", { text: `${label} (${byKind.get(kind).length})` }),
        h("ul", {}, byKind.get(kind).map((hit) => (kind === "track" ? trackHit(hit, status) : plainHit(hit, status)))),
      ),
    );
  const summary = answer.total
    ? `${answer.total} ${answer.total === 1 ? "result" : "results"} for “${text}”${answer.total > answer.items.length ? ` (the best ${answer.items.length} shown)` : ""}`
    : `Nothing found for “${text}”.`;
  return { sections, summary };
}

export async function search({ main, query }) {
  const text = (query.get("q") || "").trim();
  if (last.controller) last.controller.abort();
  const controller = new AbortController();
  last.controller = controller;

  const heading = h("h1", { text: "Search" });
  const summary = h("p", { class: "muted search-summary", role: "status" });
  // One message line for every run: the results kept from a run before still write to it.
  last.status = last.status || h("p", { class: "error", role: "alert" });
  const status = last.status;
  status.textContent = "";
  const body = h("div", { class: "search-results" });
  // The results of the text before stay until the new answer comes (no flicker).
  if (last.results && text && last.text !== null) {
    body.append(...last.results.sections);
    summary.textContent = last.results.summary;
  }
  clear(main, heading, summary, status, body);
  main.classList.add("searching");
  const done = () => {
    controller.abort();
    main.classList.remove("searching");
    main.removeAttribute("aria-busy");
  };

  if (!text) {
    last.text = null;
    last.results = null;
    summary.textContent = "Type in the search box above to find artists, albums, tracks, films, shows, episodes and photos.";
    return done;
  }
  if (!searchable(text)) {
    last.text = null;
    last.results = null;
    clear(body);
    summary.textContent = "Type a letter or a digit to search.";
    return done;
  }
  main.setAttribute("aria-busy", "true");
  try {
    const answer = await api(`/api/v1/search?q=${encodeURIComponent(text)}&limit=${LIMIT}`, {
      signal: controller.signal,
    });
    if (controller.signal.aborted) return done;
    const drawn = results(text, answer, status);
    last.text = text;
    last.results = drawn;
    clear(body, drawn.sections);
    summary.textContent = drawn.summary;
  } catch (error) {
    if (error.name === "AbortError" || controller.signal.aborted) return done;
    last.text = null;
    last.results = null;
    clear(body, errorBox(error));
    summary.textContent = "";
  } finally {
    main.removeAttribute("aria-busy");
  }
  return done;
}
