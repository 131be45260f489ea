// Every text the admin page's scripts write, in one place (the markup's own words are in the
// template). `t(key, vars)` fills {name} placeholders; a missing key falls back to English, then
// to the key itself.
const STRINGS = {
  en: {
    "status.loading": "Loading…",
    "status.saved": "Saved.",
    "status.failed": "Could not load: {error}",
    "status.deleted": "Deleted.",
    "form.fix": "Nothing was changed: {error}",
    "users.new": "A new user",
    "users.edit": "Edit {name}",
    "users.active": "Active",
    "users.disabled": "Disabled",
    "users.disable": "Disable the account",
    "users.enable": "Enable the account",
    "users.disabled_done": "{name} is disabled: their sessions have ended.",
    "users.enabled_done": "{name} is enabled again.",
    "users.reset_confirm": "Reset the password of {name}? Their sessions end.",
    "users.temp_password": "Temporary password for {name}, shown once: {password}",
    "queues.new": "A new queue",
    "queues.edit": "Edit queue {name}",
    "queues.sl": "{percent} % in {seconds} s",
    "canned.new": "A new shared response",
    "canned.edit": "Edit {title}",
    "canned.delete_confirm": "Delete {title}?",
    "codes.none": "No codes yet: add one below.",
    "codes.saved": "The codes of {queue} are saved.",
    "codes.added": "Code {code} added.",
    "sites.new": "A new chat site",
    "sites.edit": "Edit site {key}",
    "audit.none": "No entries match.",
    "row.edit": "Edit",
    "skill.name": "Skill",
    "skill.level": "Level",
    "skill.remove": "Remove",
  },
};

const lang = (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh-CN" : "en";

export function t(key, vars) {
  let text = (STRINGS[lang] && STRINGS[lang][key]) ?? STRINGS.en[key] ?? key;
  if (vars) {
    for (const [name, value] of Object.entries(vars)) text = text.split("{" + name + "}").join(String(value));
  }
  return text;
}
