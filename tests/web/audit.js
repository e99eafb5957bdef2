// WCAG 2.2 contrast (1.4.3) of every visible text node on the page, against the first
// opaque background behind it, and an accessible name on every control (4.1.2): the
// problems found, as short strings. Evaluated by tests/web/test_shell.py.
() => {
  const channel = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const parse = (text) => (text.match(/[\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (node) => {
    for (let at = node; at; at = at.parentElement) {
      const [r, g, b, a = 1] = parse(getComputedStyle(at).backgroundColor);
      if (a >= 0.99) return [r, g, b];
      if (getComputedStyle(at).backgroundImage !== "none") return null;  // a picture: unknown
    }
    return parse(getComputedStyle(document.body).backgroundColor);
  };
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const node = text.parentElement;
    if (!text.textContent.trim() || !node || node.closest("[hidden], [aria-hidden=true], video")) continue;
    const box = node.getBoundingClientRect();
    const style = getComputedStyle(node);
    if (!box.width || !box.height || style.visibility === "hidden" || Number(style.opacity) === 0) continue;
    const behind = background(node);
    if (!behind) continue;
    const [r, g, b, a = 1] = parse(style.color);
    const shown = [r, g, b].map((c, i) => c * a + behind[i] * (1 - a));
    const [hi, lo] = [luminance(shown), luminance(behind)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(`${text.textContent.trim().slice(0, 30)}: ${ratio.toFixed(2)}`);
  }
  for (const control of document.querySelectorAll("input, select, textarea, button")) {
    if (control.type === "hidden" || !control.getClientRects().length) continue;  // not shown
    const named = control.labels?.length || control.getAttribute("aria-label")
      || control.getAttribute("aria-labelledby") || control.textContent.trim() || control.title;
    if (!named) problems.push(`unnamed ${control.outerHTML.slice(0, 80)}`);
  }
  return problems;
}
