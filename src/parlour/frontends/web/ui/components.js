// Pieces several views share: picture cards in a grid or a shelf, and the place an item
// of any kind opens.

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

export function itemCard(item) {
  const detail = [item.artist_name, item.year].filter(Boolean).join(" · ");
  const shape = ["album", "artist", "track"].includes(item.kind) ? "square" : item.kind === "episode" || item.kind === "photo" ? "wide" : "poster";
  return card({ href: itemPath(item), title: item.title, detail, image: pictureUrl(item, shape === "wide" ? 480 : 320), shape });
}
