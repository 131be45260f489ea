// Words the supervisor console's pages (and the wallboard) share: channels, interaction states,
// agent states, and a status line that says what just happened (or went wrong) in the reader's language.
const { gettext: _ } = window.i18n;
/** Marks a string for the catalogue; it is translated where it is shown. */
export const N_ = (text) => text;

const CHANNELS = { voice: N_("Call"), sms: N_("SMS"), email: N_("Email"), chat: N_("Chat") };
const STATES = { new: N_("New"), queued: N_("Queued"), offered: N_("Offered"), active: N_("Active"),
  wrap_up: N_("Wrap-up"), pending: N_("Waiting on customer"), transferred: N_("Transferred"),
  closed: N_("Closed"), abandoned: N_("Abandoned") };
const PRESENCE = { available: N_("Available"), busy: N_("Busy"), wrap_up: N_("Wrap-up"), away: N_("Away"),
  offline: N_("Offline") };

/** The reader's word for `value` in `table` (the value itself when the table lacks it). */
export const word = (table, value) => (table[value] ? _(table[value]) : value);
export const channelName = (value) => word(CHANNELS, value);
export const stateName = (value) => word(STATES, value);
export const presenceName = (value) => word(PRESENCE, value);

/** Say something in the page's status line; `error` paints it as a failure. */
export function notify(text, error = false) {
  const node = document.getElementById("notice");
  node.hidden = !text;
  node.textContent = text;
  node.classList.toggle("error", error);
}

export function readConfig() {
  return JSON.parse(document.getElementById("console-config").textContent);
}
