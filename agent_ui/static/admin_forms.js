// What every admin form shares: building rows as text (never markup), the skill-and-level rows,
// and putting the server's refusal next to the field it names. The forms check nothing
// themselves: the API validates, and a refused change changes nothing.
import { t } from "/static/admin_strings.js";

export const $ = (id) => document.getElementById(id);

/** An element with text content and attributes; children appended as given. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") node.textContent = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

export function status(message) {
  $("admin-status").textContent = message;
}

export function clearErrors(form) {
  for (const node of form.querySelectorAll(".field-error, .form-error")) node.textContent = "";
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

/** The API's refusal, next to the field it names (or at the top of the form). */
export function showError(form, answer) {
  clearErrors(form);
  const field = answer.data && answer.data.error ? answer.data.error.field : null;
  const spot = field ? form.querySelector(`.field-error[data-error-for="${CSS.escape(field)}"]`) : null;
  if (spot) {
    spot.textContent = answer.message;
    const input = form.querySelector(`[name="${CSS.escape(field)}"]`) || spot.previousElementSibling;
    if (input) input.setAttribute("aria-invalid", "true");
  }
  form.querySelector(".form-error").textContent = t("form.fix", { error: answer.message });
}

/** Show a form as new (fields for creating only) or as an edit of an existing record. */
export function openForm(form, title, isNew) {
  clearErrors(form);
  form.hidden = false;
  form.classList.toggle("is-new", isNew);
  form.querySelector(".form-title").textContent = title;
  form.scrollIntoView({ block: "start" });
  const first = form.querySelector(isNew ? "input:not([type=checkbox])" : ".edit-first, input:not(.new-only input)");
  if (first) first.focus();
}

/** Skill-and-level rows: `pairs` is the fieldset, `values` an object {skill: level}. */
export function setPairs(fieldset, values) {
  const rows = fieldset.querySelector(".rows");
  rows.replaceChildren();
  for (const [name, level] of Object.entries(values || {})) addPair(fieldset, name, level);
}

export function addPair(fieldset, name = "", level = 1) {
  const row = el(
    "div",
    { class: "pair" },
    el("input", { class: "pair-name", "aria-label": t("skill.name"), maxlength: "100", value: name }),
    el("input", { class: "pair-level", type: "number", min: "1", max: "10", "aria-label": t("skill.level"), value: String(level) }),
  );
  const remove = el("button", { type: "button", class: "remove", text: t("skill.remove") });
  remove.addEventListener("click", () => row.remove());
  row.append(remove);
  fieldset.querySelector(".rows").append(row);
  return row;
}

/** The rows as sent: a level that is not a number goes as given, for the API to refuse. */
export function readPairs(fieldset) {
  const values = {};
  for (const row of fieldset.querySelectorAll(".pair")) {
    const name = row.querySelector(".pair-name").value.trim();
    const raw = row.querySelector(".pair-level").value;
    if (name) values[name] = raw === "" ? null : Number(raw);
  }
  return values;
}

export function wirePairs(form) {
  for (const fieldset of form.querySelectorAll("fieldset.pairs")) {
    fieldset.querySelector(".add-row").addEventListener("click", () => {
      addPair(fieldset).querySelector(".pair-name").focus();
    });
  }
}

/** A number input's value as a number, or the raw text when it is not one (the API says why). */
export function numberOf(input) {
  const raw = input.value.trim();
  if (raw === "") return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : raw;
}

export function lines(text) {
  return text.split(/[\n,]/).map((line) => line.trim()).filter(Boolean);
}

export function editButton(onClick, label) {
  const button = el("button", { type: "button", class: "edit", text: t("row.edit") });
  if (label) button.setAttribute("aria-label", t("row.edit") + " " + label);
  button.addEventListener("click", onClick);
  return button;
}
