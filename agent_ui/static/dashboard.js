// Renders the dashboard figures and keeps them live over a websocket. Text only (no innerHTML),
// so a customer's name can never inject markup.
(function () {
  "use strict";
  const received = { at: null };

  function cell(row, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
  }

  function duration(seconds) {
    const s = Math.round(seconds);
    if (s < 60) return s + " s";
    const m = Math.floor(s / 60);
    return m + " min " + (s % 60) + " s";
  }

  function render(data) {
    received.at = Date.now();
    const queues = document.querySelector("#queues tbody");
    queues.replaceChildren();
    for (const q of data.queues) {
      const tr = document.createElement("tr");
      tr.dataset.queue = q.name;
      cell(tr, q.name);
      cell(tr, q.channels.join(", "));
      cell(tr, String(q.waiting), "num waiting");
      cell(tr, q.waiting ? duration(q.longest_wait_s) : "–", "num longest");
      queues.appendChild(tr);
    }
    const agents = document.getElementById("agents");
    agents.replaceChildren();
    for (const [state, count] of Object.entries(data.agents)) {
      const li = document.createElement("li");
      li.className = "state-" + state;
      li.textContent = state.replace("_", "-") + ": " + count;
      agents.appendChild(li);
    }
    const recent = document.querySelector("#recent tbody");
    recent.replaceChildren();
    for (const i of data.recent) {
      const tr = document.createElement("tr");
      tr.dataset.interaction = String(i.id);
      cell(tr, String(i.id));
      cell(tr, i.channel);
      cell(tr, i.state, "state state-" + i.state);
      cell(tr, i.queue || "–");
      cell(tr, i.customer);
      cell(tr, i.subject);
      if (i.flag_reason) {
        tr.classList.add("flagged");
        tr.title = "Flagged: " + i.flag_reason;
      }
      recent.appendChild(tr);
    }
    renderFlagged(data.flagged || []);
  }

  // Interactions flagged to a supervisor (an agent's desk closed with a chat open, say) until
  // someone takes them on: the oldest first, the section hidden when there are none.
  function renderFlagged(items) {
    document.getElementById("flagged-section").hidden = items.length === 0;
    const body = document.querySelector("#flagged tbody");
    body.replaceChildren();
    for (const f of items) {
      const tr = document.createElement("tr");
      tr.dataset.interaction = String(f.id);
      cell(tr, String(f.id));
      cell(tr, f.channel);
      cell(tr, f.state, "state state-" + f.state);
      cell(tr, f.queue || "–");
      cell(tr, f.agent || "–");
      cell(tr, f.customer);
      cell(tr, f.reason, "reason");
      cell(tr, new Date(f.flagged_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }), "since");
      body.appendChild(tr);
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + "/ws/dashboard");
    const live = document.getElementById("live");
    ws.onopen = () => live.classList.add("on");
    ws.onmessage = (msg) => render(JSON.parse(msg.data));
    ws.onclose = () => {
      live.classList.remove("on");
      setTimeout(connect, 2000);
    };
  }

  render(JSON.parse(document.getElementById("initial-data").textContent));
  connect();
})();
