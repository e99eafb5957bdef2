// Pieces several views share: picture cards in a grid or a shelf, a long list in chunks,
// and the place an item of any kind opens.

import { artworkUrl, imageUrl } from "./api.js";
import { h } from "./dom.js";
import { link } from "./router.js";

// Where an item opens, by kind (a track opens its album).
export function itemPath(item) {
  switch (item.kind) {
    case "movie":
      return `/films/${item.id}`;
    case "show":
      return `/shows/${item.id}`;
    case "season":
      return `/seasons/${item.id}`;
    case "episode":
      return item.season_id ? `/seasons/${item.season_id}` : `/play/${item.id}`;
    case "album":
      return `/albums/${item.id}`;
    case "artist":
      return `/artists/${item.id}`;
    case "track":
      return item.album_id ? `/albums/${item.album_id}` : "/music";
    case "photo":
      return item.folder_id ? `/folders/${item.folder_id}?photo=${item.id}` : "/photos";
    default:
      return "/";
  }
}

// The picture for an item: its artwork when it has some; a photo's own picture; none
// otherwise (a video without a poster shows its initial).
export function pictureUrl(item, width = 320) {
  if (item.image_id) return artworkUrl(item.image_id, width);
  if (item.poster_id) return artworkUrl(item.poster_id, width);
  if (item.cover_id) return artworkUrl(item.cover_id, width);
  if (item.kind === "photo") return imageUrl(item.id, width);
  return null;
}

// A picture (lazy-loaded) with a title and a line under it. `shape`: "poster" (2:3),
// "square" or "wide" (16:9).
export function card({ href, title, detail, image, shape = "poster", progress, badge }) {
  const picture = image
    ? h("img", { src: image, alt: "", loading: "lazy", decoding: "async" })
    : h("span", { class: "placeholder", "aria-hidden": "true", text: (title || "?").slice(0, 1) });
  return h(
    "a",
    { class: `card ${shape}`, href: link(href) },
    h("span", { class: "picture" }, picture, badge ? h("span", { class: "badge", text: badge }) : null),
    progress ? h("progress", { max: 1, value: progress, "aria-label": "Watched so far" }) : null,
    h("span", { class: "title", text: title }),
    detail ? h("span", { class: "detail", text: detail }) : null,
  );
}

export function grid(cards, label) {
  return h("div", { class: "grid", role: "list", "aria-label": label }, cards.map((c) => wrap(c)));
}

export function shelf(title, cards) {
  if (!cards.length) return null;
  return h(
    "section",
    { class: "shelf" },
    h("h2", { text: title }),
    h("div", { class: "row", role: "list", "aria-label": title }, cards.map((c) => wrap(c))),
  );
}

function wrap(node) {
  return h("div", { role: "listitem" }, node);
}

// The items of a long list, in chunks of whole rows. Each chunk is a grid of its own (of
// the class `grid` names, so the list's own style sheet lays it out) that the browser
// skips (no style, layout or paint) while it is off screen (content-visibility in
// app.css), so a list of thousands costs about what the few chunks on screen cost: one
// observed box per chunk rather than one per item. Every chunk but the last holds a
// multiple of the columns, so the rows run on from one chunk to the next as in one grid;
// when a new width changes the number of columns, the items are regrouped.
const CHUNK_ROWS = 6;

export function chunkedList({ label, grid = "grid" }) {
  const list = h("div", { class: "chunked", role: "list", "aria-label": label });
  // An empty grid of the same columns: its resolved tracks say how many columns there are.
  const ruler = h("div", { class: `${grid} ruler`, "aria-hidden": "true" });
  list.append(ruler);
  let columns = 0;
  let width = 0;

  const countColumns = () => {
    const tracks = getComputedStyle(ruler).gridTemplateColumns;
    return tracks && tracks !== "none" ? tracks.trim().split(/\s+/).length : 1;
  };
  const chunks = () => list.querySelectorAll(":scope > .chunk");
  const size = () => columns * CHUNK_ROWS;
  const rowsOf = (chunk) => Math.ceil(chunk.childElementCount / columns);

  // A chunk off screen stands in with its rows times the height of a row, measured on a
  // chunk on screen (all rows of items are alike), and the gap between rows after it.
  function measure() {
    for (const chunk of chunks()) {
      const first = chunk.firstElementChild;
      if (!first || (first.checkVisibility && !first.checkVisibility({ contentVisibilityAuto: true }))) continue;
      const gap = parseFloat(getComputedStyle(chunk).rowGap) || 0;
      const height = chunk.getBoundingClientRect().height;
      if (height <= 0) continue;
      list.style.setProperty("--chunk-gap", `${gap}px`);
      list.style.setProperty("--row-block", `${(height + gap) / rowsOf(chunk)}px`);
      return;
    }
  }

  function place(items) {
    if (!columns) columns = countColumns();
    let last = list.lastElementChild === ruler ? null : list.lastElementChild;
    let index = 0;
    while (index < items.length) {
      if (!last || last.childElementCount >= size()) {
        last = h("div", { class: `${grid} chunk`, role: "none" });
        list.append(last);
      }
      const room = size() - last.childElementCount;
      last.append(...items.slice(index, index + room));
      last.style.setProperty("--rows", String(rowsOf(last)));
      index += room;
    }
    measure();
  }

  // Each node becomes an item of the list, after those already in it.
  function append(nodes) {
    place(nodes.map((node) => wrap(node)));
  }

  // A new number of columns: every item into new chunks, the focus and the item at the
  // top of the window kept where they were. Any new width: the rows measured again.
  function resized() {
    const now = list.getBoundingClientRect().width;
    if (!columns || now === width) return;
    width = now;
    const wanted = countColumns();
    if (wanted === columns) {
      measure();
      return;
    }
    columns = wanted;
    const focused = list.contains(document.activeElement) ? document.activeElement : null;
    // The first item still in sight (looked for in the first chunk in sight: items in
    // chunks not drawn are not measured), and where it is now.
    const seen = [...chunks()].find((chunk) => chunk.getBoundingClientRect().bottom > 0);
    const anchor = seen && [...seen.children].find((item) => item.getBoundingClientRect().bottom > 0);
    const before = anchor ? anchor.getBoundingClientRect().top : 0;
    const items = [...list.querySelectorAll(":scope > .chunk > [role=listitem]")];
    for (const chunk of chunks()) chunk.remove();
    place(items);
    if (anchor && before < 0) window.scrollBy(0, anchor.getBoundingClientRect().top - before);
    if (focused) focused.focus({ preventScroll: true });
  }
  const resizes = "ResizeObserver" in window ? new ResizeObserver(resized) : null;
  if (resizes) resizes.observe(list);
  return { list, append, stop: () => resizes && resizes.disconnect() };
}

export function itemCard(item) {
  const detail = [item.artist_name, item.year].filter(Boolean).join(" · ");
  const shape = ["album", "artist", "track"].includes(item.kind) ? "square" : item.kind === "episode" || item.kind === "photo" ? "wide" : "poster";
  return card({ href: itemPath(item), title: item.title, detail, image: pictureUrl(item, shape === "wide" ? 480 : 320), shape });
}
