// Alerts an agent cannot miss with the desk in a background tab: a tone (WebAudio, enabled by
// a click as browsers require), a browser notification (permission asked on a click) and an
// unread count in the tab title. Every offer and every new customer message is an unseen item
// until the agent sees it; while any is unseen and the page is hidden, sound and notification
// come again `repeatSeconds` after the last ring (the server's `[desk] alert_repeat_s`). Each
// alert is switchable; the choice is kept in localStorage, per agent.
import { t } from "./desk_strings.js";

const DEFAULT_REPEAT_S = 15;

export function createAlerts(agentId, repeatSeconds) {
  const repeatMs = Math.max(0.5, Number(repeatSeconds) || DEFAULT_REPEAT_S) * 1000;
  const storeKey = "desk.alerts." + agentId;
  const baseTitle = document.title;
  const prefs = Object.assign({ sound: true, notify: true, title: true }, readPrefs());
  const unseen = new Map(); // key -> text
  let audio = null;
  let timer = null;

  function readPrefs() {
    try {
      return JSON.parse(localStorage.getItem(storeKey) || "{}");
    } catch (error) {
      return {};
    }
  }

  function savePrefs() {
    localStorage.setItem(storeKey, JSON.stringify(prefs));
  }

  function tone() {
    if (!prefs.sound || !audio) return;
    const now = audio.currentTime;
    for (const [offset, freq] of [[0, 880], [0.18, 1175]]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.16);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.17);
    }
  }

  function notify(text) {
    if (!prefs.notify || !("Notification" in window) || Notification.permission !== "granted") return;
    const note = new Notification(baseTitle, { body: text, tag: "desk", renotify: true });
    note.onclick = () => {
      window.focus();
      note.close();
    };
  }

  function updateTitle() {
    const count = unseen.size;
    document.title = prefs.title && count > 0 ? "(" + count + ") " + baseTitle : baseTitle;
  }

  function ring() {
    const texts = [...unseen.values()];
    if (!texts.length) return;
    tone();
    if (document.hidden) notify(texts[texts.length - 1]);
    later();
  }

  // The next ring is one interval after the last, whatever rang it (a new item or a repeat);
  // while the page is in view, the unseen items wait silently for it to go to the back.
  function later() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (unseen.size === 0) return;
      if (document.hidden) ring();
      else later();
    }, repeatMs);
  }

  function quietIfNothingUnseen() {
    if (unseen.size === 0 && timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  }

  function bindControls() {
    const soundButton = document.getElementById("enable-sound");
    soundButton.addEventListener("click", () => {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!audio && Context) audio = new Context();
      if (audio) audio.resume();
      soundButton.textContent = t("alerts.sound_on");
      tone();
    });
    const notifyButton = document.getElementById("enable-notifications");
    if (!("Notification" in window)) notifyButton.hidden = true;
    else {
      const show = () => {
        if (Notification.permission === "granted") notifyButton.textContent = t("alerts.notifications_on");
        else if (Notification.permission === "denied") notifyButton.textContent = t("alerts.notifications_denied");
      };
      show();
      notifyButton.addEventListener("click", () => Notification.requestPermission().then(show));
    }
    for (const name of ["sound", "notify", "title"]) {
      const box = document.getElementById("alert-" + name);
      box.checked = prefs[name];
      box.addEventListener("change", () => {
        prefs[name] = box.checked;
        savePrefs();
        updateTitle();
      });
    }
  }

  bindControls();
  return {
    /** A new thing to see: counted in the title, rung now, and again until seen. */
    raise(key, text) {
      unseen.set(key, text);
      updateTitle();
      ring();
    },
    seen(key) {
      if (unseen.delete(key)) updateTitle();
      quietIfNothingUnseen();
    },
    seenWhere(predicate) {
      let changed = false;
      for (const key of [...unseen.keys()]) {
        if (predicate(key)) changed = unseen.delete(key) || changed;
      }
      if (changed) updateTitle();
      quietIfNothingUnseen();
    },
    get count() {
      return unseen.size;
    },
  };
}
