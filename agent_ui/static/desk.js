// The agent's desk: wires presence, offers, conversations and alerts to the one events socket,
// and reloads everything from the REST API after each (re)connect. Keyboard: A / R answer the
// oldest offer (Alt+A / Alt+R also while typing), Alt+1..9 bring a conversation to the front
// (see the page's shortcut list).
import { api } from "./desk_api.js";
import { createAlerts } from "./desk_alerts.js";
import { createConversation } from "./desk_conversation.js";
import { el } from "./desk_dom.js";
import { createOffers } from "./desk_offers.js";
import { createPresence } from "./desk_presence.js";
import { connectEvents } from "./desk_socket.js";
import { t, translatePage } from "./desk_strings.js";

const HANDLING = new Set(["active", "wrap_up", "pending"]);
const config = JSON.parse(document.getElementById("desk-config").textContent);
const me = config.agent_id;
const conversations = new Map();
let front = null;

translatePage(document);
const errors = el("p", { id: "desk-error", class: "error", role: "alert" });
document.querySelector(".desk-bar").after(errors);
let errorTimer = null;
function showError(text) {
  errors.textContent = text;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => (errors.textContent = ""), 8000);
}

const alerts = createAlerts(me, config.alert_repeat_s);
const presence = createPresence(me, showError);
const offers = createOffers({ alerts, showError, onAccepted: (doc) => open(doc, true) });

function visible() {
  return !document.hidden;
}

function select(id) {
  front = id;
  for (const c of conversations.values()) c.show(c.id === id);
  const chosen = conversations.get(id);
  if (chosen && visible()) chosen.seen();
}

function open(doc, bringToFront) {
  let conversation = conversations.get(doc.id);
  if (!conversation) {
    conversation = createConversation({
      doc,
      config,
      alerts,
      showError,
      isFront: (id) => id === front && visible(),
      onLeft: leave,
      onSelect: select,
    });
    conversations.set(doc.id, conversation);
    document.getElementById("tabs").append(conversation.tab);
    document.getElementById("panels").append(conversation.panel);
  } else conversation.update(doc);
  document.getElementById("no-work").hidden = true;
  if (bringToFront || front === null || !conversations.has(front)) select(doc.id);
}

function leave(id) {
  const conversation = conversations.get(id);
  if (!conversation) return;
  conversation.destroy();
  conversations.delete(id);
  if (front === id) {
    front = null;
    const next = conversations.keys().next();
    if (!next.done) select(next.value);
  }
  document.getElementById("no-work").hidden = conversations.size > 0;
}

async function openById(id) {
  const answer = await api("GET", "/api/v1/interactions/" + id);
  if (answer.ok && answer.data.agent_id === me && HANDLING.has(answer.data.state)) open(answer.data, false);
}

/** After a (re)connect: presence, open offers and the work in hand, as the server has them. */
async function reload() {
  await presence.load();
  const answer = await api("GET", "/api/v1/interactions?limit=100&agent_id=" + me);
  if (!answer.ok) return;
  const mine = answer.data.items.filter((i) => i.agent_id === me);
  const offered = new Set();
  for (const i of mine.filter((i) => i.state === "offered")) {
    const routing = await api("GET", "/api/v1/interactions/" + i.id + "/routing");
    const offer = routing.ok ? routing.data.offers.find((o) => o.state === "open" && o.agent_id === me) : null;
    if (!offer) continue;
    offered.add(i.id);
    offers.show({ interaction_id: i.id, offer_id: offer.id, channel: i.channel, queue_id: i.queue_id, customer_id: i.customer_id, agent_id: me, expires_at: offer.expires_at, at: offer.offered_at });
  }
  offers.keepOnly(offered);
  const handling = new Set(mine.filter((i) => HANDLING.has(i.state)).map((i) => i.id));
  for (const id of [...conversations.keys()]) if (!handling.has(id)) leave(id);
  for (const i of mine.filter((i) => HANDLING.has(i.state))) {
    open(i, false);
    conversations.get(i.id).pull().then(() => conversations.get(i.id)?.pullWhispers());
  }
}

function onInteraction(event) {
  const id = event.interaction_id;
  if (event.to_state === "offered") {
    if (event.agent_id === me) offers.show(event);
    return;
  }
  offers.remove(id);
  if (event.agent_id === me && HANDLING.has(event.to_state)) {
    if (conversations.has(id)) conversations.get(id).update({ state: event.to_state, state_changed_at: event.at });
    else openById(id);
  } else leave(id);
}

function onFrame(frame) {
  const event = frame.event;
  if (frame.type === "interaction.flagged") conversations.get(event.interaction_id)?.flag(event.reason);
  else if (frame.type === "interaction.whispered") conversations.get(event.interaction_id)?.pullWhispers();
  else if (frame.type.startsWith("interaction.") && "to_state" in event) onInteraction(event);
  else if (frame.type === "offer.declined") offers.remove(event.interaction_id);
  else if (frame.type === "message.added") conversations.get(event.interaction_id)?.pull();
  else if (frame.type === "agent.presence_changed") presence.onEvent(event);
  else if (frame.type.startsWith("signal.")) conversations.get(frame.signal.interaction_id)?.onSignal(frame.signal);
}

const connection = document.getElementById("connection");
connectEvents({
  onFrame,
  onOpen() {
    connection.textContent = t("connection.live");
    connection.className = "connection on";
    reload();
  },
  onDown() {
    connection.textContent = t("connection.lost");
    connection.className = "connection off";
  },
});

function lookedAt() {
  if (!visible()) return;
  offers.seenAll();
  if (front !== null) conversations.get(front)?.seen();
}
document.addEventListener("visibilitychange", lookedAt);
window.addEventListener("focus", lookedAt);

document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target.closest && target.closest("input, textarea, select, [contenteditable]");
  if (event.altKey && !event.ctrlKey && !event.metaKey && (event.code === "KeyA" || event.code === "KeyR")) {
    event.preventDefault(); // Alt+A / Alt+R: the same, from anywhere, the reply box included
    if (event.code === "KeyA") offers.acceptOldest();
    else offers.rejectOldest();
    return;
  }
  if (event.altKey && /^Digit[1-9]$/.test(event.code)) {
    const ids = [...conversations.keys()];
    const id = ids[Number(event.code.slice(5)) - 1];
    if (id !== undefined) {
      event.preventDefault();
      select(id);
    }
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "a" || event.key === "A") {
    event.preventDefault();
    offers.acceptOldest();
  } else if (event.key === "r" || event.key === "R") {
    event.preventDefault();
    offers.rejectOldest();
  }
});
