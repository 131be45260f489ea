// Renders the dashboard figures (the wallboard's tiles through wallboard.js) and keeps them live
// over a websocket. Text only (no innerHTML), so a customer's name can never inject markup.
import { channelName, stateName } from "./console_labels.js";
import { render as renderWallboard } from "./wallboard.js";

const _ = window.i18n.gettext, f = window.i18n.format;

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
}

// The interaction's number opens its timeline in the console (the lists are a manager's only).
function idCell(row, id) {
  const td = document.createElement("td");
  const a = document.createElement("a");
  a.href = "/console/interactions/" + id;
  a.textContent = String(id);
  td.appendChild(a);
  row.appendChild(td);
}

// A row of either list starts alike: the number (a link), channel, state and queue.
function interactionRow(item) {
  const tr = document.createElement("tr");
  tr.dataset.interaction = String(item.id);
  idCell(tr, item.id);
  cell(tr, channelName(item.channel));
  cell(tr, stateName(item.state), "state state-" + item.state);
  cell(tr, item.queue || "–");
  return tr;
}

function render(data) {
  renderWallboard(data.wallboard);
  const recent = document.querySelector("#recent tbody");
  if (!recent) return;  // a planner's page: figures only, no contacts
  recent.replaceChildren();
  for (const i of data.recent) {
    const tr = interactionRow(i);
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
    const tr = interactionRow(item);
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
