// The application: who is signed in, the frame around every view (navigation, search,
// the music player bar), and which view a route shows. Views load on first use, so the
// first page needs only this file, dom.js, api.js, router.js and its own view.

import { api } from "./api.js";
import { clear, errorBox, h } from "./dom.js";
import { current, go, link, match, route } from "./router.js";
import { installSpatialNavigation } from "./spatial.js";
import { signIn } from "./views/signin.js";

// route → [module, exported view]. A view is `async ({ params, query, main, session })`
// and may return a function that undoes what it started (timers, players, listeners), or
// an object `{ cleanup, update }` whose `update(query)` takes a change of the query alone
// (the search box types into the same view instead of building it again).
const VIEWS = [
  ["/", "home", "home"],
  ["/films", "films", "films"],
  ["/films/:id", "films", "film"],
  ["/play/:id", "video", "videoPlayer"],
  ["/shows", "shows", "shows"],
  ["/shows/:id", "shows", "show"],
  ["/seasons/:id", "shows", "season"],
  ["/music", "music", "music"],
  ["/albums/:id", "music", "album"],
  ["/artists/:id", "music", "artist"],
  ["/playlists/:id", "music", "playlist"],
  ["/photos", "photos", "photos"],
  ["/folders/:id", "photos", "folder"],
  ["/search", "search", "search"],
  ["/me/data", "privacy", "myData"],
  ["/admin", "admin", "admin"],
];
for (const [pattern, module, name] of VIEWS) {
  route(pattern, async (context) => {
    const loaded = await import(`./views/${module}.js`);
    return loaded[name](context);
  });
}

const NAV = [
  ["/", "Home"],
  ["/films", "Films"],
  ["/shows", "Shows"],
  ["/music", "Music"],
  ["/photos", "Photos"],
];

const state = { session: null, cleanup: null, update: null, path: null, hash: null, frame: null };
const LOADING_AFTER_MS = 250; // a view that answers sooner never flashes "Loading…"

function frame(session) {
  const search = h("input", {
    type: "search",
    name: "q",
    placeholder: "Search everything",
    "aria-label": "Search",
    autocomplete: "off",
  });
  search.addEventListener("input", () => {
    const text = search.value.trim();
    go(text ? `/search?q=${encodeURIComponent(text)}` : "/search");
  });
  const nav = h(
    "nav",
    { "aria-label": "Main" },
    h(
      "ul",
      {},
      NAV.map(([path, label]) => h("li", {}, h("a", { href: link(path), dataset: { path } }, label))),
    ),
  );
  const account = h(
    "div",
    { class: "account" },
    h("a", { href: link("/me/data"), dataset: { path: "/me/data" } }, "My data"),
    session.user.role === "admin"
      ? h("a", { href: link("/admin"), dataset: { path: "/admin" } }, "Admin")
      : null,
    h("span", { class: "who", text: session.user.name }),
    h("button", { type: "button", class: "quiet", onclick: signOut }, "Sign out"),
  );
  const main = h("main", { id: "main", tabindex: "-1" });
  const bar = h("div", { id: "player-bar" });
  const top = h(
    "header",
    { class: "top" },
    h("a", { class: "brand", href: link("/") }, "Parlour"),
    nav,
    h("form", { role: "search", onsubmit: (event) => event.preventDefault() }, search),
    account,
  );
  // The top bar (sticky) and the player bar (fixed) stay over the page: what comes into
  // view by the keyboard stops clear of them (scroll-padding in app.css).
  if ("ResizeObserver" in window) {
    const root = document.documentElement.style;
    const bars = new ResizeObserver(() => {
      root.setProperty("--top-bar", `${top.offsetHeight}px`);
      root.setProperty("--player-bar", `${bar.offsetHeight}px`);
    });
    bars.observe(top);
    bars.observe(bar);
  }
  return { root: h("div", { class: "frame" }, top, main, bar), main, bar, search, nav: top };
}

async function signOut() {
  try {
    await api("/api/v1/auth/logout", { method: "POST" });
  } finally {
    location.hash = "#/";
    location.reload();
  }
}

function stopCurrent() {
  if (state.cleanup) {
    try {
      state.cleanup();
    } catch (error) {
      console.error(error);
    }
  }
  state.cleanup = null;
  state.update = null;
}

function markNavigation(path) {
  for (const anchor of state.frame.nav.querySelectorAll("a[data-path]")) {
    const here = anchor.dataset.path;
    const active = here === "/" ? path === "/" : path === here || path.startsWith(here + "/");
    if (active) anchor.setAttribute("aria-current", "page");
    else anchor.removeAttribute("aria-current");
  }
}

async function show() {
  // Start-up and a hashchange can both ask for the route now in the address: the view is
  // built once (a player must not begin twice and stop once).
  if (location.hash === state.hash) return;
  state.hash = location.hash;
  const { path, query } = current();
  if (path === state.path && state.update) {
    state.update(query); // the same view, another query: it updates itself
    return;
  }
  stopCurrent();
  state.path = path;
  markNavigation(path);
  if (!path.startsWith("/search")) state.frame.search.value = "";
  // Each render gets its own container: a slow view that finishes after the user has
  // moved on fills a container that is no longer on the page.
  const slot = h("div", { class: "view" });
  clear(state.frame.main, slot);
  const loading = setTimeout(() => {
    if (!slot.childElementCount) clear(slot, h("p", { class: "loading", text: "Loading…" }));
  }, LOADING_AFTER_MS);
  const found = match(path);
  try {
    if (!found) {
      clear(slot, h("h1", { text: "Not found" }), h("p", {}, h("a", { href: link("/") }, "Home")));
      return;
    }
    const made = await found.view({ params: found.params, query, main: slot, session: state.session });
    const cleanup = typeof made === "function" ? made : made && made.cleanup;
    const update = made && typeof made.update === "function" ? made.update : null;
    if (slot.isConnected) {
      state.cleanup = cleanup || null;
      state.update = update;
      // Keyboard and screen-reader users start at the new content, unless they are
      // typing somewhere that is still on the page (the search box).
      const active = document.activeElement;
      if (!active || active === document.body || !active.isConnected) {
        state.frame.main.focus({ preventScroll: true });
      }
    } else if (cleanup) {
      cleanup(); // the user left before it was ready
    }
  } catch (error) {
    console.error(error);
    clear(slot, errorBox(error));
  } finally {
    clearTimeout(loading);
  }
}

async function start(session) {
  state.session = session;
  state.frame = frame(session);
  clear(document.getElementById("app"), state.frame.root);
  window.addEventListener("hashchange", show);
  installSpatialNavigation();
  const music = await import("./audio.js");
  music.mountPlayerBar(state.frame.bar);
  await show();
}

async function boot() {
  const root = document.getElementById("app");
  window.addEventListener("parlour:signed-out", () => {
    if (state.session) location.reload();
  });
  try {
    const user = await api("/api/v1/me");
    await start({ user });
  } catch (error) {
    if (error.status !== 401) {
      clear(root, errorBox(error));
      return;
    }
    await signIn(root, (user) => start({ user }));
  }
}

boot();
