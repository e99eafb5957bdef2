// Home: what to go on with, what is new in each library, and the music played lately.

import { api } from "../api.js";
import { clear, h } from "../dom.js";
import { card, itemCard, itemPath, pictureUrl, shelf } from "../components.js";

const SHELF = 20;

function watchingCard(item) {
  const progress = item.duration_ms ? Math.min(1, (item.position_ms || 0) / item.duration_ms) : 0;
  const detail = item.kind === "episode" ? item.show_title || "" : item.year ? String(item.year) : "";
  return card({
    href: item.kind === "movie" || item.kind === "episode" ? `/play/${item.id}` : itemPath(item),
    title: item.title,
    detail,
    image: pictureUrl(item, 480),
    shape: "wide",
    progress,
  });
}

export async function home({ main }) {
  const [watching, next, libraries, history] = await Promise.all([
    api(`/api/v1/me/continue-watching?limit=${SHELF}`),
    api(`/api/v1/me/next-up?limit=${SHELF}`),
    api("/api/v1/libraries"),
    api("/api/v1/me/history?limit=50"),
  ]);
  const recent = await Promise.all(
    libraries.map((library) => api(`/api/v1/libraries/${library.id}/recent?limit=${SHELF}`)),
  );
  const played = [];
  const seen = new Set();
  for (const item of history.items) {
    if (item.kind === "track" && !seen.has(item.id)) {
      seen.add(item.id);
      played.push(item);
    }
  }
  const shelves = [
    shelf("Continue watching", watching.items.map(watchingCard)),
    shelf("Next up", next.items.map(watchingCard)),
    ...libraries.map((library, i) => shelf(`Recently added in ${library.name}`, recent[i].items.map(itemCard))),
    shelf("Recently played music", played.slice(0, SHELF).map(itemCard)),
  ].filter(Boolean);
  clear(
    main,
    h("h1", { class: "visually-hidden", text: "Home" }),
    shelves.length
      ? shelves
      : h("p", { class: "muted", text: "Nothing here yet. An administrator can add libraries under Admin." }),
  );
}
