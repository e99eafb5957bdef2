// The album grid of the photos pages: folder cards whose covers load as they scroll into view.

import { api, imageUrl } from "../../api.js";
import { h } from "../../dom.js";
import { link } from "../../router.js";
import { devicePixels } from "./common.js";

// Album cards get their cover (the folder's first photo) once they scroll into view.
export function coverLoader() {
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        loadCover(entry.target);
      }
    },
    { rootMargin: "200px" },
  );
  return {
    watch: (node) => observer.observe(node),
    stop: () => observer.disconnect(),
  };
}

async function loadCover(picture) {
  try {
    const found = await api(`/api/v1/folders/${encodeURIComponent(picture.dataset.folder)}?limit=1&sort=taken`);
    const first = found.items[0];
    const count = picture.closest(".ph-album").querySelector(".detail");
    if (count) count.textContent = found.total === 1 ? "1 photo" : `${found.total} photos`;
    if (!first) return;
    const img = h("img", {
      src: imageUrl(first.id, devicePixels(picture.clientWidth || 240)),
      alt: "",
      decoding: "async",
    });
    picture.replaceChildren(img);
  } catch (error) {
    console.error(error);
  }
}

export function albumGrid(folders, covers, label) {
  if (!folders.length) return null;
  return h(
    "div",
    { class: "grid ph-albums", role: "list", "aria-label": label },
    folders.map((folder) => {
      const picture = h(
        "span",
        { class: "picture", dataset: { folder: folder.id } },
        h("span", { class: "placeholder", "aria-hidden": "true", text: "▦" }),
      );
      covers.watch(picture);
      return h(
        "div",
        { role: "listitem" },
        h(
          "a",
          { class: "card wide ph-album", href: link(`/folders/${folder.id}`) },
          picture,
          h("span", { class: "title", text: folder.name }),
          h("span", { class: "detail", text: "" }),
        ),
      );
    }),
  );
}
