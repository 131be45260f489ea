// The agents view: one card per agent of the supervisor's team, live. Any agent or interaction
// event on /ws/events (scoped to the team by the server) refetches GET /api/v1/console/agents,
// at most every 300 ms; the durations tick every second in between. From a card the supervisor
// changes the agent's state (with a reason), and per conversation monitors, reassigns (the
// transfer) or takes over. Text only: names are set with textContent.
import { api, newKey } from "./desk_api.js";
import { duration, el, secondsSince } from "./desk_dom.js";
import { connectEvents } from "./desk_socket.js";
import { channelName, notify, presenceName, readConfig, stateName } from "./console_labels.js";

const { gettext: _, format, number } = window.i18n;
const config = readConfig();
const cards = document.getElementById("agents");
const live = document.getElementById("live");
let data = config.initial;
let queues = null;
let timer = null;
let fetching = false;
// What the supervisor has typed or chosen in each card's state form: a refresh redraws the cards
// (any agent or interaction event of the team), and must not wipe a half-written reason.
const drafts = new Map(); // agent id -> { presence, reason }

const percent = (value) => (value === null ? "–" : number(value, { style: "percent", maximumFractionDigits: 0 }));

function render() {
  // Keep the supervisor's place: a reason being typed keeps its focus across the redraw.
  const focused = document.activeElement;
  const field = focused && focused.matches(".agent-card .reason, .agent-card .presence-choice") ? focused : null;
  const place = field ? [field.closest(".agent-card").dataset.agent, field.classList.contains("reason") ? ".reason" : ".presence-choice"] : null;
  document.getElementById("empty").hidden = data.agents.length > 0;
  cards.replaceChildren(...data.agents.map(card));
  if (place) cards.querySelector(".agent-card[data-agent='" + place[0] + "'] " + place[1])?.focus();
}

function card(agent) {
  const since = el("span", { class: "since", dataset: { since: agent.state_since } });
  const work = agent.interactions.map((i) =>
    el(
      "li",
      { class: "work", dataset: { interaction: String(i.id) } },
      el("span", { class: "channel channel-" + i.channel, text: channelName(i.channel) }),
      " #" + i.id + " ",
      el("span", { class: "state state-" + i.state, text: stateName(i.state) }),
      " ",
      el("span", { class: "since", dataset: { since: i.since } }),
      el(
        "span",
        { class: "work-actions" },
        el("a", { href: "/console/interactions/" + i.id + "/monitor", class: "button monitor", text: _("Monitor") }),
        el("button", { type: "button", class: "reassign", text: _("Reassign"), onclick: () => openReassign(i.id, agent.agent_id) }),
        i.state === "active" && agent.agent_id !== config.me
          ? el("button", { type: "button", class: "take-over", text: _("Take over"), onclick: () => takeOver(i.id) })
          : null,
      ),
    ),
  );
  const draft = drafts.get(agent.agent_id) || { presence: "available", reason: "" };
  const remember = () => drafts.set(agent.agent_id, { presence: choice.value, reason: reason.value });
  const reason = el("input", { class: "reason", maxlength: "100", placeholder: _("Reason"), "aria-label": _("Reason"), oninput: () => remember() });
  reason.value = draft.reason;
  const choice = el(
    "select",
    { class: "presence-choice", "aria-label": _("New state"), onchange: () => remember() },
    ["available", "away", "offline"].map((p) => el("option", { value: p, text: presenceName(p) })),
  );
  choice.value = draft.presence;
  const form = el(
    "form",
    {
      class: "presence-form",
      onsubmit: (event) => {
        event.preventDefault();
        setPresence(agent, choice.value, reason.value);
      },
    },
    choice,
    reason,
    el("button", { type: "submit", text: _("Change state") }),
  );
  return el(
    "article",
    { class: "agent-card state-" + agent.state, dataset: { agent: String(agent.agent_id) } },
    el(
      "header",
      {},
      el("strong", { class: "name", text: agent.name }),
      " ",
      el("span", { class: "presence state-" + agent.state, text: presenceName(agent.state) }),
      agent.reason ? el("span", { class: "why muted", text: " · " + agent.reason }) : null,
      " ",
      since,
    ),
    el(
      "dl",
      { class: "figures" },
      el("div", {}, el("dt", { text: _("Handled today") }), el("dd", { class: "handled", text: number(agent.handled_today) })),
      el("div", {}, el("dt", { text: _("Occupancy") }), el("dd", { class: "occupancy", text: percent(agent.occupancy_today) })),
      el("div", {}, el("dt", { text: _("Adherence") }), el("dd", { class: "adherence", text: percent(agent.adherence_today) })),
    ),
    work.length ? el("ul", { class: "work-list" }, work) : el("p", { class: "muted no-work", text: _("No conversation now") }),
    form,
  );
}

function tick() {
  for (const node of document.querySelectorAll(".since[data-since]")) node.textContent = duration(secondsSince(node.dataset.since));
}

async function refresh() {
  if (fetching) {
    schedule();
    return;
  }
  fetching = true;
  try {
    const answer = await api("GET", "/api/v1/console/agents");
    if (answer.ok) {
      data = answer.data;
      render();
      tick();
    }
  } finally {
    fetching = false;
  }
}

function schedule() {
  if (timer === null) {
    timer = setTimeout(() => {
      timer = null;
      refresh();
    }, 300);
  }
}

async function setPresence(agent, presence, reason) {
  if (!reason.trim()) {
    notify(_("Say why you change the agent's state."), true);
    return;
  }
  const answer = await api("PUT", "/api/v1/agents/" + agent.agent_id + "/presence", { presence, reason: reason.trim() });
  if (answer.ok) drafts.delete(agent.agent_id);
  if (answer.ok) notify(format(_("{name} is now {state}."), { name: agent.name, state: presenceName(presence) }));
  else notify(format(_("The state did not change: {error}"), { error: answer.message }), true);
  schedule();
}

async function takeOver(interactionId) {
  if (!window.confirm(format(_("Take over conversation #{id}? It moves to your desk."), { id: interactionId }))) return;
  const answer = await api("POST", "/api/v1/interactions/" + interactionId + "/take-over", {});
  if (answer.ok) window.location.assign("/desk");
  else notify(format(_("Could not take over: {error}"), { error: answer.message }), true);
}

const dialog = document.getElementById("reassign");
const dialogError = document.getElementById("reassign-error");
let reassigning = null;

async function openReassign(interactionId, fromAgent) {
  reassigning = interactionId;
  document.getElementById("reassign-id").textContent = "#" + interactionId;
  dialogError.hidden = true;
  document.getElementById("reassign-note").value = "";
  const agents = document.getElementById("reassign-agent");
  agents.replaceChildren(
    ...data.agents
      .filter((a) => a.agent_id !== fromAgent)
      .map((a) => el("option", { value: String(a.agent_id), text: a.name + " · " + presenceName(a.state) })),
  );
  if (queues === null) {
    const answer = await api("GET", "/api/v1/queues");
    queues = answer.ok ? answer.data.items || answer.data.queues || [] : [];
  }
  document.getElementById("reassign-queue").replaceChildren(...queues.map((q) => el("option", { value: q.name, text: q.name })));
  dialog.showModal();
}

document.getElementById("reassign-cancel").addEventListener("click", () => dialog.close());
document.getElementById("reassign-send").addEventListener("click", async () => {
  const toQueue = dialog.querySelector("input[name=target]:checked").value === "queue";
  const body = { note: document.getElementById("reassign-note").value };
  if (toQueue) body.to_queue = document.getElementById("reassign-queue").value;
  else body.to_agent_id = Number(document.getElementById("reassign-agent").value);
  const answer = await api("POST", "/api/v1/interactions/" + reassigning + "/transfer", body, { idempotencyKey: newKey() });
  if (!answer.ok) {
    dialogError.hidden = false;
    dialogError.textContent = format(_("Could not reassign: {error}"), { error: answer.message });
    return;
  }
  dialog.close();
  notify(format(_("Conversation #{id} reassigned."), { id: reassigning }));
  schedule();
});

render();
tick();
setInterval(tick, 1000);
connectEvents({
  desk: false,
  onFrame(frame) {
    if (frame.type.startsWith("agent.") || frame.type.startsWith("interaction.") || frame.type === "offer.declined") schedule();
  },
  onOpen() {
    live.classList.add("on");
    schedule();
  },
  onDown() {
    live.classList.remove("on");
  },
});
