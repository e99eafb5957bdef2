// The full-screen photo viewer: a modal dialog with previous/next, keys, swipes and a slideshow.

import { api, imageUrl } from "../../api.js";
import { h } from "../../dom.js";
import { cameraText, devicePixels, locationText, takenText } from "./common.js";

const SWIPE_PX = 50; // a horizontal move at least this long, and mostly sideways, turns
const INTERVALS = [3, 5, 10, 20]; // slideshow seconds

export function photoViewer({ photos, more, path }) {
  const state = { index: -1, timer: null, seconds: 5, details: new Map(), pointer: null };
  const img = h("img", { class: "photo", alt: "" });
  const title = h("h2", { id: "photo-viewer-title", class: "photo-title" });
  const position = h("span", { class: "muted position" });
  const taken = h("dd");
  const camera = h("dd");
  const place = h("dd");
  const facts = h(
    "dl",
    { class: "photo-facts" },
    h("div", {}, h("dt", { text: "Taken" }), taken),
    h("div", {}, h("dt", { text: "Camera" }), camera),
    h("div", {}, h("dt", { text: "Location" }), place),
  );
  const previous = h("button", { type: "button", class: "nav prev", "aria-label": "Previous photo", onclick: () => step(-1) }, "‹");
  const next = h("button", { type: "button", class: "nav next", "aria-label": "Next photo", onclick: () => step(1) }, "›");
  const play = h("button", { type: "button", class: "play", onclick: () => toggleSlideshow() }, "Play slideshow");
  const interval = h(
    "select",
    { "aria-label": "Slideshow interval", onchange: () => setInterval_(Number(interval.value)) },
    INTERVALS.map((s) => h("option", { value: s, selected: s === state.seconds }, `${s} s`)),
  );
  const closeButton = h("button", { type: "button", class: "close", "aria-label": "Close viewer", onclick: () => close() }, "✕");
  const stage = h("div", { class: "ph-stage" }, img);
  const dialog = h(
    "dialog",
    { class: "photo-viewer", "aria-labelledby": "photo-viewer-title" },
    h(
      "div",
      { class: "viewer-top" },
      h("div", { class: "viewer-heading" }, title, position),
      h("div", { class: "viewer-controls" }, play, h("label", { class: "interval" }, "Every ", interval), closeButton),
    ),
    h("div", { class: "viewer-body" }, previous, stage, next),
    facts,
  );

  dialog.addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape: close our way (timers, the URL)
    close();
  });
  dialog.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target instanceof HTMLSelectElement) return;
    const moves = { ArrowLeft: () => step(-1), ArrowRight: () => step(1), Home: () => show(0), End: () => show(photos().length - 1) };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      move();
      restartTimer();
    }
  });
  // Swipes: pointer events, so a finger, a pen or a mouse drag all work.
  stage.addEventListener("pointerdown", (event) => {
    state.pointer = { id: event.pointerId, x: event.clientX, y: event.clientY };
  });
  stage.addEventListener("pointerup", (event) => {
    const start = state.pointer;
    state.pointer = null;
    if (!start || start.id !== event.pointerId) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    if (Math.abs(dx) >= SWIPE_PX && Math.abs(dx) > Math.abs(dy)) {
      step(dx < 0 ? 1 : -1);
      restartTimer();
    }
  });
  stage.addEventListener("pointercancel", () => {
    state.pointer = null;
  });
  img.addEventListener("dragstart", (event) => event.preventDefault());

  function url(photo) {
    return imageUrl(photo.id, devicePixels(Math.max(window.innerWidth, window.innerHeight)), "contain");
  }

  async function show(index) {
    const list = photos();
    if (!list.length) return;
    state.index = Math.max(0, Math.min(index, list.length - 1));
    const photo = list[state.index];
    img.src = url(photo);
    img.alt = photo.title;
    title.textContent = photo.title;
    position.textContent = `${state.index + 1} of ${list.length}`;
    taken.textContent = takenText(photo.taken_at) || "Unknown";
    camera.textContent = cameraText(photo) || "Unknown";
    previous.disabled = state.index === 0;
    next.disabled = state.index === list.length - 1 && !more();
    dialog.dataset.photo = photo.id;
    history.replaceState(null, "", `#${path}?photo=${encodeURIComponent(photo.id)}`);
    const ahead = list[state.index + 1];
    if (ahead) new Image().src = url(ahead); // the next one is ready when asked for
    if (state.index >= list.length - 3) more();
    place.textContent = "…";
    const detail = await details(photo.id);
    if (list[state.index] === photo) place.textContent = locationText(detail) || "Unknown";
  }

  async function details(id) {
    if (!state.details.has(id)) {
      state.details.set(id, api(`/api/v1/items/${encodeURIComponent(id)}`).catch(() => null));
    }
    return state.details.get(id);
  }

  async function step(delta) {
    let list = photos();
    if (delta > 0 && state.index + delta >= list.length) {
      const loading = more();
      if (loading) await loading;
      list = photos();
    }
    const target = state.index + delta;
    if (target < 0 || target >= list.length) return false;
    await show(target);
    return true;
  }

  function setInterval_(seconds) {
    state.seconds = seconds;
    restartTimer();
  }

  function restartTimer() {
    if (state.timer === null) return;
    clearInterval(state.timer);
    state.timer = window.setInterval(tick, state.seconds * 1000);
  }

  async function tick() {
    if (!(await step(1))) show(0); // the end: round again
  }

  function toggleSlideshow(on = state.timer === null) {
    if (state.timer !== null) clearInterval(state.timer);
    state.timer = on ? window.setInterval(tick, state.seconds * 1000) : null;
    play.textContent = on ? "Pause slideshow" : "Play slideshow";
  }

  function open(index) {
    if (!dialog.open) dialog.showModal();
    show(index);
    closeButton.focus();
  }

  function close({ keepUrl = false } = {}) {
    toggleSlideshow(false);
    if (dialog.open) dialog.close();
    const focus = state.index >= 0 ? document.querySelector(`.thumb[data-photo="${CSS.escape(photos()[state.index]?.id || "")}"]`) : null;
    state.index = -1;
    if (!keepUrl) {
      history.replaceState(null, "", `#${path}`);
      if (focus) focus.focus();
    }
  }

  return { dialog, open, close };
}
