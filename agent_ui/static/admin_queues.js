// Queues: list, add, edit (channels, required skills, priority, service level, planning interval,
// time zone, team, picking, business hours per weekday, holidays, the wallboard's amber and red
// limits and the alert e-mail recipients). The router and every web
// process hear of a change by its event: nothing restarts.
import { api, newKey } from "/static/desk_api.js";
import { t } from "/static/admin_strings.js";
import { $, el, status, showError, openForm, setPairs, readPairs, wirePairs, numberOf, lines, editButton } from "/static/admin_forms.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const LIMITS = ["waiting_amber", "waiting_red", "longest_wait_amber_s", "longest_wait_red_s",
  "service_level_amber", "service_level_red"];
let editing = null;
let createKey = newKey();
export let queues = [];

export async function loadQueues() {
  const answer = await api("GET", "/api/v1/queues");
  if (!answer.ok) return status(t("status.failed", { error: answer.message }));
  queues = answer.data.items;
  const body = $("queues").querySelector("tbody");
  body.replaceChildren();
  for (const queue of queues) {
    const skills = Object.entries(queue.required_skills).map(([n, l]) => n + " ≥ " + l).join(", ");
    const percent = window.i18n.number(queue.sl_target, { style: "percent", maximumFractionDigits: 1 });
    const sl = t("queues.sl", { percent, seconds: window.i18n.number(queue.sl_threshold_s) });
    const row = el(
      "tr",
      { dataset: { queueId: String(queue.id), name: queue.name } },
      el("td", { text: queue.name }),
      el("td", { text: queue.channels.join(", ") }),
      el("td", { text: skills }),
      el("td", { class: "num", text: String(queue.priority) }),
      el("td", { text: sl }),
      el("td", { text: queue.team || "" }),
    );
    row.append(el("td", {}, editButton(() => edit(queue), queue.name)));
    body.append(row);
  }
  document.dispatchEvent(new CustomEvent("admin:queues", { detail: queues }));
}

function fill(queue) {
  const form = $("queue-form");
  const q = queue || { name: "", channels: ["chat"], required_skills: {}, priority: 0, sl_target: 0.8,
    sl_threshold_s: 20, interval_minutes: 30, timezone: "UTC", team: null, allow_picking: false,
    business_hours: {}, holidays: [], alert_thresholds: {}, alert_emails: [] };
  form.elements.name.value = q.name;
  for (const box of form.querySelectorAll('input[name="channel"]')) box.checked = q.channels.includes(box.value);
  setPairs(form.querySelector('[data-pairs="required_skills"]'), q.required_skills);
  form.elements.priority.value = String(q.priority);
  form.elements.sl_target.value = String(q.sl_target);
  form.elements.sl_threshold_s.value = String(q.sl_threshold_s);
  form.elements.interval_minutes.value = String(q.interval_minutes);
  form.elements.timezone.value = q.timezone;
  form.elements.team.value = q.team || "";
  form.elements.allow_picking.checked = q.allow_picking;
  for (const day of DAYS) {
    const spans = q.business_hours[day] || [];
    form.elements["hours." + day].value = spans.map(([start, end]) => start + "-" + end).join(", ");
  }
  form.elements.holidays.value = (q.holidays || []).join("\n");
  const limits = q.alert_thresholds || {};
  for (const name of LIMITS) form.elements[name].value = name in limits ? String(limits[name]) : "";
  form.elements.alert_emails.value = (q.alert_emails || []).join("\n");
}

/** The limits filled in; an empty box is a limit not used. */
function readLimits(form) {
  const limits = {};
  for (const name of LIMITS) {
    const value = numberOf(form.elements[name]);
    if (value !== null) limits[name] = value;
  }
  return limits;
}

function edit(queue) {
  editing = queue;
  fill(queue);
  openForm($("queue-form"), t("queues.edit", { name: queue.name }), false);
}

function add() {
  editing = null;
  createKey = newKey();
  fill(null);
  openForm($("queue-form"), t("queues.new"), true);
}

/** "09:00-12:00, 13:00-18:00" as spans; a piece that is not a span goes as given, to be refused. */
function spans(text) {
  return lines(text).map((piece) => {
    const [start, end] = piece.split(/\s*[-–]\s*/);
    return [start || "", end || ""];
  });
}

function read(form) {
  const hours = {};
  let any = false;
  for (const day of DAYS) {
    const value = spans(form.elements["hours." + day].value);
    hours[day] = value;
    any = any || value.length > 0;
  }
  const body = {
    channels: [...form.querySelectorAll('input[name="channel"]:checked')].map((box) => box.value),
    required_skills: readPairs(form.querySelector('[data-pairs="required_skills"]')),
    priority: numberOf(form.elements.priority),
    sl_target: numberOf(form.elements.sl_target),
    sl_threshold_s: numberOf(form.elements.sl_threshold_s),
    interval_minutes: Number(form.elements.interval_minutes.value),
    timezone: form.elements.timezone.value.trim(),
    team: form.elements.team.value.trim() || null,
    allow_picking: form.elements.allow_picking.checked,
    business_hours: any ? hours : {},
    holidays: lines(form.elements.holidays.value),
    alert_thresholds: readLimits(form),
    alert_emails: lines(form.elements.alert_emails.value),
  };
  if (!editing) body.name = form.elements.name.value.trim();
  return body;
}

async function save(event) {
  event.preventDefault();
  const form = $("queue-form");
  const body = read(form);
  const answer = editing
    ? await api("PATCH", "/api/v1/queues/" + editing.id, body)
    : await api("POST", "/api/v1/queues", body, { idempotencyKey: createKey });
  if (!answer.ok) return showError(form, answer);
  form.hidden = true;
  status(t("status.saved"));
  await loadQueues();
}

export function wireQueues() {
  const form = $("queue-form");
  wirePairs(form);
  form.addEventListener("submit", save);
  form.querySelector(".cancel").addEventListener("click", () => { form.hidden = true; });
  $("queue-add").addEventListener("click", add);
}
