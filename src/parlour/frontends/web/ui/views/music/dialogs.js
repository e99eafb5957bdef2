// The "Add to playlist" dialog of the music pages.

import { api } from "../../api.js";
import { h } from "../../dom.js";
import { enc, say } from "./common.js";

// A modal dialog: pick one of my playlists (or name a new one) and add the tracks.
export async function addToPlaylist(tracks, status) {
  let playlists;
  try {
    playlists = (await api("/api/v1/playlists")).filter((p) => p.kind === "music");
  } catch (error) {
    say(status, error.message);
    return;
  }
  const NEW = "";
  const choice = h(
    "select",
    { name: "playlist", "aria-label": "Playlist" },
    playlists.map((p) => h("option", { value: p.id }, p.name)),
    h("option", { value: NEW }, "A new playlist…"),
  );
  const name = h("input", { name: "name", maxlength: 200, autocomplete: "off" });
  const nameField = h("label", { class: "field" }, "New playlist name", name);
  const problem = h("p", { class: "error", role: "alert" });
  const showName = () => {
    nameField.hidden = choice.value !== NEW;
    name.required = choice.value === NEW;
  };
  choice.addEventListener("change", showName);
  const what = tracks.length === 1 ? `“${tracks[0].title}”` : `${tracks.length} tracks`;
  const dialog = h(
    "dialog",
    { class: "playlist-dialog", "aria-labelledby": "add-to-playlist-title" },
    h(
      "form",
      { method: "dialog" },
      h("h2", { id: "add-to-playlist-title", text: "Add to playlist" }),
      h("p", { class: "muted", text: `Adding ${what}.` }),
      h("label", { class: "field" }, "Playlist", choice),
      nameField,
      problem,
      h(
        "div",
        { class: "toolbar" },
        h("button", { type: "submit", class: "primary", value: "add" }, "Add"),
        h("button", { type: "button", value: "cancel", onclick: () => dialog.close() }, "Cancel"),
      ),
    ),
  );
  showName();
  dialog.querySelector("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const items = tracks.map((t) => t.id);
    try {
      if (choice.value === NEW) {
        const text = name.value.trim();
        if (!text) {
          problem.textContent = "Give the new playlist a name.";
          return;
        }
        await api("/api/v1/playlists", { method: "POST", body: { name: text, kind: "music", items } });
        say(status, `Added ${what} to the new playlist “${text}”.`);
      } else {
        const playlist = playlists.find((p) => p.id === choice.value);
        await api(`/api/v1/playlists/${enc(choice.value)}/items`, { method: "POST", body: { items } });
        say(status, `Added ${what} to “${playlist.name}”.`);
      }
      dialog.close();
    } catch (error) {
      problem.textContent = error.message;
    }
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  choice.focus();
}
