// The one way the page talks to the server: same-origin fetches with the session cookie,
// and the CSRF token (from its readable cookie) on every call that changes something.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

function csrfToken() {
  const found = document.cookie.match(/(?:^|;\s*)parlour_csrf=([^;]+)/);
  return found ? decodeURIComponent(found[1]) : "";
}

export async function api(path, { method = "GET", body, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken();
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
    signal,
  });
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    if (response.status === 401 && path !== "/api/v1/auth/login") {
      window.dispatchEvent(new CustomEvent("parlour:signed-out"));
    }
    throw new ApiError(response.status, (data && (data.detail || data.title)) || "");
  }
  return data;
}

// Pictures at the size they are shown (device pixels), cropped to fill their box.
export function imageUrl(id, width = 300, fit = "cover") {
  return `/api/v1/items/${encodeURIComponent(id)}/image?width=${width}&fit=${fit}`;
}

export function artworkUrl(id, width = 300, fit = "cover") {
  return `/api/v1/artwork/${encodeURIComponent(id)}?width=${width}&fit=${fit}`;
}
