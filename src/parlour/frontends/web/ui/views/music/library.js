// The Music page: its albums, artists, genres and playlists tabs with their sorts.

import { api, artworkUrl } from "../../api.js";
import { card, chunkedList } from "../../components.js";
import { clear, errorBox, h } from "../../dom.js";
import { go, link } from "../../router.js";
import { enc, message, say } from "./common.js";

const PAGE = 60;
const TABS = [
  ["albums", "Albums"],
  ["artists", "Artists"],
  ["genres", "Genres"],
  ["playlists", "Playlists"],
];
const SORTS = {
  albums: [
    ["title", "Title"],
    ["artist", "Artist"],
    ["year", "Year"],
    ["added", "Date added"],
  ],
  artists: [
    ["name", "Name"],
    ["added", "Date added"],
  ],
};

function musicPath(params) {
  const search = new URLSearchParams(Object.entries(params).filter(([, value]) => value));
  const text = search.toString();
  return text ? `/music?${text}` : "/music";
}

function tabBar(active) {
  return h(
    "nav",
    { class: "tabs", "aria-label": "Music" },
    h(
      "ul",
      {},
      TABS.map(([key, label]) =>
        h(
          "li",
          {},
          h("a", { href: link(musicPath({ tab: key })), "aria-current": key === active ? "page" : null }, label),
        ),
      ),
    ),
  );
}

function sortBar(tab, query, extra = []) {
  const sorts = SORTS[tab];
  const sort = sorts.some(([key]) => key === query.get("sort")) ? query.get("sort") : sorts[0][0];
  const order = query.get("order") === "desc" ? "desc" : "asc";
  const params = { tab, sort, order, genre: query.get("genre") };
  const sortSelect = h(
    "select",
    { name: "sort", "aria-label": "Sort by" },
    sorts.map(([key, label]) => h("option", { value: key, selected: key === sort }, label)),
  );
  const orderSelect = h(
    "select",
    { name: "order", "aria-label": "Order" },
    h("option", { value: "asc", selected: order === "asc" }, "Ascending"),
    h("option", { value: "desc", selected: order === "desc" }, "Descending"),
  );
  sortSelect.addEventListener("change", () => go(musicPath({ ...params, sort: sortSelect.value })));
  orderSelect.addEventListener("change", () => go(musicPath({ ...params, order: orderSelect.value })));
  return {
    sort,
    order,
    node: h(
      "div",
      { class: "toolbar" },
      h("label", {}, "Sort by", sortSelect),
      h("label", {}, "Order", orderSelect),
      extra,
    ),
  };
}

// A list that grows a page at a time with its "Show more" button, in chunks the browser
// skips while they are off screen (chunkedList), so a library of thousands stays smooth.
async function paged(body, path, toCard, label, signal) {
  const cards = chunkedList({ label });
  const more = h("button", { type: "button", hidden: true }, "Show more");
  const count = h("p", { class: "muted count" });
  let cursor = null;
  async function load() {
    more.disabled = true;
    const joiner = path.includes("?") ? "&" : "?";
    const answer = await api(`${path}${joiner}limit=${PAGE}${cursor ? `&cursor=${enc(cursor)}` : ""}`, { signal });
    cards.append(answer.items.map(toCard));
    cursor = answer.next_cursor;
    more.hidden = !cursor;
    more.disabled = false;
    count.textContent = `${answer.total} ${label.toLowerCase()}`;
    return answer;
  }
  more.addEventListener("click", () => load().catch((error) => more.replaceWith(errorBox(error))));
  signal.addEventListener("abort", cards.stop);
  // In the page before the first cards: the list counts its columns on the page.
  clear(body, count, cards.list, more);
  const first = await load();
  if (!first.items.length) cards.list.replaceWith(h("p", { class: "muted", text: `No ${label.toLowerCase()} here.` }));
}

export function albumCard(album) {
  return card({
    href: `/albums/${album.id}`,
    title: album.title,
    detail: [album.artist_name, album.year].filter(Boolean).join(" · "),
    image: album.cover_id ? artworkUrl(album.cover_id, 320) : null,
    shape: "square",
  });
}

async function albumsTab(body, query, signal) {
  const genre = query.get("genre");
  const extra = genre
    ? h(
        "p",
        { class: "filter" },
        "Genre: ",
        h("strong", { text: genre }),
        " ",
        h("a", { href: link(musicPath({ tab: "albums", sort: query.get("sort"), order: query.get("order") })) }, "Show every genre"),
      )
    : null;
  const { sort, order, node } = sortBar("albums", query, extra);
  const list = h("div", {});
  clear(body, node, list);
  const filter = genre ? `&genre=${enc(genre)}` : "";
  await paged(list, `/api/v1/albums?sort=${sort}&order=${order}${filter}`, albumCard, "Albums", signal);
}

async function artistsTab(body, query, signal) {
  const { sort, order, node } = sortBar("artists", query);
  const list = h("div", {});
  clear(body, node, list);
  const toCard = (artist) => card({ href: `/artists/${artist.id}`, title: artist.name, shape: "square" });
  await paged(list, `/api/v1/artists?sort=${sort}&order=${order}`, toCard, "Artists", signal);
}

async function genresTab(body, query, signal) {
  const answer = await api("/api/v1/genres", { signal });
  if (!answer.items.length) {
    clear(body, h("p", { class: "muted", text: "No genres: the tracks carry no genre tags." }));
    return;
  }
  clear(
    body,
    h(
      "ul",
      { class: "genre-list", "aria-label": "Genres" },
      answer.items.map((genre) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: link(musicPath({ tab: "albums", genre: genre.name })) },
            h("span", { class: "genre-name", text: genre.name }),
            h("span", { class: "muted", text: `${genre.albums} ${genre.albums === 1 ? "album" : "albums"}` }),
          ),
        ),
      ),
    ),
  );
}

async function playlistsTab(body, query, signal) {
  const status = message();
  const name = h("input", { name: "name", required: true, maxlength: 200, autocomplete: "off" });
  const form = h(
    "form",
    { class: "toolbar new-playlist" },
    h("label", {}, "New playlist name", name),
    h("button", { type: "submit", class: "primary" }, "Create playlist"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = name.value.trim();
    if (!text) return;
    try {
      const made = await api("/api/v1/playlists", { method: "POST", body: { name: text, kind: "music" } });
      go(`/playlists/${made.id}`);
    } catch (error) {
      say(status, error.message);
    }
  });
  const playlists = await api("/api/v1/playlists", { signal });
  clear(
    body,
    form,
    status,
    playlists.length
      ? h(
          "ul",
          { class: "playlist-list", "aria-label": "Playlists" },
          playlists.map((playlist) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: link(`/playlists/${playlist.id}`) },
                h("span", { class: "genre-name", text: playlist.name }),
                h("span", {
                  class: "muted",
                  text: `${playlist.entries} ${playlist.entries === 1 ? "item" : "items"}${playlist.kind === "video" ? " · video" : ""}`,
                }),
              ),
            ),
          ),
        )
      : h("p", { class: "muted", text: "No playlists yet." }),
  );
}

const TAB_VIEWS = { albums: albumsTab, artists: artistsTab, genres: genresTab, playlists: playlistsTab };

export async function music({ main, query }) {
  const tab = TAB_VIEWS[query.get("tab")] ? query.get("tab") : "albums";
  const body = h("div", { class: "music-body" }, h("p", { class: "loading", text: "Loading…" }));
  clear(main, h("h1", { text: "Music" }), tabBar(tab), body);
  const controller = new AbortController();
  try {
    await TAB_VIEWS[tab](body, query, controller.signal);
  } catch (error) {
    if (error.name !== "AbortError") clear(body, errorBox(error));
  }
  return () => controller.abort();
}
