// One interaction the agent handles: its tab and its panel (header, thread, composer, actions,
// customer panel). A new customer message while the agent is elsewhere counts as unread on the
// tab and raises an alert until the agent looks at this tab with the page visible.
import { createActions } from "./desk_actions.js";
import { createComposer } from "./desk_composer.js";
import { createCustomerPanel } from "./desk_customer.js";
import { el } from "./desk_dom.js";
import { t } from "./desk_strings.js";
import { createThread } from "./desk_thread.js";

export function createConversation({ doc, config, alerts, showError, isFront, onLeft, onSelect }) {
  const id = doc.id;
  const features = config.features;
  let unread = 0;
  const badge = el("span", { class: "unread", hidden: true });
  const tabLabel = el("span", { class: "tab-label", text: t("customer.unknown", { id: doc.customer_id }) });
  const tab = el("button", { type: "button", role: "tab", class: "tab", dataset: { interaction: String(id) }, onclick: () => onSelect(id) }, el("span", { class: "channel channel-" + doc.channel, text: t("channel." + doc.channel) }), " ", tabLabel, " ", badge);
  const name = el("strong", { class: "customer-name" });
  const cls = el("span", { class: "badge", hidden: true });
  const state = el("span", { class: "state" });
  const subject = el("span", { class: "subject muted", text: doc.subject || "" });
  const flagged = el("span", { class: "flagged", role: "status", hidden: true });

  const thread = createThread({
    interactionId: id,
    agentId: config.agent_id,
    features,
    isFront: () => isFront(id),
    onCustomerMessage(message) {
      if (isFront(id)) return; // read at once (the thread says so when its pull ends)
      unread += 1;
      showUnread();
      alerts.raise("msg:" + id + ":" + message.id, t("alerts.new_message", { customer: name.textContent }));
    },
  });
  const composer = createComposer({ interactionId: id, channel: doc.channel, features, sending: config.sending, thread });
  const actions = createActions({ interactionId: id, features, config, showError, onLeft: () => onLeft(id) });
  const customer = createCustomerPanel({
    customerId: doc.customer_id,
    interactionId: id,
    features,
    config,
    onName(c) {
      const label = c.name || t("customer.unknown", { id: doc.customer_id });
      name.textContent = label;
      tabLabel.textContent = label;
      cls.hidden = !c.customer_class;
      cls.textContent = t("class." + c.customer_class);
      cls.className = "badge class-" + c.customer_class;
    },
  });
  const panel = el(
    "section",
    { class: "conversation", role: "tabpanel", hidden: true, dataset: { interaction: String(id) } },
    el("header", { class: "conversation-head" }, el("span", { class: "channel channel-" + doc.channel, text: t("channel." + doc.channel) }), " ", name, " ", cls, " ", state, " ", subject, flagged, actions.node),
    el("div", { class: "conversation-body" }, el("div", { class: "talk" }, thread.node, composer.node), customer.node),
  );

  function showUnread() {
    badge.hidden = unread === 0;
    badge.textContent = String(unread);
  }

  function showFlag(reason) {
    flagged.hidden = reason === null;
    flagged.textContent = reason === null ? "" : t("chat.flagged", { reason });
  }

  /** `next`: the server's document (which says whether it is flagged), or a move (which ends a flag). */
  function update(next) {
    const moved = next.state !== undefined && next.state !== doc.state;
    doc = Object.assign({}, doc, next);
    if ("flagged_at" in next) showFlag(next.flagged_at ? next.flag_reason || "" : null);
    else if (moved) showFlag(null);
    state.textContent = t("state." + doc.state);
    state.className = "state state-" + doc.state;
    panel.dataset.state = doc.state;
    actions.update(doc);
  }

  update(doc);
  thread.pull().then(() => thread.pullWhispers());
  return {
    id,
    tab,
    panel,
    update,
    pull: () => thread.pull(),
    pullWhispers: () => thread.pullWhispers(),
    onSignal: (signal) => thread.onSignal(signal),
    /** A supervisor was alerted about this conversation (its state unchanged): say so and why. */
    flag(reason) {
      showFlag(reason);
    },
    /** The agent looks at it (front tab, page visible): unread cleared, read sent. */
    seen() {
      unread = 0;
      showUnread();
      alerts.seenWhere((key) => key.startsWith("msg:" + id + ":"));
      thread.seen();
    },
    show(front) {
      panel.hidden = !front;
      tab.setAttribute("aria-selected", front ? "true" : "false");
      tab.classList.toggle("front", front);
      if (front) composer.focus();
    },
    destroy() {
      alerts.seenWhere((key) => key.startsWith("msg:" + id + ":"));
      tab.remove();
      panel.remove();
    },
  };
}
