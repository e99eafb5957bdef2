// My data's confirmation dialog, asked before every erase.

import { clear, errorBox, h } from "../../dom.js";

// One confirmation for every erase: the destructive button is never the default.
export function confirmDialog() {
  const title = h("h2", { id: "confirm-title" });
  const text = h("p");
  const error = h("div");
  const go = h("button", { type: "button", class: "danger", value: "erase" });
  const cancel = h("button", { type: "button", value: "cancel" }, "Cancel");
  const dialog = h(
    "dialog",
    { class: "pc-confirm", "aria-labelledby": "confirm-title" },
    title,
    text,
    error,
    h("div", { class: "buttons" }, cancel, go),
  );
  let pending = null;
  cancel.addEventListener("click", () => close());
  go.addEventListener("click", async () => {
    if (!pending) return;
    go.disabled = true;
    try {
      await pending.run();
      close();
    } catch (err) {
      clear(error, errorBox(err));
    } finally {
      go.disabled = false;
    }
  });
  dialog.addEventListener("close", () => {
    if (pending && pending.returnTo && pending.returnTo.isConnected) pending.returnTo.focus();
    pending = null;
  });
  function close() {
    if (dialog.open) dialog.close();
  }
  return {
    dialog,
    close,
    ask(question) {
      pending = question;
      title.textContent = question.title;
      text.textContent = question.text;
      go.textContent = question.action;
      clear(error);
      dialog.showModal();
      cancel.focus();
    },
  };
}
