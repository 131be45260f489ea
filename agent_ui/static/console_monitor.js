// The silent monitor: one conversation read-only and live, with the supervisor's whispers in it.
// It reads (GET messages, GET whispers) and never marks anything read or typing, so neither side
// is told. message.added and interaction.whispered frames of this conversation pull what is new;
// its moves update the header. Whispers go to POST .../whispers: the agent's desk shows them,
// the customer never receives them. Text only: bodies are set with textContent.
import { api, newKey } from "./desk_api.js";
import { el, timeOf } from "./desk_dom.js";
import { connectEvents } from "./desk_socket.js";
import { channelName, notify, readConfig, stateName } from "./console_labels.js";

const { gettext: _, format } = window.i18n;
const config = readConfig();
const id = config.interaction_id;
const thread = document.getElementById("thread");
const live = document.getElementById("live");
const shown = new Map(); // "m<id>" / "w<id>" -> element
let messageCursor = 0;
let whisperCursor = 0;
let doc = null;
const names = { agent: new Map(), customer: "" };

function authorOf(m) {
  if (m.author_kind === "customer") return _("Customer");
  if (m.author_kind === "system") return _("System");
  return _("Agent");
}

/** Keep the thread in time order: messages and whispers interleaved by when they were written. */
function place(key, at, item) {
  if (shown.has(key)) return;
  item.dataset.at = at;
  const when = Date.parse(at);
  const later = [...thread.children].find((node) => Date.parse(node.dataset.at) > when);
  thread.insertBefore(item, later || null);
  shown.set(key, item);
}

function addMessage(m) {
  place(
    "m" + m.id,
    m.created_at,
    el(
      "li",
      { class: "msg " + m.direction + " author-" + m.author_kind, dataset: { message: String(m.id) } },
      el("div", { class: "msg-head" }, el("span", { class: "author", text: authorOf(m) }), " ", el("time", { text: timeOf(m.created_at) })),
      el("div", { class: "body", text: m.body }),
    ),
  );
}

function addWhisper(w) {
  place(
    "w" + w.id,
    w.created_at,
    el(
      "li",
      { class: "msg whisper", dataset: { whisper: String(w.id) } },
      el("div", { class: "msg-head" }, el("span", { class: "author", text: format(_("Whisper from {name}"), { name: w.author }) }), " ", el("time", { text: timeOf(w.created_at) })),
      el("div", { class: "body", text: w.body }),
    ),
  );
}

/** Names for the header: the customer's, and whoever handles it (read once each). */
async function learnNames() {
  if (!names.customer) {
    const customer = await api("GET", "/api/v1/customers/" + doc.customer_id);
    if (customer.ok) names.customer = customer.data.name || "";
  }
  if (doc.agent_id && !names.agent.has(doc.agent_id)) {
    const agent = await api("GET", "/api/v1/agents/" + doc.agent_id);
    if (agent.ok) names.agent.set(doc.agent_id, agent.data.display_name || agent.data.username);
  }
  showFacts();
}

function showFacts() {
  document.getElementById("title").textContent = "#" + id;
  const facts = [channelName(doc.channel), stateName(doc.state)];
  if (names.customer) facts.push(names.customer);
  if (doc.agent_id) facts.push(format(_("handled by {name}"), { name: names.agent.get(doc.agent_id) || "#" + doc.agent_id }));
  document.getElementById("facts").textContent = facts.join(" · ");
  const handled = doc.state === "active" || doc.state === "wrap_up";
  document.getElementById("whisper-send").disabled = !handled;
  document.getElementById("take-over").disabled = doc.state !== "active" || doc.agent_id === config.me;
}

async function loadDoc() {
  const answer = await api("GET", "/api/v1/interactions/" + id);
  if (!answer.ok) return notify(format(_("Could not read the conversation: {error}"), { error: answer.message }), true);
  doc = answer.data;
  showFacts();
  await learnNames();
}

async function pullMessages() {
  const answer = await api("GET", "/api/v1/interactions/" + id + "/messages?limit=500" + (messageCursor ? "&after=" + messageCursor : ""));
  if (!answer.ok) return;
  for (const m of answer.data.messages) {
    messageCursor = Math.max(messageCursor, m.id);
    addMessage(m);
  }
  thread.lastElementChild?.scrollIntoView({ block: "end" });
}

async function pullWhispers() {
  const answer = await api("GET", "/api/v1/interactions/" + id + "/whispers" + (whisperCursor ? "?after=" + whisperCursor : ""));
  if (!answer.ok) return;
  for (const w of answer.data.whispers) {
    whisperCursor = Math.max(whisperCursor, w.id);
    addWhisper(w);
  }
}

document.getElementById("whisper-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = document.getElementById("whisper-body");
  const error = document.getElementById("whisper-error");
  if (!box.value.trim()) return;
  const answer = await api("POST", "/api/v1/interactions/" + id + "/whispers", { body: box.value }, { idempotencyKey: newKey() });
  error.hidden = answer.ok;
  if (!answer.ok) {
    error.textContent = format(_("The whisper was not sent: {error}"), { error: answer.message });
    return;
  }
  box.value = "";
  addWhisper(answer.data.whisper);
  whisperCursor = Math.max(whisperCursor, answer.data.whisper.id);
});

document.getElementById("take-over").addEventListener("click", async () => {
  if (!window.confirm(format(_("Take over conversation #{id}? It moves to your desk."), { id }))) return;
  const answer = await api("POST", "/api/v1/interactions/" + id + "/take-over", {});
  if (answer.ok) window.location.assign("/desk");
  else notify(format(_("Could not take over: {error}"), { error: answer.message }), true);
});

function onFrame(frame) {
  const event = frame.event;
  if (!event || event.interaction_id !== id) return;
  if (frame.type === "message.added") pullMessages();
  else if (frame.type === "interaction.whispered") pullWhispers();
  else if ("to_state" in event && doc) {
    doc = Object.assign({}, doc, { state: event.to_state, agent_id: event.agent_id });
    learnNames();
  }
}

async function reload() {
  await loadDoc();
  await pullMessages();
  await pullWhispers();
}

connectEvents({
  desk: false,
  onFrame,
  onOpen() {
    live.classList.add("on");
    reload();
  },
  onDown() {
    live.classList.remove("on");
  },
});
