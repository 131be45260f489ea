// Presence: available, away with a reason, or offline, with the time spent in it. The agent's
// choice goes to PUT /api/v1/agents/{id}/presence; the stream's agent.presence_changed frames
// (from this desk, a supervisor, or the server noticing a closed desk) keep it true.
import { api } from "./desk_api.js";
import { duration, secondsSince } from "./desk_dom.js";
import { t } from "./desk_strings.js";

export function createPresence(agentId, showError) {
  const select = document.getElementById("presence-select");
  const reason = document.getElementById("away-reason");
  const state = document.getElementById("presence-state");
  const since = document.getElementById("presence-since");
  let current = { presence: "offline", reason: "", at: null };

  function render() {
    const chosen = ["available", "away", "offline"].includes(current.presence);
    if (chosen) select.value = current.presence;
    reason.hidden = current.presence !== "away";
    if (current.presence === "away" && current.reason) {
      if (![...reason.options].some((o) => o.value === current.reason)) {
        reason.append(new Option(current.reason, current.reason));
      }
      reason.value = current.reason;
    }
    state.textContent = t("presence." + current.presence);
    state.className = "presence-state presence-" + current.presence;
    document.getElementById("desk").dataset.presence = current.presence;
    tick();
  }

  function tick() {
    since.textContent = current.at ? t("presence.since", { time: duration(secondsSince(current.at)) }) : "";
  }

  async function choose() {
    const presence = select.value;
    const why = presence === "away" ? reason.value : "";
    reason.hidden = presence !== "away";
    const answer = await api("PUT", "/api/v1/agents/" + agentId + "/presence", { presence, reason: why });
    if (answer.ok) set(answer.data.presence, answer.data.presence_reason, answer.data.presence_changed_at);
    else {
      showError(t("presence.failed", { error: answer.message }));
      render();
    }
  }

  function set(presence, why, at) {
    current = { presence, reason: why || "", at };
    render();
  }

  select.addEventListener("change", choose);
  reason.addEventListener("change", choose);
  setInterval(tick, 1000);
  return {
    set,
    async load() {
      const answer = await api("GET", "/api/v1/me");
      if (answer.ok) set(answer.data.presence, answer.data.presence_reason, answer.data.presence_changed_at);
      return answer.ok ? answer.data : null;
    },
    onEvent(event) {
      if (event.agent_id === agentId) set(event.presence, event.reason, event.at);
    },
  };
}
