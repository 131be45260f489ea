// My settings: the user's own language and time zone, saved with PATCH /api/v1/me (empty: the
// browser's). The page then reloads, so the server renders it in the language just chosen, and
// says it saved in that language too (a flag kept for the one reload).
import { api } from "/static/desk_api.js";
import { $, clearErrors, showError } from "/static/admin_forms.js";

const _ = window.i18n.gettext;
const SAVED_FLAG = "my-settings-saved";

function read(form) {
  return {
    language: form.elements.language.value || null,
    timezone: form.elements.timezone.value.trim() || null,
  };
}

async function save(event) {
  event.preventDefault();
  const form = $("settings-form");
  clearErrors(form);
  const answer = await api("PATCH", "/api/v1/me", read(form));
  if (!answer.ok) return showError(form, answer);
  sessionStorage.setItem(SAVED_FLAG, "1");
  window.location.reload();
}

function start() {
  const form = $("settings-form");
  // What an empty zone means, for this browser: its own.
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (browserZone) form.elements.timezone.placeholder = browserZone;
  form.addEventListener("submit", save);
  if (sessionStorage.getItem(SAVED_FLAG)) {
    sessionStorage.removeItem(SAVED_FLAG);
    $("settings-status").textContent = _("Saved: every page now follows these settings.");
  }
}

start();
