// Arrow keys move the focus between the links and buttons on the page by where they sit on
// the screen: how a TV remote (whose browser sends arrow keys) or a keyboard goes through
// a grid of posters. Text fields, sliders and menus keep their arrows, and so does any
// part of the page that takes arrows for itself (the video player, the photo viewer):
// it carries data-own-keys, or is a dialog.

const DIRECTIONS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
const FOCUSABLE = "a[href], button:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";
const KEEP_ARROWS = "input, select, textarea, [contenteditable], [data-own-keys], dialog";
const EDGE_SLACK_PX = 2;

export function installSpatialNavigation() {
  document.addEventListener("keydown", (event) => {
    const direction = DIRECTIONS[event.key];
    if (!direction || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const from = document.activeElement;
    if (!(from instanceof HTMLElement) || !from.matches(FOCUSABLE) || from.closest(KEEP_ARROWS)) return;
    const target = nearest(from, direction);
    if (!target) return;
    event.preventDefault();
    target.focus();
    target.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
}

// The closest focusable thing that lies wholly past `from`'s edge in the direction asked,
// preferring those in line with it: distance along the way plus twice the distance across.
function nearest(from, [dx, dy]) {
  const a = from.getBoundingClientRect();
  const ax = a.left + a.width / 2;
  const ay = a.top + a.height / 2;
  let best = null;
  let bestScore = Infinity;
  for (const candidate of document.querySelectorAll(FOCUSABLE)) {
    if (candidate === from || candidate.closest("[hidden], [inert], dialog, [data-own-keys]")) continue;
    const b = candidate.getBoundingClientRect();
    if (!b.width || !b.height) continue;
    const past =
      dx > 0 ? b.left >= a.right - EDGE_SLACK_PX
      : dx < 0 ? b.right <= a.left + EDGE_SLACK_PX
      : dy > 0 ? b.top >= a.bottom - EDGE_SLACK_PX
      : b.bottom <= a.top + EDGE_SLACK_PX;
    if (!past) continue;
    const bx = b.left + b.width / 2;
    const by = b.top + b.height / 2;
    const along = dx ? (bx - ax) * dx : (by - ay) * dy;
    const across = dx ? Math.abs(by - ay) : Math.abs(bx - ax);
    const score = along + 2 * across;
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
