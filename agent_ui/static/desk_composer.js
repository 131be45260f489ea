// The reply box. Enter sends (Shift+Enter: a new line) with POST .../messages and one
// Idempotency-Key per reply, kept for its retries, so a lost answer never sends it twice. When
// the channel has no outbound connection the server answers 409 channel_cannot_send and the
// composer says so and keeps the text: it never shows a reply that was not sent. Typing is
// signalled to the customer at most every 3 s. "/" in an empty box opens the canned responses.
import { api, newKey, postOnce } from "./desk_api.js";
import { createCanned } from "./desk_canned.js";
import { el } from "./desk_dom.js";
import { t } from "./desk_strings.js";

export function createComposer({ interactionId, channel, features, sending, thread }) {
  const box = el("textarea", { class: "reply", rows: 3, maxlength: 100000, placeholder: t("composer.placeholder"), "aria-label": t("composer.send") });
  const send = el("button", { type: "button", class: "send", text: t("composer.send") });
  const notice = el("p", { class: "notice", role: "status" });
  const canned = createCanned({ interactionId, features, box });
  const node = el("div", { class: "composer" }, canned.node, box, el("div", { class: "composer-row" }, notice, send));
  let pending = null; // {body, key}: the reply being sent, with its key for retries
  let lastTyping = 0;

  const cannotSend = () => {
    notice.className = "notice error cannot-send";
    notice.textContent = t("composer.cannot_send", { channel: t("channel." + channel) });
  };
  if (!features.send) {
    box.disabled = true;
    send.disabled = true;
    notice.textContent = t("composer.unavailable");
  } else if (!sending.includes(channel)) cannotSend(); // said before typing; the server decides

  async function submit() {
    const body = box.value.trim();
    if (!body || !features.send) return;
    if (!pending || pending.body !== body) pending = { body, key: newKey() };
    send.disabled = true;
    notice.className = "notice";
    notice.textContent = t("chat.sending");
    const answer = await postOnce("/api/v1/interactions/" + interactionId + "/messages", { body }, pending.key);
    send.disabled = false;
    if (answer.ok) {
      pending = null;
      box.value = "";
      notice.textContent = "";
      if (answer.data && answer.data.message) thread.add(answer.data.message);
      thread.pull();
    } else if (answer.code === "channel_cannot_send") {
      pending = null;
      cannotSend();
    } else {
      notice.className = "notice error";
      notice.textContent = t("chat.send_failed", { error: answer.message });
    }
  }

  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !canned.isOpen()) {
      event.preventDefault();
      submit();
    } else if (event.key === "/" && box.value === "" && features.canned) {
      event.preventDefault();
      canned.open();
    }
  });
  box.addEventListener("input", () => {
    if (features.signals && Date.now() - lastTyping > 3000) {
      lastTyping = Date.now();
      api("POST", "/api/v1/interactions/" + interactionId + "/signals", { kind: "typing" });
    }
  });
  send.addEventListener("click", submit);
  return {
    node,
    focus: () => box.focus(),
    disable(reason) {
      box.disabled = true;
      send.disabled = true;
      notice.textContent = reason;
    },
  };
}
