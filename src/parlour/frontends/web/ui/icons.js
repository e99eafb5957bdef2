// The UI's SVG icons: `icon(name)` draws one (many fonts lack the media symbols).

const SVG = "http://www.w3.org/2000/svg";
const ICONS = {
  play: { fill: ["M8 5v14l11-7z"] },
  pause: { fill: ["M6 5h4v14H6z", "M14 5h4v14h-4z"] },
  previous: { fill: ["M6 6h2v12H6z", "M9.5 12 18 18V6z"] },
  next: { fill: ["M16 6h2v12h-2z", "M6 18l8.5-6L6 6z"] },
  shuffle: { stroke: ["M4 7h3l10 10h3", "M4 17h3l3-3", "M14 10l3-3h3", "M18 5l2 2-2 2", "M18 15l2 2-2 2"] },
  repeat: { stroke: ["M17 3l3 3-3 3", "M4 12V9a3 3 0 0 1 3-3h13", "M7 21l-3-3 3-3", "M20 12v3a3 3 0 0 1-3 3H4"] },
  repeatOne: {
    stroke: ["M17 3l3 3-3 3", "M4 12V9a3 3 0 0 1 3-3h13", "M7 21l-3-3 3-3", "M20 12v3a3 3 0 0 1-3 3H4", "M11 11l1.5-1v5"],
  },
  volume: { fill: ["M4 9h4l5-4v14l-5-4H4z"], stroke: ["M16 9a4 4 0 0 1 0 6", "M18.5 6.5a8 8 0 0 1 0 11"] },
  mute: { fill: ["M4 9h4l5-4v14l-5-4H4z"], stroke: ["M16 9l5 6", "M21 9l-5 6"] },
  up: { stroke: ["M12 19V5", "M6 11l6-6 6 6"] },
  down: { stroke: ["M12 5v14", "M6 13l6 6 6-6"] },
  remove: { stroke: ["M6 6l12 12", "M18 6 6 18"] },
  add: { stroke: ["M12 5v14", "M5 12h14"] },
  playlistAdd: { stroke: ["M4 6h12", "M4 12h8", "M4 18h8", "M17 13v8", "M13 17h8"] },
  queue: { stroke: ["M4 6h16", "M4 12h10", "M4 18h10"], fill: ["M16 14v6l5-3z"] },
};

export function icon(name) {
  const drawing = ICONS[name];
  const node = document.createElementNS(SVG, "svg");
  for (const [key, value] of Object.entries({
    viewBox: "0 0 24 24",
    width: "1.25em",
    height: "1.25em",
    "aria-hidden": "true",
    focusable: "false",
    class: "icon-svg",
  })) {
    node.setAttribute(key, value);
  }
  for (const d of drawing.fill || []) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "currentColor");
    node.append(path);
  }
  for (const d of drawing.stroke || []) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    for (const [key, value] of Object.entries({
      fill: "none",
      stroke: "currentColor",
      "stroke-width": "2",
      "stroke-linecap": "round",
      "stroke-linejoin": "round",
    })) {
      path.setAttribute(key, value);
    }
    node.append(path);
  }
  return node;
}
