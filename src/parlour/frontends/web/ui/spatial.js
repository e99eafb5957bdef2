// Arrow keys move the focus between the links and buttons on the page by where they sit on
// the screen: how a TV remote (whose browser sends arrow keys) or a keyboard goes through
// a grid of posters. Text fields, sliders and menus keep their arrows, and so does any
// part of the page that takes arrows for itself (the video player, the photo viewer):
// it carries data-own-keys, or is a dialog.
//
// Measuring is what costs: a card in a chunk the browser skips (content-visibility, see
// chunkedList) is laid out afresh for each measurement. So the search starts near the
// focus, among the neighbours of its item in its own list, in the list's order, and stops
// as soon as nothing further on could be closer; only when nothing there lies that way is
// the whole page searched, and then only what the browser draws.

const DIRECTIONS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
const FOCUSABLE = "a[href], button:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";
const KEEP_ARROWS = "input, select, textarea, [contenteditable], [data-own-keys], dialog";
const LEFT_OUT = "[hidden], [inert], dialog, [data-own-keys]";
const ITEM = "[role=listitem], li";
const LIST = "[role=list], ul, ol";
const EDGE_SLACK_PX = 2;
const NEAR_ITEMS = 64; // the most neighbours looked at each way: rows of the widest grid

export function installSpatialNavigation() {
  document.addEventListener("keydown", (event) => {
    const direction = DIRECTIONS[event.key];
    if (!direction || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const from = document.activeElement;
    if (!(from instanceof HTMLElement) || !from.matches(FOCUSABLE) || from.closest(KEEP_ARROWS)) return;
    const target = nearby(from, direction) || onPage(from, direction);
    if (!target) return;
    event.preventDefault();
    // Into sight first (a card in a chunk not drawn yet is laid out for it), then the focus
    // without a scroll of its own, which could centre the card rather than bring it to the edge.
    target.scrollIntoView({ block: "nearest", inline: "nearest" });
    target.focus({ preventScroll: true });
  });
}

// The closest focusable thing that lies wholly past `from`'s edge in the direction asked,
// preferring those in line with it: distance along the way plus twice the distance across.
function search(from, [dx, dy]) {
  const a = from.getBoundingClientRect();
  const ax = a.left + a.width / 2;
  const ay = a.top + a.height / 2;
  const found = { best: null, score: Infinity };
  // Weighs one candidate; answers its box (null when it has none) for the caller's stops.
  found.weigh = (candidate) => {
    if (candidate === from || candidate.closest(LEFT_OUT)) return null;
    const b = candidate.getBoundingClientRect();
    if (!b.width || !b.height) return null;
    const past =
      dx > 0 ? b.left >= a.right - EDGE_SLACK_PX
      : dx < 0 ? b.right <= a.left + EDGE_SLACK_PX
      : dy > 0 ? b.top >= a.bottom - EDGE_SLACK_PX
      : b.bottom <= a.top + EDGE_SLACK_PX;
    const bx = b.left + b.width / 2;
    const by = b.top + b.height / 2;
    const along = dx ? (bx - ax) * dx : (by - ay) * dy;
    const across = dx ? Math.abs(by - ay) : Math.abs(bx - ax);
    if (past && along + 2 * across < found.score) {
      found.best = candidate;
      found.score = along + 2 * across;
    }
    return { box: b, along };
  };
  // Whether a box lies on none of the line `from` is on (for a move left or right).
  found.offLine = (b) => b.bottom <= a.top + EDGE_SLACK_PX || b.top >= a.bottom - EDGE_SLACK_PX;
  return found;
}

const focusables = (item) => (item.matches(FOCUSABLE) ? [item] : [...item.querySelectorAll(FOCUSABLE)]);

// Among the items beside `from`'s own in its list, taken in the list's order from it (on
// for right and down, back for left and up). In a grid in reading order, for a move up or
// down the items further on lie further away, so the walk stops once one lies further
// along than the best so far is in all; for a move left or right it stops at the first
// item off the row. Null when none lies that way (then the page is searched).
function nearby(from, direction) {
  const item = from.closest(ITEM);
  const list = item && item.parentElement && item.parentElement.closest(LIST);
  if (!list) return null;
  const items = [...list.querySelectorAll(ITEM)].filter((each) => each.parentElement.closest(LIST) === list);
  const index = items.indexOf(item);
  const step = direction[0] + direction[1];
  const found = search(from, direction);
  for (const candidate of focusables(item)) found.weigh(candidate);
  for (let k = 1; k <= NEAR_ITEMS; k++) {
    const next = items[index + step * k];
    if (!next) break;
    let onward = false;
    for (const candidate of focusables(next)) {
      const weighed = found.weigh(candidate);
      if (!weighed) continue;
      onward ||= direction[0] ? found.offLine(weighed.box) : weighed.along > found.score;
    }
    if (onward) break;
  }
  return found.best;
}

// Every focusable thing on the page that the browser draws: what is in a chunk it skips
// is left out (measuring it would lay out every such chunk, one by one).
function onPage(from, direction) {
  const found = search(from, direction);
  for (const candidate of document.querySelectorAll(FOCUSABLE)) {
    if (candidate.checkVisibility && !candidate.checkVisibility({ contentVisibilityAuto: true })) continue;
    found.weigh(candidate);
  }
  return found.best;
}
