// An agent's own published schedule, one row per segment, in the browser's time zone.
(function () {
  "use strict";
  async function load() {
    const response = await fetch("/api/v1/planning/my-schedule", { credentials: "same-origin" });
    const body = await response.json();
    const tbody = document.querySelector("#my-schedule tbody");
    tbody.replaceChildren();
    for (const s of body.items || []) {
      const tr = document.createElement("tr");
      tr.className = "segment-" + s.activity;
      const start = new Date(s.start), end = new Date(s.end);
      for (const value of [start.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" }),
        start.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
        end.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }), s.activity]) {
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
