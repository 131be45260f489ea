// Renders the dashboard figures and keeps them live over a websocket. Text only (no innerHTML),
// so a customer's name can never inject markup.
(function () {
  "use strict";
  const received = { at: null };
  const _ = window.i18n.gettext, f = window.i18n.format, num = window.i18n.number;
  const N_ = (text) => text;
  const CHANNELS = { voice: N_("Call"), sms: N_("SMS"), email: N_("Email"), chat: N_("Chat") };
  const STATES = { new: N_("New"), queued: N_("Queued"), offered: N_("Offered"), active: N_("Active"),
    wrap_up: N_("Wrap-up"), pending: N_("Waiting on customer"), transferred: N_("Transferred"),
    closed: N_("Closed"), abandoned: N_("Abandoned") };
  const PRESENCE = { available: N_("Available"), busy: N_("Busy"), wrap_up: N_("Wrap-up"), away: N_("Away"),
    offline: N_("Offline") };
  const list = new Intl.ListFormat(window.i18n.language, { style: "narrow", type: "conjunction" }); // A, B, C · A、B、C
  const word = (table, value) => (table[value] ? _(table[value]) : value);

  function cell(row, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
  }

  function duration(seconds) {
    const s = Math.round(seconds);
    if (s < 60) return f(_("{s} s"), { s: s });
    return f(_("{m} min {s} s"), { m: Math.floor(s / 60), s: s % 60 });
  }

  function render(data) {
    received.at = Date.now();
    const queues = document.querySelector("#queues tbody");
    queues.replaceChildren();
    for (const q of data.queues) {
      const tr = document.createElement("tr");
      tr.dataset.queue = q.name;
      cell(tr, q.name);
      cell(tr, list.format(q.channels.map((c) => word(CHANNELS, c))));
      cell(tr, num(q.waiting), "num waiting");
      cell(tr, q.waiting ? duration(q.longest_wait_s) : "–", "num longest");
      queues.appendChild(tr);
    }
    const agents = document.getElementById("agents");
    agents.replaceChildren();
    for (const [state, count] of Object.entries(data.agents)) {
      const li = document.createElement("li");
      li.className = "state-" + state;
      li.textContent = f(_("{state}: {count}"), { state: word(PRESENCE, state), count: num(count) });
      agents.appendChild(li);
    }
    const recent = document.querySelector("#recent tbody");
    recent.replaceChildren();
    for (const i of data.recent) {
      const tr = document.createElement("tr");
      tr.dataset.interaction = String(i.id);
      cell(tr, String(i.id));
      cell(tr, word(CHANNELS, i.channel));
      cell(tr, word(STATES, i.state), "state state-" + i.state);
      cell(tr, i.queue || "–");
      cell(tr, i.customer);
      cell(tr, i.subject);
      if (i.flag_reason) {
        tr.classList.add("flagged");
        tr.title = f(_("Flagged: {reason}"), { reason: i.flag_reason });
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
    for (const item of items) {
      const tr = document.createElement("tr");
      tr.dataset.interaction = String(item.id);
      cell(tr, String(item.id));
      cell(tr, word(CHANNELS, item.channel));
      cell(tr, word(STATES, item.state), "state state-" + item.state);
      cell(tr, item.queue || "–");
      cell(tr, item.agent || "–");
      cell(tr, item.customer);
      cell(tr, item.reason, "reason");
      cell(tr, window.i18n.time(item.flagged_at), "since");
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
