// Canned responses in the composer: a search box (opened by "/" in an empty reply, or the
// button), matching the agent's own and the shared ones; choosing one inserts its text rendered
// for this interaction (customer name, agent name, reference filled in by the server).
import { api } from "./desk_api.js";
import { el } from "./desk_dom.js";
import { t } from "./desk_strings.js";

export function createCanned({ interactionId, features, box }) {
  const search = el("input", { type: "search", class: "canned-search", placeholder: t("canned.search"), "aria-label": t("canned.search") });
  const results = el("ul", { class: "canned-results", role: "listbox" });
  const node = el("div", { class: "canned", hidden: true }, search, results);
  let timer = null;
  let asked = 0;

  async function find() {
    const ticket = ++asked;
    const answer = await api("GET", "/api/v1/canned-responses?q=" + encodeURIComponent(search.value.trim()));
    if (ticket !== asked) return;
    results.replaceChildren();
    const found = answer.ok ? answer.data.canned_responses : [];
    if (!found.length) results.append(el("li", { class: "muted", text: t("canned.none") }));
    for (const item of found) {
      results.append(
        el(
          "li",
          { role: "option" },
          el(
            "button",
            { type: "button", class: "canned-choice", onclick: () => choose(item) },
            el("strong", { text: item.title }),
            item.shortcut ? el("span", { class: "muted", text: " /" + item.shortcut }) : null,
            el("span", { class: "canned-body muted", text: " " + item.body.slice(0, 80) }),
          ),
        ),
      );
    }
  }

  async function choose(item) {
    let text = item.body;
    if (features.render) {
      const answer = await api("POST", "/api/v1/canned-responses/" + item.id + "/render", { interaction_id: interactionId });
      if (answer.ok) text = answer.data.text;
    }
    const at = box.selectionStart ?? box.value.length;
    box.value = box.value.slice(0, at) + text + box.value.slice(box.selectionEnd ?? at);
    close();
    box.focus();
  }

  function open() {
    node.hidden = false;
    search.value = "";
    search.focus();
    find();
  }

  function close() {
    node.hidden = true;
    results.replaceChildren();
  }

  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(find, 200);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      close();
      box.focus();
    } else if (event.key === "Enter") {
      event.preventDefault();
      results.querySelector(".canned-choice")?.click();
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      results.querySelector(".canned-choice")?.focus();
    }
  });
  return { node, open, close, isOpen: () => !node.hidden };
}
