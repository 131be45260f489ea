// The page's language for its scripts: the strings the server put in #i18n-data (the reader's
// catalogue, English when it has none), {name} placeholders, and dates, times and numbers in the
// reader's locale and time zone (Intl). Exposes window.i18n; loaded before any other script.
(function () {
  "use strict";
  const node = document.getElementById("i18n-data");
  const data = node ? JSON.parse(node.textContent) : {};
  const language = data.language || "en";
  const messages = data.messages || {};
  // The user's zone; none set: the browser's own.
  let timeZone = data.timeZone || undefined;
  try { new Intl.DateTimeFormat(language, { timeZone }); } catch (e) { timeZone = undefined; }

  function gettext(message) { return Object.prototype.hasOwnProperty.call(messages, message) ? messages[message] : message; }

  function format(text, vars) {
    if (!vars) return text;
    for (const [name, value] of Object.entries(vars)) text = text.split("{" + name + "}").join(String(value));
    return text;
  }

  function dateTime(value, options) {
    const when = value instanceof Date ? value : new Date(value);
    return new Intl.DateTimeFormat(language, Object.assign({ timeZone }, options || { dateStyle: "medium", timeStyle: "short" })).format(when);
  }

  window.i18n = {
    language, timeZone, gettext, format, dateTime,
    time: (value) => dateTime(value, { hour: "2-digit", minute: "2-digit" }),
    date: (value, options) => dateTime(value, options || { weekday: "short", day: "numeric", month: "short" }),
    number: (value, options) => new Intl.NumberFormat(language, options).format(value),
  };
})();
