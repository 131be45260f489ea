// An agent's own published schedule, one row per segment, in their time zone (else the browser's).
(function () {
  "use strict";
  const N_ = (text) => text;
  const ACTIVITIES = { shift: N_("shift"), break: N_("break"), lunch: N_("lunch") };
  async function load() {
    const response = await fetch("/api/v1/planning/my-schedule", { credentials: "same-origin" });
    const body = await response.json();
    const tbody = document.querySelector("#my-schedule tbody");
    tbody.replaceChildren();
    for (const s of body.items || []) {
      const tr = document.createElement("tr");
      tr.className = "segment-" + s.activity;
      const start = new Date(s.start), end = new Date(s.end);
      const activity = ACTIVITIES[s.activity] ? window.i18n.gettext(ACTIVITIES[s.activity]) : s.activity;
      for (const value of [window.i18n.date(start), window.i18n.time(start), window.i18n.time(end), activity]) {
        const td = document.createElement("td");
        td.textContent = value;
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
    document.getElementById("my-empty").hidden = (body.items || []).length > 0;
  }
  load();
})();
