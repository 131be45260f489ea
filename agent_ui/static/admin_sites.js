// Chat sites: the pages that may embed the widget (allowed origins), what its pre-chat form asks,
// its languages, topics (topic = queue) and colour. Stored records: the settings file only seeds
// them, and the widget reads the stored ones within a few seconds of a change.
import { api, newKey } from "/static/desk_api.js";
import { t } from "/static/admin_strings.js";
import { $, el, status, showError, openForm, lines, editButton } from "/static/admin_forms.js";

let editing = null;
let createKey = newKey();

export async function loadSites() {
  const answer = await api("GET", "/api/v1/webchat-sites");
  if (!answer.ok) return status(t("status.failed", { error: answer.message }));
  const body = $("sites").querySelector("tbody");
  body.replaceChildren();
  for (const site of answer.data.items) {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = site.colour;
    const row = el(
      "tr",
      { dataset: { siteId: String(site.id), key: site.key } },
      el("td", { text: site.key }),
      el("td", { text: site.allowed_origins.join(", ") }),
      el("td", { text: site.prechat.join(", ") }),
      el("td", {}, swatch, " " + site.colour),
    );
    row.append(el("td", {}, editButton(() => edit(site), site.key)));
    body.append(row);
  }
}

function fill(site) {
  const form = $("site-form");
  const s = site || { key: "", allowed_origins: [], prechat: ["name", "email"], languages: ["en", "zh-CN"], topics: {}, colour: "#0b57d0" };
  form.elements.key.value = s.key;
  form.elements.allowed_origins.value = s.allowed_origins.join("\n");
  for (const box of form.querySelectorAll('input[name="prechat"]')) box.checked = s.prechat.includes(box.value);
  for (const box of form.querySelectorAll('input[name="language"]')) box.checked = s.languages.includes(box.value);
  form.elements.topics.value = Object.entries(s.topics).map(([topic, queue]) => topic + " = " + queue).join("\n");
  form.elements.colour.value = s.colour;
}

function edit(site) {
  editing = site;
  fill(site);
  openForm($("site-form"), t("sites.edit", { key: site.key }), false);
}

function add() {
  editing = null;
  createKey = newKey();
  fill(null);
  openForm($("site-form"), t("sites.new"), true);
}

function read(form) {
  const topics = {};
  for (const line of form.elements.topics.value.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf("=");
    topics[(at < 0 ? line : line.slice(0, at)).trim()] = at < 0 ? "" : line.slice(at + 1).trim();
  }
  const body = {
    allowed_origins: lines(form.elements.allowed_origins.value),
    prechat: [...form.querySelectorAll('input[name="prechat"]:checked')].map((box) => box.value),
    languages: [...form.querySelectorAll('input[name="language"]:checked')].map((box) => box.value),
    topics,
    colour: form.elements.colour.value,
  };
  if (!editing) body.key = form.elements.key.value.trim();
  return body;
}

async function save(event) {
  event.preventDefault();
  const form = $("site-form");
  const body = read(form);
  const answer = editing
    ? await api("PATCH", "/api/v1/webchat-sites/" + editing.id, body)
    : await api("POST", "/api/v1/webchat-sites", body, { idempotencyKey: createKey });
  if (!answer.ok) return showError(form, answer);
  form.hidden = true;
  status(t("status.saved"));
  await loadSites();
}

export function wireSites() {
  const form = $("site-form");
  form.addEventListener("submit", save);
  form.querySelector(".cancel").addEventListener("click", () => { form.hidden = true; });
  $("site-add").addEventListener("click", add);
}
