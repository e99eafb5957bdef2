// Shows → seasons → episodes: the shows as a poster grid (sorted and filtered like films),
// a show's seasons, and a season's episodes with the viewer's watched marks and a
// "play next" that goes to the next episode not yet watched.

import { api, artworkUrl } from "../api.js";
import { clear, duration, h } from "../dom.js";
import { card } from "../components.js";
import { go, link } from "../router.js";
import { SORTS, listToolbar, pagedGrid, settings, videoGenres } from "./films.js";
import { watchToggles } from "./video.js";

const PAGE = 60;

function showCard(show) {
  return card({
    href: `/shows/${show.id}`,
    title: show.title,
    detail: show.year ? String(show.year) : "",
    image: show.poster_id ? artworkUrl(show.poster_id, 320) : null,
  });
}

export async function shows({ main, query }) {
  const chosen = settings(query);
  const genres = await videoGenres("shows");
  const grid = pagedGrid({
    label: "Shows",
    fetchPage: (cursor) => {
      const params = new URLSearchParams({ limit: String(PAGE), sort: chosen.sort, order: chosen.order });
      for (const name of ["genre", "year", "watched"]) if (chosen[name]) params.set(name, chosen[name]);
      if (cursor) params.set("cursor", cursor);
      return api(`/api/v1/shows?${params}`);
    },
    toCard: showCard,
    empty: "No shows match.",
  });
  clear(
    main,
    h(
      "div",
      { class: "video-list" },
      h("h1", { text: "Shows" }),
      listToolbar({ base: "/shows", chosen, genres, sorts: SORTS }),
      h("p", { class: "muted hint", text: "Watched: a show counts as watched once every episode is." }),
      grid.node,
    ),
  );
  await grid.start();
  return grid.stop;
}

// A show's favourite toggle, and marking every episode at once (a show's own "watched"
// is that of its episodes, so it is a pair of actions rather than a toggle).
function showToggles(found) {
  const toggles = watchToggles(found);
  toggles.querySelector(".watched").remove();
  const note = h("span", { class: "muted", role: "status" });
  const mark = (watched) => async () => {
    const answer = await api(`/api/v1/items/${encodeURIComponent(found.id)}/watched`, { method: watched ? "PUT" : "DELETE" });
    note.textContent = `${answer.items} ${answer.items === 1 ? "episode" : "episodes"} marked ${watched ? "watched" : "unwatched"}.`;
  };
  return h(
    "span",
    { class: "toggles" },
    toggles,
    h("button", { type: "button", onclick: mark(true) }, "Mark all watched"),
    h("button", { type: "button", onclick: mark(false) }, "Mark all unwatched"),
    note,
  );
}

export async function show({ params, main }) {
  const found = await api(`/api/v1/shows/${encodeURIComponent(params.id)}`);
  const poster = found.poster_id ? artworkUrl(found.poster_id, 480) : null;
  const seasons = found.seasons.map((season) =>
    card({
      href: `/seasons/${season.id}`,
      title: season.title || `Season ${season.number}`,
      detail: `${season.episodes} ${season.episodes === 1 ? "episode" : "episodes"}`,
      image: season.poster_id ? artworkUrl(season.poster_id, 320) : poster,
    }),
  );
  clear(
    main,
    h(
      "article",
      { class: "video-detail show" },
      h("div", { class: "poster" }, poster ? h("img", { src: poster, alt: `Poster of ${found.title}` }) : null),
      h(
        "div",
        { class: "about" },
        h("h1", { text: found.title }),
        h("p", { class: "muted facts", text: [found.year, found.content_rating].filter(Boolean).join(" · ") }),
        h("div", { class: "actions" }, showToggles(found)),
        found.plot ? h("p", { class: "plot", text: found.plot }) : null,
        h("h2", { text: "Seasons" }),
        h("div", { class: "grid", role: "list", "aria-label": "Seasons" }, seasons.map((c) => h("div", { role: "listitem" }, c))),
      ),
    ),
  );
}

function episodeNumber(episode) {
  if (episode.episode_number == null) return "";
  return episode.episode_end ? `${episode.episode_number}–${episode.episode_end}` : String(episode.episode_number);
}

// The next episode to watch in a season: the first unwatched one after the last watched,
// else the first unwatched one at all; null when all are watched.
export function nextEpisode(episodes) {
  let lastWatched = -1;
  episodes.forEach((episode, index) => {
    if (episode.state && episode.state.watched) lastWatched = index;
  });
  const after = episodes.slice(lastWatched + 1).find((episode) => !(episode.state && episode.state.watched));
  return after || episodes.find((episode) => !(episode.state && episode.state.watched)) || null;
}

// When a season is all watched, the first unwatched episode of a later season.
async function laterEpisode(season) {
  const found = await api(`/api/v1/shows/${encodeURIComponent(season.show_id)}`);
  for (const later of found.seasons.filter((other) => other.number > season.number)) {
    const detail = await api(`/api/v1/seasons/${encodeURIComponent(later.id)}`);
    const next = nextEpisode(detail.episodes);
    if (next) return { episode: next, season: detail };
  }
  return null;
}

function episodeRow(episode, onchange) {
  const state = episode.state || {};
  const mark = h("span", { class: `mark ${state.watched ? "seen" : "unseen"}`, "aria-hidden": "true", text: state.watched ? "✓" : "" });
  const words = h("span", { class: "visually-hidden", text: state.watched ? "Watched" : "Not watched" });
  const resume = state.position_ms ? h("span", { class: "muted", text: ` · stopped at ${duration(state.position_ms)}` }) : null;
  const toggles = watchToggles(episode, (next) => {
    mark.className = `mark ${next.watched ? "seen" : "unseen"}`;
    mark.textContent = next.watched ? "✓" : "";
    words.textContent = next.watched ? "Watched" : "Not watched";
    row.dataset.watched = next.watched ? "true" : "false";
    episode.state = next;
    onchange();
  });
  toggles.querySelector(".favourite").remove(); // favourites are for shows and films
  const row = h(
    "li",
    { class: "episode", dataset: { watched: state.watched ? "true" : "false", id: episode.id } },
    h(
      "a",
      { class: "still", href: link(`/play/${episode.id}`), "aria-label": `Play ${episode.title}` },
      h("span", { class: "still-number", "aria-hidden": "true", text: `▶ ${episodeNumber(episode)}` }),
    ),
    h(
      "div",
      { class: "episode-text" },
      h("p", { class: "episode-title" }, mark, words, h("span", { class: "number", text: episodeNumber(episode) ? `${episodeNumber(episode)}. ` : "" }), h("a", { href: link(`/play/${episode.id}`), text: episode.title })),
      h("p", { class: "muted" }, episode.air_date ? `Aired ${episode.air_date}` : "", resume),
    ),
    toggles,
  );
  return row;
}

export async function season({ params, main }) {
  const found = await api(`/api/v1/seasons/${encodeURIComponent(params.id)}`);
  const next = h("button", { type: "button", class: "primary play-next" }, "Play next");
  const nextNote = h("span", { class: "muted next-note" });
  const paintNext = () => {
    const upcoming = nextEpisode(found.episodes);
    nextNote.textContent = upcoming ? `Next: ${episodeNumber(upcoming) ? `${episodeNumber(upcoming)}. ` : ""}${upcoming.title}` : "Every episode of this season is watched.";
  };
  next.addEventListener("click", async () => {
    const upcoming = nextEpisode(found.episodes);
    if (upcoming) {
      go(`/play/${upcoming.id}`);
      return;
    }
    next.disabled = true;
    const later = await laterEpisode(found);
    next.disabled = false;
    if (later) go(`/play/${later.episode.id}`);
    else nextNote.textContent = "Every episode of this show is watched.";
  });
  const rows = found.episodes.map((episode) => episodeRow(episode, paintNext));
  paintNext();
  clear(
    main,
    h(
      "div",
      { class: "season-page" },
      h("p", {}, h("a", { href: link(`/shows/${found.show_id}`), text: `← ${found.show_title}` })),
      h("h1", { text: `${found.show_title} · ${found.title || `Season ${found.number}`}` }),
      h("div", { class: "actions" }, next, nextNote),
      rows.length ? h("ol", { class: "episodes", "aria-label": "Episodes" }, rows) : h("p", { class: "muted", text: "No episodes." }),
    ),
  );
}
