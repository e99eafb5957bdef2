// A folder's page: its albums, then its photos as a grid of lazy-loaded thumbnails, in
// chunks the browser skips while they are off screen (chunkedList), so thousands stay smooth.

import { api, imageUrl } from "../../api.js";
import { chunkedList } from "../../components.js";
import { clear, h } from "../../dom.js";
import { link } from "../../router.js";
import { albumGrid, coverLoader } from "./albums.js";
import { PAGE, devicePixels, takenText } from "./common.js";
import { photoViewer } from "./viewer.js";

export async function folder({ params, query, main }) {
  const id = params.id;
  const base = `/api/v1/folders/${encodeURIComponent(id)}`;
  const first = await api(`${base}?limit=${PAGE}&sort=taken`);
  const state = { items: [...first.items], next: first.next_cursor, total: first.total, loading: null };
  const covers = coverLoader();
  const thumbs = chunkedList({ label: `Photos in ${first.name}`, grid: "photo-grid" });
  const more = h("button", { type: "button", class: "ph-more", onclick: () => loadMore() }, "Show more photos");
  const viewer = photoViewer({
    photos: () => state.items,
    more: () => (state.next ? loadMore() : null),
    path: `/folders/${id}`,
  });

  function addThumbs(items, offset) {
    thumbs.append(items.map((photo, i) => thumb(photo, offset + i, (index) => viewer.open(index))));
    more.hidden = !state.next;
  }

  function loadMore() {
    if (!state.next) return Promise.resolve(false);
    if (!state.loading) {
      const cursor = encodeURIComponent(state.next);
      state.loading = api(`${base}?limit=${PAGE}&sort=taken&cursor=${cursor}`)
        .then((page) => {
          const offset = state.items.length;
          state.items.push(...page.items);
          state.next = page.next_cursor;
          addThumbs(page.items, offset);
          return true;
        })
        .finally(() => {
          state.loading = null;
        });
      // The observer speaks only when the end comes into view or leaves it: if the end is
      // still in view once the page is in (a tall screen, or End pressed while the page
      // was on its way), observing afresh reports it at once and the next page follows.
      state.loading.then(() => {
        if (!state.next) return;
        pager.unobserve(sentinel);
        pager.observe(sentinel);
      }, () => {});
    }
    return state.loading;
  }

  // Scrolling near the end of the grid loads the next page by itself.
  const sentinel = h("div", { class: "ph-sentinel", "aria-hidden": "true" });
  const pager = new IntersectionObserver(
    (entries) => {
      if (entries.some((entry) => entry.isIntersecting)) loadMore();
    },
    { rootMargin: "600px" },
  );

  const up = first.parent_id ? `/folders/${first.parent_id}` : "/photos";
  const count = first.total === 1 ? "1 photo" : `${first.total} photos`;
  clear(
    main,
    h(
      "nav",
      { class: "crumbs", "aria-label": "Breadcrumb" },
      h("a", { href: link("/photos") }, "Photos"),
      first.parent_id ? [" / ", h("a", { href: link(up) }, "Up one folder")] : null,
    ),
    h("h1", {}, first.name, h("span", { class: "muted ph-count", text: ` · ${count}` })),
    first.folders.length ? [h("h2", { text: "Albums" }), albumGrid(first.folders, covers, "Albums")] : null,
    first.items.length ? [first.folders.length ? h("h2", { text: "Photos" }) : null, thumbs.list, sentinel, more] : null,
    !first.items.length && !first.folders.length ? h("p", { class: "muted", text: "This folder is empty." }) : null,
    viewer.dialog,
  );
  addThumbs(first.items, 0);
  pager.observe(sentinel);

  const wanted = query.get("photo");
  if (wanted) {
    let index = state.items.findIndex((photo) => photo.id === wanted);
    while (index < 0 && state.next) {
      await loadMore();
      index = state.items.findIndex((photo) => photo.id === wanted);
    }
    if (index >= 0) viewer.open(index);
  }
  return () => {
    pager.disconnect();
    thumbs.stop();
    covers.stop();
    viewer.close({ keepUrl: true });
  };
}

function thumb(photo, index, open) {
  const detail = takenText(photo.taken_at);
  return h(
    "button",
    {
      type: "button",
      class: "thumb",
      "aria-label": detail ? `${photo.title}, ${detail}` : photo.title,
      dataset: { photo: photo.id },
      onclick: () => open(index),
    },
    h("img", {
      src: imageUrl(photo.id, devicePixels(thumbWidth())),
      alt: "",
      loading: "lazy",
      decoding: "async",
      width: photo.width || undefined,
      height: photo.height || undefined,
    }),
  );
}

// The thumbnails' CSS width at this window size (see .photo-grid in photos.css).
function thumbWidth() {
  return window.innerWidth <= 640 ? 180 : 260;
}
