// Offers: a card per open offer with channel, queue, customer and class badge, the wait so far
// and a countdown to expiry; accept and reject by button or key (A / R: the oldest offer). A
// card leaves when the offer is answered, withdrawn (the interaction moved on) or expired; what
// a missed offer does to the agent is the router's decision, not the page's.
import { api } from "./desk_api.js";
import { el, duration, secondsSince, secondsUntil } from "./desk_dom.js";
import { customer, queue } from "./desk_lookup.js";
import { t } from "./desk_strings.js";

export function createOffers({ alerts, onAccepted, showError }) {
  const region = document.getElementById("offers");
  const open = new Map(); // interaction id -> {card, offer, queuedAt, answering}

  function remove(interactionId) {
    const entry = open.get(interactionId);
    if (!entry) return;
    entry.card.remove();
    open.delete(interactionId);
    alerts.seen("offer:" + interactionId);
  }

  function tick() {
    for (const [id, entry] of open) {
      const left = secondsUntil(entry.offer.expires_at);
      if (entry.offer.expires_at && left <= -1) {
        remove(id);
        continue;
      }
      entry.expires.textContent = entry.offer.expires_at ? t("offer.expires", { time: duration(left) }) : "";
      entry.card.classList.toggle("urgent", entry.offer.expires_at && left < 10);
      entry.waiting.textContent = t("offer.waiting", { time: duration(secondsSince(entry.queuedAt)) });
    }
  }

  async function answer(interactionId, verb) {
    const entry = open.get(interactionId);
    if (!entry || entry.answering) return;
    entry.answering = true;
    const reply = await api("POST", "/api/v1/interactions/" + interactionId + "/" + verb);
    entry.answering = false;
    if (reply.ok) {
      remove(interactionId);
      if (verb === "accept") onAccepted(reply.data);
    } else {
      showError(t("offer.failed", { error: reply.message }));
      if (reply.status === 409 || reply.status === 404) remove(interactionId);
    }
  }

  async function fill(entry, offer) {
    const [q, c, doc] = await Promise.all([
      queue(offer.queue_id),
      customer(offer.customer_id),
      api("GET", "/api/v1/interactions/" + offer.interaction_id),
    ]);
    entry.queueName.textContent = q ? q.name : "–";
    entry.customerName.textContent = c && c.name ? c.name : t("customer.unknown", { id: offer.customer_id });
    const cls = c ? c.customer_class : null;
    entry.badge.hidden = !cls;
    if (cls) {
      entry.badge.textContent = t("class." + cls);
      entry.badge.className = "badge class-" + cls;
    }
    if (doc.ok) {
      entry.queuedAt = doc.data.queued_at || doc.data.created_at;
      entry.subject.textContent = doc.data.subject || "";
    }
    if (open.get(offer.interaction_id) !== entry) return; // answered or gone while we read
    alerts.raise(
      "offer:" + offer.interaction_id,
      t("alerts.new_offer", { channel: t("channel." + offer.channel), customer: entry.customerName.textContent }),
    );
    tick();
  }

  function show(offer) {
    if (open.has(offer.interaction_id)) {
      open.get(offer.interaction_id).offer = offer;
      return;
    }
    const entry = { offer, queuedAt: offer.at, answering: false };
    entry.customerName = el("strong", { class: "customer-name", text: t("customer.unknown", { id: offer.customer_id }) });
    entry.badge = el("span", { class: "badge", hidden: true });
    entry.queueName = el("span", { class: "queue-name", text: "…" });
    entry.subject = el("span", { class: "subject muted" });
    entry.waiting = el("span", { class: "waiting" });
    entry.expires = el("span", { class: "expires" });
    entry.card = el(
      "article",
      { class: "offer-card", dataset: { interaction: String(offer.interaction_id) }, "aria-label": t("offer.title") },
      el("span", { class: "channel channel-" + offer.channel, text: t("channel." + offer.channel) }),
      el("div", { class: "who" }, entry.customerName, " ", entry.badge),
      el("div", { class: "meta" }, el("span", { text: t("offer.queue") + ": " }), entry.queueName, " ", entry.subject),
      el("div", { class: "timers" }, entry.waiting, " · ", entry.expires),
      el(
        "div",
        { class: "buttons" },
        el("button", { type: "button", class: "accept", text: t("offer.accept"), onclick: () => answer(offer.interaction_id, "accept") }),
        el("button", { type: "button", class: "reject", text: t("offer.reject"), onclick: () => answer(offer.interaction_id, "reject") }),
      ),
    );
    open.set(offer.interaction_id, entry);
    region.append(entry.card);
    tick();
    fill(entry, offer);
  }

  setInterval(tick, 1000);
  return {
    show,
    remove,
    /** Every offer on screen but the ones still open after a reload. */
    keepOnly(ids) {
      for (const id of [...open.keys()]) if (!ids.has(id)) remove(id);
    },
    has: (id) => open.has(id),
    oldest() {
      return open.size ? open.keys().next().value : null;
    },
    acceptOldest() {
      const id = this.oldest();
      if (id !== null) answer(id, "accept");
    },
    rejectOldest() {
      const id = this.oldest();
      if (id !== null) answer(id, "reject");
    },
    seenAll() {
      alerts.seenWhere((key) => key.startsWith("offer:"));
    },
  };
}
