// My data's inventory: every category stored about me, where, why, and its erase button.

import { h } from "../../dom.js";

// What each erasable category takes away, in the words the page shows (privacy/erase.py).
// Erasing history here is what a person means by it: every play and also where they
// stopped and what they watched, so it takes the resume-points category with it
// (DELETE /api/v1/me/history, then /me/data/resume-points); the others are
// /me/data/{name} alone.
export const ERASE = {
  history: {
    button: "Erase my history",
    says:
      "Every play, with play counts and last-played times, and where you stopped and what " +
      "you have watched: Recently played, Continue watching and Next up start empty.",
    also: ["resume-points"],
  },
  "resume-points": {
    button: "Erase resume points and watched marks",
    says:
      "Where you stopped in each film and episode, which you have watched, and the bookmarks " +
      "and play queue your music apps saved: Continue watching and Next up start empty. " +
      "Your play history stays.",
  },
  ratings: { button: "Erase ratings and favourites", says: "Every rating you gave and every item you starred." },
  playlists: { button: "Erase playlists", says: "Every playlist you made, with its entries." },
  devices: {
    button: "Sign out everywhere else",
    says:
      "Every other sign-in and device token, every export download link and every app password for " +
      "music apps. This browser stays signed in.",
  },
};

// Where a category is kept, with how many rows of each table are mine (a table can hold
// several categories: resume points, ratings and play counts share one row per item).
function storedText(category) {
  if (!category.stored_in.length) return category.elsewhere || "";
  return category.stored_in
    .map((table) => {
      const rows = (category.rows || {})[table] || 0;
      return `${table} (${rows} ${rows === 1 ? "row" : "rows"})`;
    })
    .join(", ");
}

export function inventoryList(inventory, confirm, erase) {
  const items = inventory.categories.map((category) => {
    const erasable = ERASE[category.category];
    return h(
      "li",
      { class: "category", dataset: { category: category.category } },
      h(
        "div",
        { class: "category-head" },
        h("h3", { text: category.title }),
      ),
      h(
        "dl",
        {},
        h("dt", { text: "Stored in" }),
        h("dd", { class: "rows", text: storedText(category) }),
        h("dt", { text: "What" }),
        h("dd", { text: category.what }),
        h("dt", { text: "Why" }),
        h("dd", { text: category.why }),
        h("dt", { text: "How long" }),
        h("dd", { text: category.retention }),
      ),
      erasable
        ? h(
            "button",
            {
              type: "button",
              class: "danger",
              onclick: (event) =>
                confirm.ask({
                  title: `${erasable.button}?`,
                  text: erasable.says,
                  action: erasable.button,
                  run: () => erase(category.category),
                  returnTo: event.currentTarget,
                }),
            },
            erasable.button,
          )
        : null,
    );
  });
  return [
    h("ul", { class: "categories" }, items),
    inventory.unclassified_tables && inventory.unclassified_tables.length
      ? h("p", { class: "error", text: `Also stored, not yet described: ${inventory.unclassified_tables.join(", ")}` })
      : null,
    h(
      "p",
      { class: "muted" },
      "Your account itself goes only with your password, through the API (DELETE /api/v1/me), or by an admin.",
    ),
  ];
}
