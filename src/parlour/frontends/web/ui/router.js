// Hash routes ("#/films/ID"): the server serves one page, and a reload or a shared link
// lands on the same view. A route is a pattern of "/"-separated parts, ":name" for a
// parameter; the query after "?" is passed as URLSearchParams.

const routes = [];

export function route(pattern, view) {
  routes.push({ parts: pattern.split("/").filter(Boolean), view });
}

export function current() {
  const raw = decodeURI(location.hash.replace(/^#/, "")) || "/";
  const [path, query = ""] = raw.split("?");
  return { path, query: new URLSearchParams(query) };
}

export function match(path) {
  const parts = path.split("/").filter(Boolean);
  for (const candidate of routes) {
    if (candidate.parts.length !== parts.length) continue;
    const params = {};
    const fits = candidate.parts.every((part, i) => {
      if (part.startsWith(":")) {
        params[part.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      }
      return part === parts[i];
    });
    if (fits) return { view: candidate.view, params };
  }
  return null;
}

export function go(path) {
  location.hash = "#" + path;
}

export function link(path) {
  return "#" + path;
}
