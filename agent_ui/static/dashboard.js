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
      recent.appendChild(tr);
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
