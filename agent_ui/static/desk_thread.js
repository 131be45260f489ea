// One conversation's thread: its messages in order (by id, each shown once), the customer's
// typing and read state, and the agent's own read state sent back. New messages are pulled
// after a message.added frame with GET .../messages?after=<last id>; on a server without that
// endpoint yet, from the interaction's document. A supervisor's whispers (for this agent only,
// never the customer) are pulled after an interaction.whispered frame and placed among the
// messages by time. Text only: a body is set with textContent.
import { api } from "./desk_api.js";
import { el, timeOf } from "./desk_dom.js";
import { t } from "./desk_strings.js";

const PAGE = 200;

export function createThread({ interactionId, agentId, features, isFront, onCustomerMessage }) {
  const list = el("ol", { class: "messages", "aria-live": "polite" });
  const typing = el("p", { class: "typing muted", hidden: true, text: t("chat.typing") });
  const node = el("div", { class: "thread" }, list, typing);
  const shown = new Map(); // message id -> element
  const whispers = new Set(); // whisper ids shown
  let cursor = 0;
  let whisperCursor = 0;
  let pulling = false;
  let again = false;
  let loaded = false;
  let typingTimer = null;
  let readSent = 0;
  let lastInbound = 0;

  function authorOf(m) {
    if (m.author_kind === "agent") return m.author_agent_id === agentId ? t("chat.me") : t("chat.agent");
    if (m.author_kind === "system") return t("chat.system");
    return t("chat.customer");
  }

  function add(m) {
    if (shown.has(m.id)) return false;
    const item = el(
      "li",
      { class: "msg " + m.direction + " author-" + m.author_kind, dataset: { id: String(m.id), at: m.created_at } },
      el("div", { class: "msg-head" }, el("span", { class: "author", text: authorOf(m) }), " ", el("time", { text: timeOf(m.created_at) })),
      el("div", { class: "body", text: m.body }),
      (m.attachments || []).map((a) => el("div", { class: "attachment", text: t("chat.attachment", { name: a.name || a.url || "" }) })),
      el("span", { class: "seen muted", hidden: true, text: t("chat.seen") }),
    );
    // Before the first later line: a message with a higher id, or a whisper written after it.
    const at = Date.parse(m.created_at);
    const later = [...list.children].find((node) =>
      node.dataset.whisper ? Date.parse(node.dataset.at) > at : Number(node.dataset.id) > m.id,
    );
    list.insertBefore(item, later || null);
    shown.set(m.id, item);
    if (m.direction === "inbound") lastInbound = Math.max(lastInbound, m.id);
    return true;
  }

  function addWhisper(w) {
    if (whispers.has(w.id)) return;
    whispers.add(w.id);
    whisperCursor = Math.max(whisperCursor, w.id);
    const item = el(
      "li",
      { class: "msg whisper", dataset: { whisper: String(w.id), at: w.created_at } },
      el("div", { class: "msg-head" }, el("span", { class: "author", text: t("chat.whisper", { name: w.author }) }), " ", el("time", { text: timeOf(w.created_at) })),
      el("div", { class: "body", text: w.body }),
    );
    const at = Date.parse(w.created_at);
    const later = [...list.children].find((node) => Date.parse(node.dataset.at) > at);
    list.insertBefore(item, later || null);
  }

  async function pullWhispers() {
    if (!features.whispers) return;
    const after = whisperCursor > 0 ? "?after=" + whisperCursor : "";
    const answer = await api("GET", "/api/v1/interactions/" + interactionId + "/whispers" + after);
    if (!answer.ok) return;
    for (const w of answer.data.whispers) addWhisper(w);
    if (isFront()) list.lastElementChild?.scrollIntoView({ block: "end" });
  }

  async function fetchAfter() {
    if (features.messages) {
      const after = cursor > 0 ? "&after=" + cursor : "";
      const answer = await api("GET", "/api/v1/interactions/" + interactionId + "/messages?limit=" + PAGE + after);
      return answer.ok ? answer.data.messages : null;
    }
    const answer = await api("GET", "/api/v1/interactions/" + interactionId);
    return answer.ok ? (answer.data.messages || []).filter((m) => m.id > cursor) : null;
  }

  async function pull() {
    if (pulling) {
      again = true;
      return;
    }
    pulling = true;
    try {
      do {
        again = false;
        const found = await fetchAfter();
        if (!found) break;
        for (const m of found) {
          cursor = Math.max(cursor, m.id);
          if (add(m) && loaded && m.direction === "inbound") onCustomerMessage(m);
        }
        // What the first read finds is the history; anything after it is news to alert on.
        if (features.messages && found.length === PAGE) again = true;
        else loaded = true;
      } while (again);
    } finally {
      pulling = false;
    }
    if (isFront()) seen(); // in front of the agent: what just arrived is read
  }

  /** The agent has seen the thread: tell the customer's side, once per new message. */
  function seen() {
    list.lastElementChild?.scrollIntoView({ block: "end" });
    if (features.signals && lastInbound > readSent) {
      readSent = lastInbound;
      api("POST", "/api/v1/interactions/" + interactionId + "/signals", { kind: "read", up_to: lastInbound });
    }
  }

  function markRead(upTo) {
    for (const [id, item] of shown) {
      if (item.classList.contains("outbound")) item.classList.toggle("read", id <= upTo);
    }
    const read = [...shown.entries()].filter(([id, item]) => id <= upTo && item.classList.contains("outbound"));
    for (const [, item] of shown) item.querySelector(".seen").hidden = true;
    if (read.length) read[read.length - 1][1].querySelector(".seen").hidden = false;
  }

  return {
    node,
    pull,
    pullWhispers,
    add,
    onSignal(signal) {
      if (signal.by !== "customer") return;
      if (signal.kind === "typing") {
        typing.hidden = false;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => (typing.hidden = true), 6000);
      } else if (signal.kind === "read" && signal.up_to) {
        markRead(signal.up_to);
      }
    },
    seen,
  };
}
