// Wrap-up codes per queue (chosen from the global list, which an admin may add to) and the shared
// canned responses every agent's desk offers.
import { api, newKey } from "/static/desk_api.js";
import { t } from "/static/admin_strings.js";
import { $, el, status, clearErrors, showError, openForm, editButton } from "/static/admin_forms.js";

let codeKey = newKey();
let cannedKey = newKey();
let editingCanned = null;

async function loadChoices() {
  const select = $("codes-queue");
  const queueId = select.value;
  const choices = $("codes-choices");
  if (!queueId) return choices.replaceChildren();
  const [all, chosen] = await Promise.all([
    api("GET", "/api/v1/wrap-up-codes"),
    api("GET", "/api/v1/queues/" + queueId + "/wrap-up-codes"),
  ]);
  if (!all.ok || !chosen.ok) return status(t("status.failed", { error: (all.ok ? chosen : all).message }));
  const ticked = new Set(chosen.data.wrap_up_codes.map((c) => c.code));
  choices.replaceChildren();
  if (all.data.wrap_up_codes.length === 0) choices.append(el("p", { class: "muted", text: t("codes.none") }));
  for (const code of all.data.wrap_up_codes) {
    const box = el("input", { type: "checkbox", name: "codes", value: code.code });
    box.checked = ticked.has(code.code);
    choices.append(el("label", { class: "choice" }, box, " " + code.code + (code.label ? " · " + code.label : "")));
  }
}

function fillQueues(queues) {
  const select = $("codes-queue");
  const before = select.value;
  select.replaceChildren(...queues.map((q) => el("option", { value: String(q.id), text: q.name })));
  if (queues.some((q) => String(q.id) === before)) select.value = before;
  loadChoices();
}

async function saveCodes(event) {
  event.preventDefault();
  const form = $("codes-form");
  const codes = [...form.querySelectorAll('input[name="codes"]:checked')].map((box) => box.value);
  const answer = await api("PUT", "/api/v1/queues/" + $("codes-queue").value + "/wrap-up-codes", { codes });
  if (!answer.ok) return showError(form, answer);
  clearErrors(form);
  status(t("codes.saved", { queue: $("codes-queue").selectedOptions[0].textContent }));
}

async function addCode(event) {
  event.preventDefault();
  const form = $("code-new-form");
  const body = { code: form.elements.code.value.trim(), label: form.elements.label.value.trim() };
  const answer = await api("POST", "/api/v1/wrap-up-codes", body, { idempotencyKey: codeKey });
  if (!answer.ok) return showError(form, answer);
  codeKey = newKey();
  clearErrors(form);
  form.reset();
  status(t("codes.added", { code: answer.data.code }));
  await loadChoices();
}

export async function loadCanned() {
  const answer = await api("GET", "/api/v1/canned-responses?limit=200");
  if (!answer.ok) return status(t("status.failed", { error: answer.message }));
  const body = $("canned").querySelector("tbody");
  body.replaceChildren();
  for (const canned of answer.data.canned_responses.filter((c) => c.shared)) {
    const row = el(
      "tr",
      { dataset: { cannedId: String(canned.id) } },
      el("td", { text: canned.title }),
      el("td", { text: canned.shortcut }),
      el("td", { class: "long", text: canned.body }),
    );
    row.append(el("td", {}, editButton(() => editCanned(canned), canned.title)));
    body.append(row);
  }
}

function fillCanned(canned) {
  const form = $("canned-form");
  form.elements.title.value = canned ? canned.title : "";
  form.elements.shortcut.value = canned ? canned.shortcut : "";
  form.elements.body.value = canned ? canned.body : "";
}

function editCanned(canned) {
  editingCanned = canned;
  fillCanned(canned);
  openForm($("canned-form"), t("canned.edit", { title: canned.title }), false);
}

function addCanned() {
  editingCanned = null;
  cannedKey = newKey();
  fillCanned(null);
  openForm($("canned-form"), t("canned.new"), true);
}

async function saveCanned(event) {
  event.preventDefault();
  const form = $("canned-form");
  const body = {
    title: form.elements.title.value.trim(),
    shortcut: form.elements.shortcut.value.trim(),
    body: form.elements.body.value,
  };
  const answer = editingCanned
    ? await api("PATCH", "/api/v1/canned-responses/" + editingCanned.id, body)
    : await api("POST", "/api/v1/canned-responses", { ...body, shared: true }, { idempotencyKey: cannedKey });
  if (!answer.ok) return showError(form, answer);
  form.hidden = true;
  status(t("status.saved"));
  await loadCanned();
}

async function deleteCanned() {
  if (!editingCanned || !window.confirm(t("canned.delete_confirm", { title: editingCanned.title }))) return;
  const answer = await api("DELETE", "/api/v1/canned-responses/" + editingCanned.id);
  if (!answer.ok) return showError($("canned-form"), answer);
  $("canned-form").hidden = true;
  status(t("status.deleted"));
  await loadCanned();
}

export function wireCodes() {
  document.addEventListener("admin:queues", (event) => fillQueues(event.detail));
  $("codes-queue").addEventListener("change", loadChoices);
  $("codes-form").addEventListener("submit", saveCodes);
  $("code-new-form").addEventListener("submit", addCode);
  const form = $("canned-form");
  form.addEventListener("submit", saveCanned);
  form.querySelector(".cancel").addEventListener("click", () => { form.hidden = true; });
  $("canned-add").addEventListener("click", addCanned);
  $("canned-delete").addEventListener("click", deleteCanned);
}
