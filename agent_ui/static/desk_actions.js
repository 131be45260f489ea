// What the agent does with an interaction besides talking: wrap up with a disposition code from
// the queue's list before the wrap-up limit (a countdown; the server closes it at the limit),
// and transfer to a queue or an agent with an internal note (the router offers it again).
import { api } from "./desk_api.js";
import { el, duration, secondsUntil } from "./desk_dom.js";
import { loadQueues } from "./desk_lookup.js";
import { t } from "./desk_strings.js";

function deadlineOf(doc, limitS) {
  if (doc.wrap_up_deadline) return doc.wrap_up_deadline;
  return new Date(Date.parse(doc.state_changed_at) + limitS * 1000).toISOString();
}

export function createActions({ interactionId, features, config, showError, onLeft }) {
  const transferButton = el("button", { type: "button", class: "transfer", text: t("actions.transfer") });
  const wrapButton = el("button", { type: "button", class: "wrap-up", text: t("actions.wrap_up") });
  const codes = el("select", { class: "wrap-up-code", "aria-label": t("wrapup.code") });
  const freeCode = el("input", { type: "text", class: "wrap-up-code", maxlength: 50, placeholder: t("wrapup.free_code"), "aria-label": t("wrapup.code") });
  const closeButton = el("button", { type: "button", class: "close-interaction", text: t("actions.close") });
  const countdown = el("span", { class: "wrap-up-left" });
  const codeLabel = el("label", { text: t("wrapup.code") + " " });
  const wrapArea = el("div", { class: "wrap-up-area", hidden: true }, codeLabel, features.wrap_up_codes ? codes : freeCode, closeButton, countdown);
  const node = el("div", { class: "actions" }, transferButton, wrapButton, wrapArea);
  let doc = null;
  let codesFor = null;

  async function move(body) {
    const answer = await api("POST", "/api/v1/interactions/" + interactionId + "/transitions", body);
    if (!answer.ok) showError(t("actions.failed", { error: answer.message }));
    return answer;
  }

  async function loadCodes(queueId) {
    if (!features.wrap_up_codes || queueId === null || codesFor === queueId) return;
    codesFor = queueId;
    const answer = await api("GET", "/api/v1/queues/" + queueId + "/wrap-up-codes");
    const listed = answer.ok ? answer.data.wrap_up_codes : [];
    codes.replaceChildren(el("option", { value: "", text: t("wrapup.choose") }));
    for (const c of listed) codes.append(el("option", { value: c.code, text: c.label || c.code }));
    // A queue without a list of codes closes without one: nothing to choose, nothing to block on.
    noCodes = answer.ok && listed.length === 0;
    codes.hidden = codeLabel.hidden = noCodes;
  }
  let noCodes = false;

  function tick() {
    if (!doc || doc.state !== "wrap_up") return;
    const left = secondsUntil(deadlineOf(doc, config.wrap_up_limit_s));
    countdown.textContent = left > 0 ? t("wrapup.left", { time: duration(left) }) : t("wrapup.over");
    countdown.classList.toggle("urgent", left < 15);
  }

  wrapButton.addEventListener("click", async () => {
    const answer = await move({ to: "wrap_up" });
    if (answer.ok) update(answer.data);
  });
  closeButton.addEventListener("click", async () => {
    const code = (features.wrap_up_codes ? codes.value : freeCode.value).trim();
    if (!code && !noCodes) {
      showError(t("wrapup.choose"));
      return;
    }
    const answer = await move(code ? { to: "closed", wrap_up_code: code } : { to: "closed" });
    if (answer.ok) onLeft();
  });
  transferButton.addEventListener("click", () => openTransfer(interactionId, features, config, showError, onLeft));

  function update(next) {
    doc = next;
    const inWrapUp = doc.state === "wrap_up";
    wrapArea.hidden = !inWrapUp;
    wrapButton.hidden = inWrapUp || !["active", "pending"].includes(doc.state);
    transferButton.hidden = doc.state !== "active" || !features.transfer;
    if (inWrapUp) loadCodes(doc.queue_id);
    tick();
  }

  setInterval(tick, 1000);
  return { node, update };
}

async function openTransfer(interactionId, features, config, showError, onLeft) {
  const dialog = document.getElementById("transfer-dialog");
  const form = document.getElementById("transfer-form");
  const queueSelect = document.getElementById("transfer-queue");
  const agentSelect = document.getElementById("transfer-agent");
  const error = document.getElementById("transfer-error");
  error.textContent = "";
  document.getElementById("transfer-note").value = "";
  queueSelect.replaceChildren(...(await loadQueues()).map((q) => el("option", { value: q.name, text: q.name })));
  const targets = await api("GET", "/api/v1/interactions/" + interactionId + "/transfer-targets");
  const others = targets.ok ? targets.data.agents : [];
  agentSelect.replaceChildren(
    ...others.map((a) =>
      el("option", { value: String(a.id), text: a.name + " · " + t(a.can_take_work ? "transfer.can_take" : "transfer.cannot_take") }),
    ),
  );
  // Nobody in reach (or an older server): then only a queue can be chosen.
  const toAgent = form.querySelector("input[name=target][value=agent]");
  toAgent.disabled = others.length === 0;
  agentSelect.disabled = others.length === 0;
  form.querySelector("input[name=target][value=queue]").checked = true;
  form.onsubmit = async (event) => {
    if (event.submitter && event.submitter.value !== "transfer") return;
    event.preventDefault();
    const toAgent = form.elements.target.value === "agent";
    const body = { note: document.getElementById("transfer-note").value };
    if (toAgent) body.to_agent_id = Number(agentSelect.value);
    else body.to_queue = queueSelect.value;
    const answer = await api("POST", "/api/v1/interactions/" + interactionId + "/transfer", body);
    if (answer.ok) {
      dialog.close();
      onLeft();
    } else error.textContent = answer.message;
  };
  if (!features.transfer) showError(t("transfer.unavailable"));
  else dialog.showModal();
}
