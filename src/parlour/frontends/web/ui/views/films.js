// Films: a poster grid that loads a page at a time as it scrolls (thousands stay smooth:
// each page is one request, and chunks of cards off screen are skipped by the browser, see
// chunkedList in components.js), sorted and filtered through the hash's query so a reload
// keeps the choice; and a film's page with what it is, what is in the file, and how it
// will play here and why.

import { api, artworkUrl } from "../api.js";
import { clear, duration, errorBox, h } from "../dom.js";
import { card, chunkedList } from "../components.js";
import { go, link } from "../router.js";
import { watchToggles, playbackAnswer, describeStream, languageName, ratingControl } from "./video.js";

const PAGE = 60;
export const SORTS = [
  ["title", "Title", "asc"],
  ["year", "Year", "desc"],
  ["added", "Recently added", "desc"],
  ["rating", "My rating", "desc"],
];

// The list's settings from the hash's query, with the defaults filled in (films and shows).
export function settings(query) {
  const sort = SORTS.some(([name]) => name === query.get("sort")) ? query.get("sort") : "title";
  const fallback = SORTS.find(([name]) => name === sort)[2];
  const order = ["asc", "desc"].includes(query.get("order")) ? query.get("order") : fallback;
  const year = /^\d{4}$/.test(query.get("year") || "") ? query.get("year") : "";
  const watched = ["true", "false"].includes(query.get("watched")) ? query.get("watched") : "";
  return { sort, order, genre: query.get("genre") || "", year, watched };
}

function listPath(base, chosen) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(chosen)) if (value) params.set(name, value);
  return `${base}?${params}`;
}

function apiQuery(chosen, cursor) {
  const params = new URLSearchParams({ limit: String(PAGE), sort: chosen.sort, order: chosen.order });
  if (chosen.genre) params.set("genre", chosen.genre);
  if (chosen.year) params.set("year", chosen.year);
  if (chosen.watched) params.set("watched", chosen.watched);
  if (cursor) params.set("cursor", cursor);
  return params;
}

function select(label, name, options, value, onchange) {
  const control = h(
    "select",
    { name, "aria-label": label, onchange: () => onchange(control.value) },
    options.map(([optionValue, text]) =>
      h("option", { value: optionValue, selected: optionValue === value, text }),
    ),
  );
  return h("label", {}, label, control);
}

// The sort and filter bar of a video list; every change becomes a new hash.
export function listToolbar({ base, chosen, genres, sorts = SORTS }) {
  const change = (name) => (value) => {
    const next = { ...chosen, [name]: value };
    if (name === "sort") next.order = sorts.find(([sortName]) => sortName === value)[2];
    go(listPath(base, next));
  };
  const year = h("input", {
    type: "number",
    name: "year",
    "aria-label": "Year",
    min: 1870,
    max: 2100,
    inputmode: "numeric",
    placeholder: "Any",
    value: chosen.year,
    class: "year",
  });
  year.addEventListener("change", () => {
    const value = year.value.trim();
    if (value === "" || /^\d{4}$/.test(value)) change("year")(value);
  });
  const genreChoices = [["", "All genres"], ...genres.map((genre) => [genre, genre])];
  if (chosen.genre && !genres.includes(chosen.genre)) genreChoices.push([chosen.genre, chosen.genre]);
  return h(
    "form",
    { class: "toolbar", "aria-label": "Sort and filter", onsubmit: (event) => event.preventDefault() },
    select("Sort by", "sort", sorts.map(([name, text]) => [name, text]), chosen.sort, change("sort")),
    select("Order", "order", [["asc", "Ascending"], ["desc", "Descending"]], chosen.order, change("order")),
    select("Genre", "genre", genreChoices, chosen.genre, change("genre")),
    h("label", {}, "Year", year),
    select(
      "Watched",
      "watched",
      [["", "All"], ["false", "Unwatched"], ["true", "Watched"]],
      chosen.watched,
      change("watched"),
    ),
  );
}

// The genres the viewer's films (of = "movies") or shows carry, for the filter.
export async function videoGenres(of) {
  const answer = await api("/api/v1/video-genres");
  return answer.items.filter((genre) => genre[of] > 0).map((genre) => genre.name);
}

// A grid that asks for the next page when its end comes into view (and has a button
// for the same, for keyboards and for browsers that never scroll it into view). Pages
// come one at a time, each after the one before, so none is asked for twice.
export function pagedGrid({ label, fetchPage, toCard, empty }) {
  const cards = chunkedList({ label });
  const status = h("p", { class: "muted count", role: "status" });
  const more = h("button", { type: "button", class: "more", hidden: true }, "Load more");
  const sentinel = h("div", { class: "sentinel", "aria-hidden": "true" });
  let cursor = null;
  let loading = false;
  let done = false;
  let stopped = false;
  let shown = 0;
  let observer = null;

  async function load() {
    if (loading || done || stopped) return;
    loading = true;
    more.disabled = true;
    let loaded = false;
    try {
      const page = await fetchPage(cursor);
      if (stopped) return;
      cards.append(page.items.map(toCard));
      shown += page.items.length;
      cursor = page.next_cursor;
      done = !cursor;
      status.textContent = page.total
        ? `${page.total} ${page.total === 1 ? "title" : "titles"}${done ? "" : `, ${shown} shown`}`
        : empty;
      more.hidden = done;
      loaded = true;
    } catch (error) {
      status.replaceChildren(errorBox(error));
    } finally {
      loading = false;
      more.disabled = false;
    }
    // An observer speaks only when the end comes into view or leaves it. If it is still in
    // view now (a tall screen, or End pressed while the page was on its way), nothing would
    // ask for the next page: observing afresh reports where the end is at once.
    if (loaded && !done && observer) {
      observer.unobserve(sentinel);
      observer.observe(sentinel);
    }
  }
  more.addEventListener("click", load);
  const node = h("div", { class: "paged" }, status, cards.list, sentinel, more);
  const start = async () => {
    await load();
    if ("IntersectionObserver" in window && !stopped) {
      observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting)) load();
        },
        { rootMargin: "800px 0px" },
      );
      observer.observe(sentinel);
    }
  };
  const stop = () => {
    stopped = true;
    if (observer) observer.disconnect();
    cards.stop();
  };
  return { node, start, stop };
}

function filmCard(film) {
  const state = film.state || {};
  const badge = state.watched ? "Watched" : null;
  const progress = state.position_ms && film.duration_ms ? state.position_ms / film.duration_ms : null;
  return card({
    href: `/films/${film.id}`,
    title: film.title,
    detail: film.year ? String(film.year) : "",
    image: film.poster_id ? artworkUrl(film.poster_id, 320) : null,
    badge,
    progress,
  });
}

export async function films({ main, query }) {
  const chosen = settings(query);
  const genres = await videoGenres("movies");
  const grid = pagedGrid({
    label: "Films",
    fetchPage: (cursor) => api(`/api/v1/movies?${apiQuery(chosen, cursor)}`),
    toCard: filmCard,
    empty: "No films match.",
  });
  clear(
    main,
    h("div", { class: "video-list" }, h("h1", { text: "Films" }), listToolbar({ base: "/films", chosen, genres }), grid.node),
  );
  await grid.start();
  return grid.stop;
}

// -- a film's page ------------------------------------------------------------------------

function facts(item) {
  const parts = [];
  if (item.year) parts.push(String(item.year));
  if (item.content_rating) parts.push(item.content_rating);
  if (item.file && item.file.duration_ms) parts.push(duration(item.file.duration_ms));
  return parts.join(" · ");
}

export function streamsTable(item) {
  const rows = (item.streams || []).map((stream) =>
    h(
      "tr",
      {},
      h("td", { text: stream.type }),
      h("td", { text: describeStream(stream) }),
      h("td", { text: languageName(stream.language) || "—" }),
    ),
  );
  for (const subtitle of item.subtitles || []) {
    const flags = [subtitle.is_forced ? "forced" : "", subtitle.is_sdh ? "SDH" : ""].filter(Boolean);
    rows.push(
      h(
        "tr",
        {},
        h("td", { text: "subtitle" }),
        h("td", { text: [`${(subtitle.format || "").toUpperCase()} file beside the video`, ...flags].join(", ") }),
        h("td", { text: languageName(subtitle.language) || "—" }),
      ),
    );
  }
  if (!rows.length) return null;
  return h(
    "table",
    { class: "streams" },
    h("caption", { class: "visually-hidden", text: "Streams in the file" }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Kind" }), h("th", { scope: "col", text: "Format" }), h("th", { scope: "col", text: "Language" }))),
    h("tbody", {}, rows),
  );
}

export function playButtons(item) {
  const position = (item.state && item.state.position_ms) || 0;
  const buttons = [];
  if (position > 0) {
    buttons.push(
      h("a", { class: "button primary", href: link(`/play/${item.id}?t=${position}`) }, `Resume from ${duration(position)}`),
      h("a", { class: "button", href: link(`/play/${item.id}?t=0`) }, "Play from the start"),
    );
  } else {
    buttons.push(h("a", { class: "button primary", href: link(`/play/${item.id}?t=0`) }, "Play"));
  }
  return buttons;
}

export async function film({ params, main }) {
  const item = await api(`/api/v1/items/${encodeURIComponent(params.id)}`);
  const poster = item.poster_id ? artworkUrl(item.poster_id, 480) : null;
  const how = h("section", { class: "how-it-plays", "aria-labelledby": "how-heading" }, h("h2", { id: "how-heading", text: "How it plays here" }), h("p", { class: "muted", text: "Asking the server…" }));
  const cast = (item.credits || []).filter((person) => person.role === "actor");
  const directors = (item.credits || []).filter((person) => person.role === "director");
  clear(
    main,
    h(
      "article",
      { class: "video-detail" },
      h(
        "div",
        { class: "poster" },
        poster
          ? h("img", { src: poster, alt: `Poster of ${item.title}` })
          : h("span", { class: "no-poster", "aria-hidden": "true", text: item.title.slice(0, 1) }),
      ),
      h(
        "div",
        { class: "about" },
        h("h1", { text: item.title }),
        item.tagline ? h("p", { class: "tagline", text: item.tagline }) : null,
        h("p", { class: "muted facts", text: facts(item) }),
        item.genres && item.genres.length
          ? h(
              "ul",
              { class: "genres", "aria-label": "Genres" },
              item.genres.map((genre) => h("li", {}, h("a", { href: link(`/films?genre=${encodeURIComponent(genre)}`), text: genre }))),
            )
          : null,
        h("div", { class: "actions" }, playButtons(item), watchToggles(item), ratingControl(item)),
        item.plot ? h("p", { class: "plot", text: item.plot }) : null,
        directors.length ? h("p", {}, h("span", { class: "muted", text: "Directed by " }), directors.map((d) => d.name).join(", ")) : null,
        cast.length
          ? h(
              "section",
              { "aria-labelledby": "cast-heading" },
              h("h2", { id: "cast-heading", text: "Cast" }),
              h(
                "ul",
                { class: "cast" },
                cast.map((person) =>
                  h("li", {}, h("span", { class: "name", text: person.name }), person.character ? h("span", { class: "muted", text: ` as ${person.character}` }) : null),
                ),
              ),
            )
          : null,
        how,
        h("section", { "aria-labelledby": "streams-heading" }, h("h2", { id: "streams-heading", text: "In the file" }), item.file ? h("p", { class: "muted", text: item.file.name }) : null, streamsTable(item)),
      ),
    ),
  );
  try {
    const answer = await api(`/api/v1/items/${encodeURIComponent(item.id)}/playback`, { method: "POST", body: { profile: "chromium" } });
    clear(how, h("h2", { id: "how-heading", text: "How it plays here" }), playbackAnswer(answer));
    // The offer was only to read its decision: end its session now.
    api(`/api/v1/items/${encodeURIComponent(item.id)}/playback/report`, { method: "POST", body: { event: "stop", session_id: answer.session_id } }).catch(() => {});
  } catch (error) {
    clear(how, h("h2", { id: "how-heading", text: "How it plays here" }), errorBox(error));
  }
}
