// The Photos page: every photos library's folders as albums.

import { api } from "../../api.js";
import { clear, h } from "../../dom.js";
import { link } from "../../router.js";
import { albumGrid, coverLoader } from "./albums.js";
import { PAGE } from "./common.js";

export async function photos({ main }) {
  const libraries = (await api("/api/v1/libraries")).filter((library) => library.kind === "photos");
  if (!libraries.length) {
    clear(
      main,
      h("h1", { text: "Photos" }),
      h("p", { class: "muted", text: "No photo library is shared with you yet." }),
    );
    return undefined;
  }
  const covers = coverLoader();
  const sections = [];
  for (const library of libraries) {
    const roots = await api(`/api/v1/libraries/${encodeURIComponent(library.id)}/folders?limit=${PAGE}`);
    let shown = roots.items;
    let loose = null;
    // A library of one folder shows that folder's albums straight away, and a link to
    // the photos that sit in it outside any album.
    if (roots.items.length === 1) {
      const root = await api(`/api/v1/folders/${encodeURIComponent(roots.items[0].id)}?limit=1`);
      shown = root.folders;
      if (root.total || !shown.length) {
        const text = root.total === 1 ? "1 photo outside the albums" : `${root.total} photos outside the albums`;
        loose = h("p", {}, h("a", { href: link(`/folders/${root.id}`) }, shown.length ? text : "Open the folder"));
      }
    }
    const count = library.counts && library.counts.photos;
    sections.push(
      h(
        "section",
        { class: "photo-library", "aria-label": library.name },
        h("h2", {}, library.name, count ? h("span", { class: "muted ph-count", text: ` · ${count} photos` }) : null),
        albumGrid(shown, covers, `Albums in ${library.name}`),
        loose,
      ),
    );
  }
  clear(main, h("h1", { text: "Photos" }), sections);
  return () => covers.stop();
}
