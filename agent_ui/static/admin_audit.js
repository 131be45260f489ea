// The audit log: filters (actor, entity, id, action, days) and older entries page by page.
import { api } from "/static/desk_api.js";
import { t } from "/static/admin_strings.js";
import { $, el, clearErrors, showError } from "/static/admin_forms.js";

let query = "";
let cursor = null;

/** A day picked in the browser's own time zone, as the UTC instant it starts. */
function dayStart(value, plusDays = 0) {
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function filters(form) {
  const q = new URLSearchParams();
  for (const name of ["actor", "entity", "entity_id", "action"]) {
    const value = form.elements[name].value.trim();
    if (value) q.set(name, value);
  }
  if (form.elements.since.value) q.set("since", dayStart(form.elements.since.value));
  if (form.elements.until.value) q.set("until", dayStart(form.elements.until.value, 1));
  return q;
}

function entryRow(entry) {
  return el(
    "tr",
    { dataset: { auditId: String(entry.id) } },
    el("td", { class: "when", text: window.i18n.dateTime(entry.at) }),
    el("td", { text: entry.actor }),
    el("td", { text: entry.entity + " #" + entry.entity_id }),
    el("td", { text: entry.action }),
    el("td", { class: "changes" }, el("code", { text: JSON.stringify(entry.changes) })),
  );
}

async function load(more) {
  const form = $("audit-form");
  const q = new URLSearchParams(query);
  if (more && cursor) q.set("cursor", cursor);
  const answer = await api("GET", "/api/v1/audit" + (q.toString() ? "?" + q.toString() : ""));
  if (!answer.ok) return showError(form, answer);
  clearErrors(form);
  const body = $("audit").querySelector("tbody");
  if (!more) body.replaceChildren();
  for (const entry of answer.data.items) body.append(entryRow(entry));
  if (!more && answer.data.items.length === 0) {
    body.append(el("tr", {}, el("td", { colspan: "5", class: "muted", text: t("audit.none") })));
  }
  cursor = answer.data.next_cursor;
  $("audit-more").hidden = !cursor;
}

export function loadAudit() {
  return load(false);
}

export function wireAudit() {
  const form = $("audit-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    query = filters(form).toString();
    load(false);
  });
  $("audit-more").addEventListener("click", () => load(true));
}
