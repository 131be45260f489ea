// Users: list, add, edit (role, team, language and time zone, skills and levels, capacity per
// channel), disable or enable, and reset a password (the server makes a temporary one, shown here
// once). An empty language or time zone is sent as null: the user's browser decides.
import { api, newKey } from "/static/desk_api.js";
import { t } from "/static/admin_strings.js";
import { $, el, status, showError, openForm, setPairs, readPairs, wirePairs, numberOf, editButton } from "/static/admin_forms.js";

const CHANNELS = ["voice", "sms", "email", "chat"];
let editing = null; // the agent document being edited, or null for a new user
let createKey = newKey();

/** A role as the form's role list names it, in the page's language (the template translates it). */
function roleLabel(role) {
  const option = $("user-form").querySelector(`select[name=role] option[value="${CSS.escape(role)}"]`);
  return option ? option.textContent : role;
}

/** A user's language as the form's language list names it (null: the browser's). */
function languageLabel(language) {
  const option = $("user-form").querySelector(`select[name=language] option[value="${CSS.escape(language || "")}"]`);
  return option ? option.textContent : language;
}

function skillsText(skills) {
  return Object.entries(skills || {}).map(([name, level]) => name + " " + level).join(", ");
}

export async function loadUsers() {
  const answer = await api("GET", "/api/v1/agents");
  if (!answer.ok) return status(t("status.failed", { error: answer.message }));
  const body = $("users").querySelector("tbody");
  body.replaceChildren();
  for (const agent of answer.data.items) {
    const row = el(
      "tr",
      { dataset: { agentId: String(agent.id), username: agent.username } },
      el("td", { text: agent.username }),
      el("td", { text: agent.display_name }),
      el("td", { text: roleLabel(agent.role) }),
      el("td", { text: agent.team || "" }),
      el("td", { text: skillsText(agent.skills) }),
      el("td", { class: agent.is_active ? "active" : "disabled", text: agent.is_active ? t("users.active") : t("users.disabled") }),
      el("td", { class: "language", text: languageLabel(agent.language) }),
    );
    row.append(el("td", {}, editButton(() => edit(agent), agent.username)));
    body.append(row);
  }
}

function fill(agent) {
  const form = $("user-form");
  form.elements.username.value = agent ? agent.username : "";
  form.elements.display_name.value = agent ? agent.display_name : "";
  form.elements.role.value = agent ? agent.role : "agent";
  form.elements.team.value = agent && agent.team ? agent.team : "";
  form.elements.language.value = agent && agent.language ? agent.language : "";
  form.elements.timezone.value = agent && agent.timezone ? agent.timezone : "";
  form.elements.password.value = "";
  setPairs(form.querySelector('[data-pairs="skills"]'), agent ? agent.skills : {});
  for (const channel of CHANNELS) {
    const capacity = agent ? agent.capacity : { voice: 1, sms: 3, email: 5, chat: 3 };
    form.elements["capacity." + channel].value = String(capacity[channel] ?? 0);
  }
  $("user-temp-password").hidden = true;
  $("user-temp-password").textContent = "";
  $("user-toggle-active").textContent = agent && agent.is_active ? t("users.disable") : t("users.enable");
}

function edit(agent) {
  editing = agent;
  fill(agent);
  openForm($("user-form"), t("users.edit", { name: agent.username }), false);
}

function add() {
  editing = null;
  createKey = newKey();
  fill(null);
  openForm($("user-form"), t("users.new"), true);
}

function read(form) {
  const capacity = {};
  for (const channel of CHANNELS) {
    const value = numberOf(form.elements["capacity." + channel]);
    if (value !== null) capacity[channel] = value;
  }
  const body = {
    display_name: form.elements.display_name.value.trim(),
    role: form.elements.role.value,
    team: form.elements.team.value.trim() || null,
    language: form.elements.language.value || null,
    timezone: form.elements.timezone.value.trim() || null,
    skills: readPairs(form.querySelector('[data-pairs="skills"]')),
    capacity,
  };
  if (!editing) {
    body.username = form.elements.username.value.trim();
    if (form.elements.password.value) body.password = form.elements.password.value;
  }
  return body;
}

async function save(event) {
  event.preventDefault();
  const form = $("user-form");
  const body = read(form);
  const answer = editing
    ? await api("PATCH", "/api/v1/agents/" + editing.id, body)
    : await api("POST", "/api/v1/agents", body, { idempotencyKey: createKey });
  if (!answer.ok) return showError(form, answer);
  form.hidden = true;
  status(t("status.saved"));
  await loadUsers();
}

async function toggleActive() {
  if (!editing) return;
  const form = $("user-form");
  const active = !editing.is_active;
  const answer = await api("PATCH", "/api/v1/agents/" + editing.id, { is_active: active });
  if (!answer.ok) return showError(form, answer);
  editing = answer.data;
  $("user-toggle-active").textContent = editing.is_active ? t("users.disable") : t("users.enable");
  status(t(active ? "users.enabled_done" : "users.disabled_done", { name: editing.username }));
  await loadUsers();
}

async function resetPassword() {
  if (!editing || !window.confirm(t("users.reset_confirm", { name: editing.username }))) return;
  const answer = await api("POST", "/api/v1/agents/" + editing.id + "/reset-password", {});
  if (!answer.ok) return showError($("user-form"), answer);
  const note = $("user-temp-password");
  note.textContent = t("users.temp_password", { name: editing.username, password: answer.data.password });
  note.hidden = false;
}

export function wireUsers() {
  const form = $("user-form");
  wirePairs(form);
  form.addEventListener("submit", save);
  form.querySelector(".cancel").addEventListener("click", () => { form.hidden = true; });
  $("user-add").addEventListener("click", add);
  $("user-toggle-active").addEventListener("click", toggleActive);
  $("user-reset-password").addEventListener("click", resetPassword);
}
