// Admin tab "Users": the users, their library grants, passwords, enabling and disabling.

import { api } from "../../api.js";
import { clear, h } from "../../dom.js";
import { message, problem, table } from "./common.js";

export async function usersTab(section, session) {
  const listBox = h("div", { class: "user-list" });
  const note = h("p", { class: "action-note", role: "status" });

  function grantsCell(user, libraries) {
    if (user.role === "admin") return h("span", { class: "muted", text: "Every library (administrator)" });
    if (!libraries.length) return h("span", { class: "muted", text: "No library yet" });
    const status = h("span", { class: "grant-status", "aria-live": "polite" });
    const boxes = libraries.map((library) => {
      const id = `grant-${user.id}-${library.id}`;
      const box = h("input", { type: "checkbox", id, value: library.id, checked: user.libraries.includes(library.id) });
      box.addEventListener("change", async () => {
        const chosen = boxes.filter((item) => item.box.checked).map((item) => item.box.value);
        for (const item of boxes) item.box.disabled = true;
        try {
          // The content-rating limit travels with the grants; keep it as it is.
          const updated = await api(`/api/v1/admin/users/${encodeURIComponent(user.id)}/grants`, {
            method: "PUT",
            body: { libraries: chosen, max_content_rating: user.max_content_rating },
          });
          user.libraries = updated.libraries;
          message(status, "Saved");
        } catch (error) {
          box.checked = !box.checked;
          problem(status, error);
        } finally {
          for (const item of boxes) item.box.disabled = false;
        }
      });
      return { box, label: h("label", { for: id, class: "check" }, box, ` ${library.name}`) };
    });
    return h(
      "fieldset",
      { class: "grants" },
      h("legend", { class: "visually-hidden", text: `Libraries ${user.name} may see` }),
      boxes.map((item) => item.label),
      user.max_content_rating ? h("span", { class: "muted", text: `Highest rating: ${user.max_content_rating}` }) : null,
      status,
    );
  }

  function passwordForm(user) {
    const id = `password-${user.id}`;
    const input = h("input", { type: "password", id, minlength: "8", required: true, autocomplete: "new-password" });
    const save = h("button", { type: "submit" }, "Save password");
    const cancel = h("button", { type: "button" }, "Cancel");
    const form = h(
      "form",
      { class: "inline-form" },
      h("label", { for: id, text: `New password for ${user.name}` }),
      input,
      save,
      cancel,
    );
    return { form, input, save, cancel };
  }

  function actionsCell(user) {
    const cell = h("td", { class: "actions" });
    const setPassword = h("button", { type: "button", "aria-label": `Set password for ${user.name}` }, "Set password");
    setPassword.addEventListener("click", () => {
      const { form, input, cancel } = passwordForm(user);
      cancel.addEventListener("click", () => {
        form.replaceWith(setPassword);
        setPassword.focus();
      });
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        try {
          await api(`/api/v1/admin/users/${encodeURIComponent(user.id)}/password`, {
            method: "PUT",
            body: { password: input.value },
          });
          form.replaceWith(setPassword);
          message(note, `Password for ${user.name} set; they are signed out everywhere.`);
        } catch (error) {
          problem(note, error);
        }
      });
      setPassword.replaceWith(form);
      input.focus();
    });
    cell.append(setPassword);
    if (user.id !== session.user.id) {
      const label = user.disabled ? "Enable" : "Disable";
      const toggle = h("button", { type: "button", class: user.disabled ? "" : "danger", "aria-label": `${label} ${user.name}` }, label);
      toggle.addEventListener("click", async () => {
        toggle.disabled = true;
        try {
          await api(`/api/v1/admin/users/${encodeURIComponent(user.id)}/${user.disabled ? "enable" : "disable"}`, { method: "POST" });
          message(note, user.disabled ? `${user.name} enabled.` : `${user.name} disabled and signed out everywhere.`);
          await refresh();
        } catch (error) {
          toggle.disabled = false;
          problem(note, error);
        }
      });
      cell.append(toggle);
    }
    return cell;
  }

  async function refresh() {
    const [users, libraries] = await Promise.all([api("/api/v1/admin/users"), api("/api/v1/libraries")]);
    const rows = users.map((user) =>
      h(
        "tr",
        { dataset: { user: user.name } },
        h("th", { scope: "row", text: user.name }),
        h("td", { text: user.role === "admin" ? "Administrator" : "User" }),
        h("td", { class: user.disabled ? "error" : "ok", text: user.disabled ? "Disabled" : "Active" }),
        h("td", {}, grantsCell(user, libraries)),
        actionsCell(user),
      ),
    );
    clear(listBox, table("Users", ["Name", "Role", "State", "Libraries", "Actions"], rows));
  }

  const name = h("input", { id: "user-name", name: "name", required: true, maxlength: "100", autocomplete: "off" });
  const password = h("input", { id: "user-password", name: "password", type: "password", required: true, minlength: "8", autocomplete: "new-password" });
  const isAdmin = h("input", { id: "user-admin", name: "admin", type: "checkbox" });
  const submit = h("button", { type: "submit", class: "primary" }, "Add user");
  const formNote = h("div", { class: "form-note", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "admin-form", "aria-labelledby": "add-user-heading" },
    h("h2", { id: "add-user-heading", text: "Add a user" }),
    h("p", { class: "muted", text: "A new user sees no library until you tick it in the table above." }),
    h("div", { class: "field" }, h("label", { for: "user-name", text: "User name" }), name),
    h("div", { class: "field" }, h("label", { for: "user-password", text: "Password (at least 8 characters)" }), password),
    h("div", { class: "field inline" }, isAdmin, h("label", { for: "user-admin", text: "Administrator" })),
    submit,
    formNote,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    clear(formNote);
    try {
      const user = await api("/api/v1/admin/users", {
        method: "POST",
        body: { name: name.value.trim(), password: password.value, admin: isAdmin.checked },
      });
      form.reset();
      message(formNote, `${user.name} added.`);
      await refresh();
    } catch (error) {
      problem(formNote, error);
    } finally {
      submit.disabled = false;
    }
  });

  await refresh(); // the list is drawn before the tab's "loading" gives way to it
  clear(section, h("h2", { text: "Users" }), listBox, note, form);
}
