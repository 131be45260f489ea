// The customer panel beside an interaction: profile with class badge, identities, satisfaction,
// history across channels (paged), internal notes, open follow-ups; edit the profile, add a note,
// create a follow-up, and (supervisors and admins) merge another customer into this one. Parts
// whose endpoint this server lacks say so instead of failing.
import { api } from "./desk_api.js";
import { el } from "./desk_dom.js";
import { customer as readCustomer } from "./desk_lookup.js";
import { t } from "./desk_strings.js";

const HISTORY_PAGE = 10;

function section(title, ...children) {
  return el("section", { class: "panel-section" }, el("h3", { text: title }), ...children);
}

function day(iso) {
  return iso ? window.i18n.dateTime(iso, { dateStyle: "short", timeStyle: "short" }) : "";
}

export function createCustomerPanel({ customerId, interactionId, features, config, onName }) {
  const node = el("aside", { class: "customer-panel", "aria-label": t("panel.profile") });
  const profile = el("div", { class: "profile" });
  const identities = el("ul", { class: "identities" });
  const satisfaction = el("div", { class: "satisfaction" });
  const history = el("ul", { class: "history" });
  const more = el("button", { type: "button", class: "more", text: t("common.more"), hidden: true });
  const notes = el("ul", { class: "notes" });
  const followUps = el("ul", { class: "follow-ups" });
  const status = el("p", { class: "muted", role: "status" });
  let oldest = null;
  let current = null; // the customer as last read

  const sections = [
    section(t("panel.profile"), profile, editForm()),
    section(t("panel.identities"), identities),
    section(t("panel.satisfaction"), satisfaction),
    section(t("panel.history"), history, more),
    section(t("panel.notes"), el("p", { class: "muted", text: t("panel.notes_hint") }), notes, noteForm()),
    section(t("panel.follow_ups"), followUps, followUpForm()),
  ];
  if (["supervisor", "admin"].includes(config.role)) sections.push(section(t("panel.merge"), mergeForm()));
  node.append(...sections, status);

  function say(text) {
    status.textContent = text;
  }

  async function loadProfile() {
    const c = await readCustomer(customerId, true);
    if (!c) return;
    onName(c);
    profile.replaceChildren(
      el("strong", { class: "customer-name", text: c.name || t("customer.unknown", { id: customerId }) }),
      " ",
      el("span", { class: "badge class-" + c.customer_class, text: t("class." + c.customer_class) }),
      el("div", { class: "muted", text: [c.company, c.region, (c.tags || []).join(", ")].filter(Boolean).join(" · ") }),
    );
    identities.replaceChildren(...(c.identities || []).map((i) => el("li", { text: i.kind + ": " + i.address })));
    const sat = c.satisfaction;
    satisfaction.replaceChildren();
    if (sat && sat.count) {
      satisfaction.append(el("p", { text: t("panel.satisfaction_avg", { average: Number(sat.average).toFixed(1), count: sat.count }) }));
      for (const r of sat.recent || []) satisfaction.append(el("p", { class: "muted", text: "★" + r.score + (r.comment ? " · " + r.comment : "") }));
    } else satisfaction.append(el("p", { class: "muted", text: t("common.none") }));
    current = c;
  }

  /** The edit form starts from the profile as last read, each time it is opened. */
  function fillForm(form) {
    if (!current) return;
    for (const name of ["name", "company", "region"]) form.elements[name].value = current[name] || "";
    form.elements.tags.value = (current.tags || []).join(", ");
  }

  async function loadHistory(reset) {
    if (reset) {
      oldest = null;
      history.replaceChildren();
    }
    const query = "?limit=" + HISTORY_PAGE + (oldest ? "&before=" + oldest : "");
    const answer = await api("GET", "/api/v1/customers/" + customerId + "/interactions" + query);
    if (!answer.ok) return;
    const items = answer.data.interactions || answer.data.items || [];
    for (const i of items) {
      if (history.querySelector('[data-id="' + i.id + '"]')) continue;
      const bits = [t("channel." + i.channel), t("state." + i.state), day(i.created_at)];
      if (i.wrap_up_code) bits.push(i.wrap_up_code);
      if (i.satisfaction_score) bits.push("★" + i.satisfaction_score);
      if (i.agent_name) bits.push(i.agent_name);
      history.append(
        el("li", { dataset: { id: String(i.id) }, class: i.id === interactionId ? "current" : "" }, el("span", { text: "#" + i.id + " " }), el("span", { text: i.subject || "" }), el("div", { class: "muted", text: bits.join(" · ") })),
      );
      oldest = oldest === null ? i.id : Math.min(oldest, i.id);
    }
    // The paged history says where the next page starts; an older server sends all at once.
    if ("next_before" in answer.data) oldest = answer.data.next_before;
    more.hidden = "next_before" in answer.data ? answer.data.next_before === null : items.length < HISTORY_PAGE;
  }

  async function loadNotes() {
    if (!features.notes) {
      notes.replaceChildren(el("li", { class: "muted", text: t("panel.unavailable") }));
      return;
    }
    const answer = await api("GET", "/api/v1/customers/" + customerId + "/notes");
    if (!answer.ok) return;
    notes.replaceChildren(...answer.data.notes.map((n) => el("li", {}, el("div", { class: "note-body", text: n.body }), el("div", { class: "muted", text: (n.author_name || "") + " · " + day(n.created_at) }))));
  }

  async function loadFollowUps() {
    if (!features.follow_ups) {
      followUps.replaceChildren(el("li", { class: "muted", text: t("panel.unavailable") }));
      return;
    }
    const answer = await api("GET", "/api/v1/customers/" + customerId + "/follow-ups?open=true");
    if (!answer.ok) return;
    followUps.replaceChildren(
      ...answer.data.follow_ups.map((f) => {
        const done = el("input", { type: "checkbox", "aria-label": f.title });
        done.addEventListener("change", async () => {
          const reply = await api("PATCH", "/api/v1/follow-ups/" + f.id, { done: true });
          if (reply.ok) loadFollowUps();
          else say(reply.message);
        });
        return el("li", {}, done, " ", el("span", { text: f.title }), el("span", { class: "muted", text: " · " + day(f.due_at) }));
      }),
    );
  }

  function editForm() {
    const form = el(
      "form",
      { class: "edit-profile stacked" },
      el("details", {}, el("summary", { text: t("panel.edit") }),
        ...["name", "company", "region", "tags"].map((name) => el("label", {}, el("span", { text: t("panel." + name) }), el("input", { name, maxlength: 200 }))),
        el("button", { type: "submit", text: t("common.save") })),
    );
    const details = form.querySelector("details");
    // On the click that opens it (the toggle event comes later, after the agent may have typed).
    details.querySelector("summary").addEventListener("click", () => {
      if (!details.open) fillForm(form);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      // Only what the agent changed is sent: a field left as read is never written back.
      const was = current || {};
      const body = {};
      for (const name of ["name", "company", "region"]) {
        const value = form.elements[name].value.trim();
        if (value !== (was[name] || "") && (value || current)) body[name] = value;
      }
      const tags = form.elements.tags.value.split(",").map((s) => s.trim()).filter(Boolean);
      if (tags.join(",") !== (was.tags || []).join(",") && (tags.length || current)) body.tags = tags;
      if (!Object.keys(body).length) return say(t("panel.saved"));
      const answer = await api("PATCH", "/api/v1/customers/" + customerId, body);
      say(answer.ok ? t("panel.saved") : answer.message);
      if (answer.ok) loadProfile();
    });
    return form;
  }

  function noteForm() {
    const body = el("textarea", { name: "body", rows: 2, maxlength: 5000, "aria-label": t("panel.note_body"), placeholder: t("panel.note_body") });
    const form = el("form", { class: "add-note stacked" }, body, el("button", { type: "submit", text: t("common.add") }));
    form.hidden = !features.notes;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!body.value.trim()) return;
      const answer = await api("POST", "/api/v1/customers/" + customerId + "/notes", { body: body.value, interaction_id: interactionId });
      if (answer.ok) {
        body.value = "";
        loadNotes();
      } else say(answer.message);
    });
    return form;
  }

  function followUpForm() {
    const title = el("input", { name: "title", maxlength: 200, placeholder: t("panel.follow_up_title"), "aria-label": t("panel.follow_up_title") });
    const due = el("input", { name: "due", type: "datetime-local", "aria-label": t("panel.follow_up_due") });
    const owner = el("select", { name: "owner", "aria-label": t("panel.follow_up_owner") }, el("option", { value: String(config.agent_id), text: config.username }));
    const form = el("form", { class: "add-follow-up stacked" }, title, el("label", {}, el("span", { text: t("panel.follow_up_due") }), due), el("label", {}, el("span", { text: t("panel.follow_up_owner") }), owner), el("button", { type: "submit", text: t("common.add") }));
    form.hidden = !features.follow_ups;
    api("GET", "/api/v1/agents").then((answer) => {
      if (!answer.ok) return;
      for (const a of answer.data.items) if (a.id !== config.agent_id) owner.append(el("option", { value: String(a.id), text: a.display_name || a.username }));
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!title.value.trim() || !due.value) return;
      const body = { title: title.value, due_at: new Date(due.value).toISOString(), owner_agent_id: Number(owner.value), interaction_id: interactionId };
      const answer = await api("POST", "/api/v1/customers/" + customerId + "/follow-ups", body);
      if (answer.ok) {
        title.value = "";
        loadFollowUps();
      } else say(answer.message);
    });
    return form;
  }

  function mergeForm() {
    const other = el("input", { type: "number", min: 1, "aria-label": t("panel.merge_id"), placeholder: t("panel.merge_id") });
    const form = el("form", { class: "merge stacked" }, other, el("button", { type: "submit", text: t("panel.merge") }));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = await api("POST", "/api/v1/customers/" + customerId + "/merge", { merge_id: Number(other.value) });
      say(answer.ok ? t("panel.merged") : answer.message);
      if (answer.ok) refresh();
    });
    return form;
  }

  function refresh() {
    loadProfile();
    loadHistory(true);
    loadNotes();
    loadFollowUps();
  }

  more.addEventListener("click", () => loadHistory(false));
  refresh();
  return { node, refresh };
}
