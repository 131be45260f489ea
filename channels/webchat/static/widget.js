/* The contact center's chat widget: <script src="https://<server>/chat/widget.js" data-site="<key>" defer>.
   Protocol and embedding: docs/webchat.md. Nothing a person wrote is inserted as markup (textContent only). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var BASE = new URL(script.src).origin;
  var SITE = script.getAttribute("data-site") || "";
  var STORE = "cc-chat:" + SITE;
  // The widget's words in English; the server puts the other languages' translations of them
  // into CATALOGUES when it serves this file (from the product's catalogue, docs/i18n.md).
  function N_(text) { return text; }
  var T = {
    open: N_("Chat with us"),
    title: N_("Chat"),
    close: N_("Close chat"),
    name: N_("Your name"),
    email: N_("Email (optional)"),
    phone: N_("Phone (optional)"),
    topic: N_("Topic"),
    start: N_("Start chat"),
    message: N_("Message"),
    send: N_("Send"),
    attach: N_("Attach a file"),
    end: N_("End chat"),
    you: N_("You"),
    agent: N_("Support"),
    system: N_("Notice"),
    sending: N_("sending"),
    failed: N_("not sent"),
    open_now: N_("We are here. Write us a message."),
    closed: N_("We are away now. Leave a message and we will answer here when you return."),
    no_agents: N_("Nobody is free right now. Leave a message and we will answer here when you return."),
    reconnecting: N_("Connection lost; reconnecting…"),
    typing: N_("The agent is typing…"),
    rate: N_("How was this chat?"),
    score: N_("Rating"),
    comment: N_("Comment (optional)"),
    transcript: N_("Email me the transcript (optional)"),
    submit: N_("Send rating"),
    thanks: N_("Thank you for your rating."),
    queued: N_("The transcript is on its way to your email."),
    unavailable: N_("Sorry, we cannot email transcripts at the moment."),
    ended: N_("The chat has ended."),
    attached: N_("attached"),
    log: N_("Conversation"),
    again: N_("Write again")
  };
  var CATALOGUES = {} /* catalogues */;
  var asked = script.getAttribute("data-lang") || document.documentElement.lang || navigator.language || "en";
  var lang = /^zh/i.test(asked) ? "zh-CN" : "en";
  function t(key) { var found = (CATALOGUES[lang] || {})[T[key]]; return found || T[key]; }

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
      if (/^#[0-9a-f]{6}$/i.test(f.colour || "")) root.style.setProperty("--ccw-colour", f.colour);
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
