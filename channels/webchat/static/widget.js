/* The contact center's chat widget: <script src="https://<server>/chat/widget.js" data-site="<key>" defer>.
   Protocol and embedding: docs/webchat.md. Nothing a person wrote is inserted as markup (textContent only). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var BASE = new URL(script.src).origin;
  var SITE = script.getAttribute("data-site") || "";
  var STORE = "cc-chat:" + SITE;
  var T = {
    en: {
      open: "Chat with us", title: "Chat", close: "Close chat", name: "Your name", email: "Email (optional)",
      phone: "Phone (optional)", topic: "Topic", start: "Start chat", message: "Message", send: "Send",
      attach: "Attach a file", end: "End chat", you: "You", agent: "Agent", system: "Notice",
      sending: "sending", failed: "not sent", open_now: "We are here. Write us a message.",
      closed: "We are away now. Leave a message and we will answer here when you return.",
      no_agents: "Nobody is free right now. Leave a message and we will answer here when you return.",
      reconnecting: "Connection lost; reconnecting\u2026", typing: "The agent is typing\u2026",
      rate: "How was this chat?", score: "Rating", comment: "Comment (optional)",
      transcript: "Email me the transcript (optional)", submit: "Send rating",
      thanks: "Thank you for your rating.", queued: "The transcript is on its way to your email.",
      unavailable: "Sorry, we cannot email transcripts at the moment.",
      ended: "The chat has ended.", attached: "attached", log: "Conversation",
      again: "Write again"
    },
    "zh-CN": {
      open: "\u5728\u7ebf\u54a8\u8be2", title: "\u5728\u7ebf\u5ba2\u670d", close: "\u5173\u95ed\u804a\u5929",
      name: "\u60a8\u7684\u59d3\u540d", email: "\u7535\u5b50\u90ae\u7bb1\uff08\u53ef\u9009\uff09",
      phone: "\u7535\u8bdd\uff08\u53ef\u9009\uff09", topic: "\u54a8\u8be2\u7c7b\u522b",
      start: "\u5f00\u59cb\u804a\u5929", message: "\u6d88\u606f", send: "\u53d1\u9001",
      attach: "\u6dfb\u52a0\u9644\u4ef6", end: "\u7ed3\u675f\u804a\u5929", you: "\u6211",
      agent: "\u5ba2\u670d", system: "\u63d0\u793a", sending: "\u53d1\u9001\u4e2d",
      failed: "\u672a\u53d1\u9001", open_now: "\u6211\u4eec\u5728\u7ebf\uff0c\u8bf7\u7559\u8a00\u3002",
      closed: "\u73b0\u5728\u4e0d\u662f\u5de5\u4f5c\u65f6\u95f4\u3002\u8bf7\u7559\u8a00\uff0c\u60a8\u56de\u6765\u65f6\u6211\u4eec\u4f1a\u5728\u8fd9\u91cc\u56de\u590d\u3002",
      no_agents: "\u6682\u65f6\u6ca1\u6709\u7a7a\u95f2\u5ba2\u670d\u3002\u8bf7\u7559\u8a00\uff0c\u60a8\u56de\u6765\u65f6\u6211\u4eec\u4f1a\u5728\u8fd9\u91cc\u56de\u590d\u3002",
      reconnecting: "\u8fde\u63a5\u4e2d\u65ad\uff0c\u6b63\u5728\u91cd\u8fde\u2026",
      typing: "\u5ba2\u670d\u6b63\u5728\u8f93\u5165\u2026", rate: "\u8bf7\u4e3a\u672c\u6b21\u670d\u52a1\u8bc4\u5206",
      score: "\u8bc4\u5206", comment: "\u7559\u8a00\uff08\u53ef\u9009\uff09",
      transcript: "\u628a\u804a\u5929\u8bb0\u5f55\u53d1\u5230\u6211\u7684\u90ae\u7bb1\uff08\u53ef\u9009\uff09",
      submit: "\u63d0\u4ea4\u8bc4\u5206", thanks: "\u611f\u8c22\u60a8\u7684\u8bc4\u5206\u3002",
      queued: "\u804a\u5929\u8bb0\u5f55\u6b63\u5728\u53d1\u9001\u5230\u60a8\u7684\u90ae\u7bb1\u3002",
      unavailable: "\u62b1\u6b49\uff0c\u76ee\u524d\u65e0\u6cd5\u901a\u8fc7\u90ae\u4ef6\u53d1\u9001\u804a\u5929\u8bb0\u5f55\u3002",
      ended: "\u804a\u5929\u5df2\u7ed3\u675f\u3002", attached: "\u5df2\u9644\u4e0a", log: "\u804a\u5929\u8bb0\u5f55",
      again: "\u7ee7\u7eed\u54a8\u8be2"
    }
  };
  var asked = script.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "en";
  var lang = /^zh/i.test(asked) ? "zh-CN" : "en";
  function t(key) { return (T[lang] || T.en)[key] || T.en[key]; }

  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch (e) { saved = {}; }
  var state = { token: saved.token || null, lastSeq: 0, profile: saved.profile || null,
                pending: saved.pending || [], ws: null, attempt: 0, welcomed: false, shown: {}, typedAt: 0 };
  function persist() {
    try {
      localStorage.setItem(STORE, JSON.stringify({ token: state.token, profile: state.profile,
        pending: state.pending }));
    } catch (e) { /* private mode: the chat still works for this page */ }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }
  var css = el("link", { rel: "stylesheet", href: BASE + "/chat/widget.css" });
  document.head.appendChild(css);
  var root = el("div", { "class": "ccw", lang: lang });
  var launcher = el("button", { type: "button", "class": "ccw-launch", "aria-expanded": "false",
                                "aria-controls": "ccw-panel" }, t("open"));
  var panel = el("section", { id: "ccw-panel", "class": "ccw-panel", role: "dialog", "aria-labelledby": "ccw-title", hidden: "" });
  var head = el("header", { "class": "ccw-head" });
  head.appendChild(el("h2", { id: "ccw-title" }, t("title")));
  var closer = el("button", { type: "button", "class": "ccw-close", "aria-label": t("close") }, "\u00d7");
  head.appendChild(closer);
  var status = el("p", { "class": "ccw-status", role: "status", "aria-live": "polite" });
  var log = el("ol", { "class": "ccw-log", role: "log", "aria-live": "polite", "aria-label": t("log"), tabindex: "0" });
  var typing = el("p", { "class": "ccw-typing", "aria-live": "polite" });

  var pre = el("form", { "class": "ccw-pre", hidden: "" });
  function field(form, name, label, type, required) {
    var id = "ccw-" + name, wrap = el("p");
    wrap.appendChild(el("label", { "for": id }, label));
    var input = el(type === "select" ? "select" : "input", { id: id, name: name });
    if (type !== "select") input.setAttribute("type", type);
    if (required) input.setAttribute("required", "");
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  }
  var nameIn = field(pre, "name", t("name"), "text", true);
  var emailIn = field(pre, "email", t("email"), "email", false);
  var phoneIn = field(pre, "phone", t("phone"), "tel", false);
  var topicIn = field(pre, "topic", t("topic"), "select", false);
  pre.appendChild(el("button", { type: "submit" }, t("start")));

  var composer = el("form", { "class": "ccw-compose" });
  composer.appendChild(el("label", { "for": "ccw-text" }, t("message")));
  var text = el("textarea", { id: "ccw-text", rows: "2", maxlength: "4000" });
  composer.appendChild(text);
  var fileLabel = el("label", { "for": "ccw-file", "class": "ccw-attach" }, t("attach"));
  var file = el("input", { id: "ccw-file", type: "file" });
  composer.appendChild(fileLabel);
  composer.appendChild(file);
  composer.appendChild(el("button", { type: "submit" }, t("send")));
  var ender = el("button", { type: "button", "class": "ccw-end" }, t("end"));
  composer.appendChild(ender);

  var rating = el("form", { "class": "ccw-rate", hidden: "" });
  var fs = el("fieldset");
  fs.appendChild(el("legend", {}, t("rate")));
  [1, 2, 3, 4, 5].forEach(function (n) {
    var lab = el("label");
    lab.appendChild(el("input", { type: "radio", name: "score", value: String(n), required: "" }));
    lab.appendChild(document.createTextNode(" " + n));
    fs.appendChild(lab);
  });
  rating.appendChild(fs);
  var commentIn = field(rating, "comment", t("comment"), "text", false);
  var transcriptIn = field(rating, "transcript", t("transcript"), "email", false);
  rating.appendChild(el("button", { type: "submit" }, t("submit")));

  /* After the end, writing again is one click away (or comes back once rated), not a reload. */
  var again = el("button", { type: "button", "class": "ccw-again" }, t("again"));
  rating.appendChild(again);

  [head, status, log, typing, pre, composer, rating].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(launcher);
  root.appendChild(panel);
  document.body.appendChild(root);

  function showPre(show) { pre.hidden = !show; composer.hidden = show; }
  showPre(!state.profile);
  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      connect();
      (pre.hidden ? text : nameIn).focus();
      markRead();
    } else {
      launcher.focus();
    }
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  closer.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });

  function send(frame) {
    if (state.ws && state.ws.readyState === 1 && state.welcomed) { state.ws.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function clientId() {
    var b = new Uint8Array(12);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function line(author, body, key, attachments) {
    var item = log.querySelector('[data-key="' + key + '"]');
    if (!item) {
      item = el("li", { "class": "ccw-" + author, "data-key": key });
      item.appendChild(el("span", { "class": "ccw-who" }, t(author === "customer" ? "you" : author) + ": "));
      item.appendChild(el("span", { "class": "ccw-body" }, body));
      (attachments || []).forEach(function (a) {
        item.appendChild(el("span", { "class": "ccw-file" }, " [" + t("attached") + ": " + a.name + "]"));
      });
      item.appendChild(el("span", { "class": "ccw-state" }));
      log.appendChild(item);
      log.scrollTop = log.scrollHeight;
    }
    return item;
  }
  function mark(key, what) {
    var item = log.querySelector('[data-key="' + key + '"] .ccw-state');
    if (item) item.textContent = what ? " (" + t(what) + ")" : "";
  }
  function onMessage(m) {
    if (state.shown[m.seq]) return; /* a page's first hello reads the whole conversation */
    state.shown[m.seq] = true;
    var key = m.client_id && m.author === "customer" ? m.client_id : "s" + m.seq;
    line(m.author, m.body, key, m.attachments);
    if (m.client_id) mark(m.client_id, "");
    if (m.seq > state.lastSeq) { state.lastSeq = m.seq; persist(); }
    if (m.author === "agent") { typing.textContent = ""; markRead(); }
  }
  function markRead() {
    if (!panel.hidden && state.lastSeq) send({ type: "read", up_to: state.lastSeq });
  }
  function flush() {
    state.pending.forEach(function (f) { send(f); });
  }
  function queue(frame) {
    state.pending.push(frame);
    persist();
    line("customer", frame.body, frame.client_id, (frame.names || []).map(function (n) { return { name: n }; }));
    mark(frame.client_id, "sending");
    send(frame);
  }

  function onFrame(f) {
    if (f.type === "welcome") {
      state.token = f.token; state.welcomed = true; state.attempt = 0;
      lang = T[f.lang] ? f.lang : lang;
      status.textContent = t(f.availability === "open" ? "open_now" : f.availability);
      topicIn.textContent = "";
      (f.topics || []).forEach(function (name) { topicIn.appendChild(el("option", { value: name }, name)); });
      topicIn.parentNode.hidden = !(f.topics || []).length;
      emailIn.parentNode.hidden = (f.prechat || []).indexOf("email") < 0;
      phoneIn.parentNode.hidden = (f.prechat || []).indexOf("phone") < 0;
      if (!(f.prechat || []).length && !pre.hidden) {
        var hadFocus = document.activeElement === nameIn;
        showPre(false);
        if (hadFocus) text.focus();
      }
      (f.messages || []).forEach(onMessage);
      persist();
      flush();
    } else if (f.type === "message") {
      onMessage(f);
    } else if (f.type === "ack") {
      state.pending = state.pending.filter(function (p) { return p.client_id !== f.client_id; });
      mark(f.client_id, "");
      persist();
    } else if (f.type === "typing") {
      typing.textContent = t("typing");
    } else if (f.type === "ended") {
      status.textContent = t("ended");
      composer.hidden = true; rating.hidden = false;
      rating.querySelector("input").focus();
    } else if (f.type === "rated") {
      rating.hidden = true; composer.hidden = false;
      var mailed = f.transcript === "queued" || f.transcript === "unavailable" ? " " + t(f.transcript) : "";
      status.textContent = t("thanks") + mailed;
    } else if (f.type === "error") {
      if (f.code === "bad_token") { state.token = null; persist(); hello(); return; }
      if (f.code === "rate_limited" && f.client_id) {
        var again = state.pending.filter(function (p) { return p.client_id === f.client_id; })[0];
        if (again) setTimeout(function () { send(again); }, f.retry_after_ms || 1000);
        return;
      }
      if (f.client_id) {
        state.pending = state.pending.filter(function (p) { return p.client_id !== f.client_id; });
        mark(f.client_id, "failed"); persist();
      }
      status.textContent = f.message;
    }
  }
  function hello() {
    state.ws.send(JSON.stringify({ type: "hello", site: SITE, token: state.token, last_seq: state.lastSeq,
      lang: lang, profile: state.profile || {} }));
  }
  function connect() {
    if (state.ws) return;
    var ws = new WebSocket(BASE.replace(/^http/, "ws") + "/chat/ws");
    state.ws = ws; state.welcomed = false;
    ws.onopen = hello;
    ws.onmessage = function (e) { try { onFrame(JSON.parse(e.data)); } catch (err) { /* not ours */ } };
    ws.onclose = function () {
      state.ws = null; state.welcomed = false;
      status.textContent = t("reconnecting");
      var delay = Math.min(30000, 500 * Math.pow(2, state.attempt++)) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    };
  }

  pre.addEventListener("submit", function (e) {
    e.preventDefault();
    state.profile = { name: nameIn.value.trim(), email: emailIn.value.trim(), phone: phoneIn.value.trim(),
                      topic: topicIn.value || null };
    persist();
    showPre(false);
    if (state.ws) state.ws.close(); /* say hello again, with the profile */
    text.focus();
  });
  composer.addEventListener("submit", function (e) {
    e.preventDefault();
    var body = text.value.trim();
    if (!body) return;
    text.value = "";
    queue({ type: "message", client_id: clientId(), body: body });
  });
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); composer.requestSubmit(); }
  });
  text.addEventListener("input", function () {
    var now = Date.now();
    if (now - state.typedAt > 2000) { state.typedAt = now; send({ type: "typing" }); }
  });
  file.addEventListener("change", function () {
    var chosen = file.files && file.files[0];
    if (!chosen || !state.token) return;
    var data = new FormData();
    data.append("file", chosen, chosen.name);
    fetch(BASE + "/chat/upload?site=" + encodeURIComponent(SITE),
          { method: "POST", body: data, headers: { "X-Visitor-Token": state.token } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (r) {
        if (!r.ok) { status.textContent = r.body.error.message; return; }
        queue({ type: "message", client_id: clientId(), body: "", attachments: [r.body.id], names: [r.body.name] });
      })
      .catch(function () { status.textContent = t("failed"); });
    file.value = "";
  });
  ender.addEventListener("click", function () { send({ type: "end" }); });
  again.addEventListener("click", function () {
    rating.hidden = true; composer.hidden = false;
    status.textContent = "";
    text.focus();
  });
  rating.addEventListener("submit", function (e) {
    e.preventDefault();
    var picked = rating.querySelector("input[name=score]:checked");
    send({ type: "rate", score: Number(picked.value), comment: commentIn.value,
           transcript_email: transcriptIn.value.trim() || null });
  });
  if (state.pending.length) connect(); /* a reload with unsent messages sends them at once */
})();
