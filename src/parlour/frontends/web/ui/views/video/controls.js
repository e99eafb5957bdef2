// The video player's small parts: icons, buttons, labels, the resume prompt and the keys.

import { duration, h } from "../../dom.js";
import { languageName } from "./common.js";

export const SEEK_STEP_S = 10;

export function csrfToken() {
  const found = document.cookie.match(/(?:^|;\s*)parlour_csrf=([^;]+)/);
  return found ? decodeURIComponent(found[1]) : "";
}

// Icons as inline SVG paths (24×24), so they look the same whatever fonts the device has.
const ICONS = {
  play: "M8 5v14l11-7z",
  pause: "M6 5h4v14H6zm8 0h4v14h-4z",
  sound: "M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z",
  muted: "M3 9v6h4l5 5V4L7 9H3zm13.6 3 2.9-2.9-1.4-1.4-2.9 2.9-2.9-2.9-1.4 1.4 2.9 2.9-2.9 2.9 1.4 1.4 2.9-2.9 2.9 2.9 1.4-1.4z",
  full: "M4 4h6v2H6v4H4zm10 0h6v6h-2V6h-4zM4 14h2v4h4v2H4zm14 0h2v6h-6v-2h4z",
  leave: "M8 4h2v6H4V8h4zm6 0h2v4h4v2h-6zM4 14h6v6H8v-4H4zm10 0h6v2h-4v4h-2z",
};

function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

export function iconButton(label, name, onclick) {
  return h("button", { type: "button", class: "control", "aria-label": label, title: label, onclick }, icon(name));
}

export function setIcon(button, name, label) {
  button.replaceChildren(icon(name));
  button.setAttribute("aria-label", label);
  button.title = label;
}

export function subtitleLabel(track, index) {
  const name = languageName(track.language) || `Subtitles ${index + 1}`;
  const extra = [track.title, track.forced ? "forced" : ""].filter(Boolean).join(", ");
  return extra ? `${name} (${extra})` : name;
}

export function whereBack(item) {
  if (item.kind === "episode" && item.season_id) return `/seasons/${item.season_id}`;
  if (item.kind === "movie") return `/films/${item.id}`;
  return "/";
}

export function episodeTitle(item) {
  if (item.kind !== "episode") return item.title;
  const number = item.season_number != null && item.episode_number != null
    ? `S${String(item.season_number).padStart(2, "0")}E${String(item.episode_number).padStart(2, "0")} · `
    : "";
  return `${number}${item.title}`;
}

// The resume prompt: "Resume from 12:34" or "Start over"; resolves to the start in ms.
export function askWhereToStart(stage, position) {
  return new Promise((resolve) => {
    const resume = h("button", { type: "button", class: "primary", onclick: () => resolve(position) }, `Resume from ${duration(position)}`);
    const over = h("button", { type: "button", onclick: () => resolve(0) }, "Start over");
    const prompt = h("div", { class: "resume-prompt", role: "dialog", "aria-label": "Where to start", "aria-modal": "false" }, h("p", { text: "You stopped part-way through." }), h("div", { class: "actions" }, resume, over));
    stage.append(prompt);
    resume.focus();
  });
}

// The player's keyboard shortcuts, as a keydown listener for the document.
export function playerKeys(seek, { togglePlay, skip, toggleFullScreen, toggleMute, cycleSubtitles }) {
  return (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const typing = target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
    if (typing && !(target === seek && (event.key === " " || event.key === "k"))) return;
    const onButton = target instanceof HTMLElement && target.tagName === "BUTTON";
    switch (event.key) {
      case " ":
        if (onButton) return; // the button's own action
      // falls through
      case "k":
        togglePlay();
        break;
      case "ArrowLeft":
        skip(-SEEK_STEP_S);
        break;
      case "ArrowRight":
        skip(SEEK_STEP_S);
        break;
      case "f":
        toggleFullScreen();
        break;
      case "m":
        toggleMute();
        break;
      case "c":
        cycleSubtitles();
        break;
      default:
        return;
    }
    event.preventDefault();
  };
}
