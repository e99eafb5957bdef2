// My data's "Apps (Subsonic)": app passwords for music apps. Each is made for one app or
// device, shown once with what the app needs (server address, user name, password),
// listed with when it was made and last used, and revoked after a confirmation. The
// account password never works in a music app; these do nowhere else.

import { api } from "../../api.js";
import { clear, h, when } from "../../dom.js";

const PATH = "/api/v1/me/app-passwords";

function revealed(made, close) {
  const password = h("input", {
    id: "app-password-secret",
    class: "secret",
    type: "text",
    readonly: true,
    value: made.password,
    autocomplete: "off",
    spellcheck: "false",
    onfocus: (event) => event.currentTarget.select(),
  });
  const copied = h("span", { class: "muted", role: "status", "aria-live": "polite" });
  const copy = navigator.clipboard
    ? h(
        "button",
        {
          type: "button",
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(made.password);
              copied.textContent = "Copied.";
            } catch {
              copied.textContent = "Could not copy: select the password and copy it yourself.";
            }
          },
        },
        "Copy password",
      )
    : null;
  const done = h("button", { type: "button", class: "primary", onclick: close }, "Done, I have copied it");
  return h(
    "section",
    { class: "app-password-new", "aria-labelledby": "app-password-new-heading" },
    h("h3", { id: "app-password-new-heading", text: `New app password for ${made.label}` }),
    h("p", { text: "Type these into the music app's server settings. This is the only time the password is shown." }),
    h(
      "dl",
      {},
      h("dt", { text: "Server address" }),
      h("dd", {}, h("code", { class: "server-address", text: window.location.origin })),
      h("dt", { text: "User name" }),
      h("dd", {}, h("code", { class: "user-name", text: made.username })),
      h("dt", {}, h("label", { for: "app-password-secret" }, "App password")),
      h("dd", {}, password, copy, copied),
    ),
    h(
      "p",
      { class: "muted" },
      "It works only in music apps that speak Subsonic, and it is never your account password: " +
        "it cannot sign in here. Revoke it below when you stop using the app.",
    ),
    done,
  );
}

function listing(rows, revoke) {
  if (!rows.length) return h("p", { class: "muted", text: "No app passwords yet." });
  return h(
    "table",
    { class: "app-passwords" },
    h("caption", { class: "visually-hidden", text: "My app passwords" }),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", text: "App or device" }),
        h("th", { scope: "col", text: "Created" }),
        h("th", { scope: "col", text: "Last used" }),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden", text: "Actions" })),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((row) =>
        h(
          "tr",
          { dataset: { id: row.id } },
          h("td", { class: "label", text: row.label }),
          h("td", { text: when(row.created_at) }),
          h("td", { text: row.last_used_at ? when(row.last_used_at) : "Never" }),
          h(
            "td",
            {},
            h(
              "button",
              {
                type: "button",
                class: "danger",
                "aria-label": `Revoke ${row.label}`,
                onclick: (event) => revoke(row, event.currentTarget),
              },
              "Revoke",
            ),
          ),
        ),
      ),
    ),
  );
}

// The section's content and a refresh for it. ``say`` reports on the page's status line,
// ``confirm`` is the page's confirmation dialog, ``changed`` refreshes what else shows
// the rows (the inventory's counts).
export function appPasswordsView(say, confirm, changed) {
  const list = h("div", { class: "app-password-list" });
  const fresh = h("div");
  const label = h("input", {
    id: "app-password-label",
    type: "text",
    required: true,
    maxlength: 64,
    autocomplete: "off",
    placeholder: "e.g. Phone: Symfonium",
  });
  const create = h("button", { type: "submit", class: "primary" }, "Create app password");
  const form = h(
    "form",
    { class: "app-password-form" },
    h("div", { class: "field" }, h("label", { for: "app-password-label" }, "Which app or device is it for?"), label),
    create,
  );

  async function refresh() {
    clear(list, listing(await api(PATH), revoke));
  }

  function revoke(row, button) {
    confirm.ask({
      title: `Revoke the app password for ${row.label}?`,
      text: "The app that signs in with it stops working at once. You can make a new one at any time.",
      action: "Revoke",
      returnTo: button,
      run: async () => {
        await api(`${PATH}/${encodeURIComponent(row.id)}`, { method: "DELETE" });
        say(`Revoked the app password for ${row.label}.`);
        await Promise.all([refresh(), changed()]);
      },
    });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    create.disabled = true;
    try {
      const made = await api(PATH, { method: "POST", body: { label: label.value } });
      label.value = "";
      const close = () => {
        clear(fresh); // the password leaves the page
        label.focus();
      };
      clear(fresh, revealed(made, close));
      fresh.querySelector("#app-password-secret").focus();
      say(`Made an app password for ${made.label}: copy it now, it is shown only once.`);
      await Promise.all([refresh(), changed()]);
    } catch (error) {
      say(error.message || String(error), "error");
    } finally {
      create.disabled = false;
    }
  });

  const content = [
    h(
      "p",
      {},
      "Music apps that speak Subsonic, on phones, computers and TVs, sign in with an app password, " +
        "never with your account password. Make one for each app, so that you can revoke one without " +
        "the others.",
    ),
    form,
    fresh,
    list,
  ];
  return { content, refresh };
}
