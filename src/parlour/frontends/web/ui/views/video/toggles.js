// Watched/favourite toggles and the viewer's rating control, shared by the film and show pages.

import { api } from "../../api.js";
import { errorBox, h } from "../../dom.js";

function pressed(button, on, [whenOn, whenOff]) {
  button.setAttribute("aria-pressed", on ? "true" : "false");
  button.textContent = on ? whenOn : whenOff;
}

// Watched and favourite as toggle buttons that write through the API at once.
export function watchToggles(item, onchange = () => {}) {
  const path = `/api/v1/items/${encodeURIComponent(item.id)}`;
  const state = { ...(item.state || {}) };
  const watched = h("button", { type: "button", class: "toggle watched" });
  const favourite = h("button", { type: "button", class: "toggle favourite" });
  const watchedWords = ["✓ Watched", "Mark as watched"];
  const favouriteWords = ["★ Favourite", "☆ Add to favourites"];
  pressed(watched, state.watched, watchedWords);
  pressed(favourite, state.favourite, favouriteWords);
  const flip = (button, key, route, words) => async () => {
    button.disabled = true;
    try {
      const next = await api(`${path}/${route}`, { method: state[key] ? "DELETE" : "PUT" });
      Object.assign(state, next);
      pressed(button, state[key], words);
      onchange(state);
    } catch (error) {
      button.after(errorBox(error));
    } finally {
      button.disabled = false;
    }
  };
  watched.addEventListener("click", flip(watched, "watched", "watched", watchedWords));
  favourite.addEventListener("click", flip(favourite, "favourite", "favourite", favouriteWords));
  return h("span", { class: "toggles" }, watched, favourite);
}

// The viewer's own rating, one to five stars in halves (the API's 1 to 10).
export function ratingControl(item) {
  const path = `/api/v1/items/${encodeURIComponent(item.id)}/rating`;
  const choices = [["", "Not rated"]];
  for (let value = 10; value >= 1; value -= 1) {
    choices.push([String(value), `${"★".repeat(Math.floor(value / 2))}${value % 2 ? "½" : ""} (${value / 2} of 5)`]);
  }
  const current = item.state && item.state.rating ? String(item.state.rating) : "";
  const control = h(
    "select",
    { name: "rating" },
    choices.map(([value, text]) => h("option", { value, selected: value === current, text })),
  );
  control.addEventListener("change", async () => {
    try {
      if (control.value) await api(path, { method: "PUT", body: { rating: Number(control.value) } });
      else await api(path, { method: "DELETE" });
    } catch (error) {
      control.after(errorBox(error));
    }
  });
  return h("label", { class: "rating" }, "My rating ", control);
}
