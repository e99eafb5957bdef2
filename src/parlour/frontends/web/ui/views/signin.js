// Signing in, and the first-run setup that claims the server with the code printed on
// its console. The session lives in an HttpOnly cookie; the page never holds the token.
// "Remember me" is an explicit tick, off by default (P-14).

import { api } from "../api.js";
import { clear, h } from "../dom.js";

function field(label, attrs) {
  const id = `f-${attrs.name}`;
  return h("p", { class: "field" }, h("label", { for: id, text: label }), h("input", { id, ...attrs }));
}

function form(title, intro, fields, button, submit) {
  const message = h("p", { class: "error", role: "alert", hidden: true });
  const action = h("button", { type: "submit", class: "primary" }, button);
  const node = h(
    "form",
    { class: "card narrow", novalidate: true },
    h("h1", { text: title }),
    intro ? h("p", { class: "muted", text: intro }) : null,
    fields,
    message,
    action,
  );
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.hidden = true;
    action.disabled = true;
    try {
      await submit(new FormData(node));
    } catch (error) {
      message.textContent = error.message;
      message.hidden = false;
    } finally {
      action.disabled = false;
    }
  });
  return node;
}

export async function signIn(root, started) {
  const { needed } = await api("/api/v1/setup");
  const done = async (answer) => {
    await started(answer.user);
  };
  if (needed) {
    clear(
      root,
      h(
        "main",
        { id: "main", class: "centred" },
        form(
          "Set up Parlour",
          "Enter the one-time code printed on the server's console, and choose the first administrator's name and password.",
          [
            field("Setup code", { name: "code", required: true, autocomplete: "one-time-code" }),
            field("Username", { name: "username", required: true, autocomplete: "username" }),
            field("Password", { name: "password", type: "password", required: true, autocomplete: "new-password" }),
          ],
          "Create administrator",
          async (data) => {
            const body = Object.fromEntries(data);
            done(await api("/api/v1/setup", { method: "POST", body: { ...body, cookie: true } }));
          },
        ),
      ),
    );
    return;
  }
  const remember = h("input", { id: "f-remember", name: "remember", type: "checkbox" });
  clear(
    root,
    h(
      "main",
      { id: "main", class: "centred" },
      form(
        "Sign in to Parlour",
        null,
        [
          field("Username", { name: "username", required: true, autocomplete: "username", autofocus: true }),
          field("Password", { name: "password", type: "password", required: true, autocomplete: "current-password" }),
          h("p", { class: "field inline" }, remember, h("label", { for: "f-remember", text: "Remember me on this device" })),
        ],
        "Sign in",
        async (data) => {
          const body = {
            username: data.get("username"),
            password: data.get("password"),
            cookie: true,
            remember: remember.checked,
          };
          done(await api("/api/v1/auth/login", { method: "POST", body }));
        },
      ),
    ),
  );
}
