// Every text the admin page's scripts write, in one place, in English (the markup's own words
// are in the template): the catalogue (docs/i18n.md) translates them and the page brings the
// reader's translations along (static/i18n.js), so the admin reads their own language, not
// the browser's. `t(key, vars)` fills {name} placeholders; a key missing here shows as itself.
// N_ marks a string for the catalogue's extractor without translating it here.
const N_ = (text) => text;

const STRINGS = {
  "status.loading": N_("Loading…"),
  "status.saved": N_("Saved."),
  "status.failed": N_("Could not load: {error}"),
  "status.deleted": N_("Deleted."),
  "form.fix": N_("Nothing was changed: {error}"),
  "users.new": N_("A new user"),
  "users.edit": N_("Edit {name}"),
  "users.active": N_("Enabled"),
  "users.disabled": N_("Disabled"),
  "users.disable": N_("Disable the account"),
  "users.enable": N_("Enable the account"),
  "users.disabled_done": N_("{name} is disabled: their sessions have ended."),
  "users.enabled_done": N_("{name} is enabled again."),
  "users.reset_confirm": N_("Reset the password of {name}? Their sessions end."),
  "users.temp_password": N_("Temporary password for {name}, shown once: {password}"),
  "queues.new": N_("A new queue"),
  "queues.edit": N_("Edit queue {name}"),
  "queues.sl": N_("{percent} in {seconds} s"),
  "canned.new": N_("A new shared response"),
  "canned.edit": N_("Edit {title}"),
  "canned.delete_confirm": N_("Delete {title}?"),
  "codes.none": N_("No codes yet: add one below."),
  "codes.saved": N_("The codes of {queue} are saved."),
  "codes.added": N_("Code {code} added."),
  "sites.new": N_("A new chat site"),
  "sites.edit": N_("Edit site {key}"),
  "audit.none": N_("No entries match."),
  "row.edit": N_("Edit"),
  "skill.name": N_("Skill"),
  "skill.level": N_("Level"),
  "skill.remove": N_("Remove"),
};

export function t(key, vars) {
  const english = STRINGS[key];
  return window.i18n.format(english === undefined ? key : window.i18n.gettext(english), vars);
}
