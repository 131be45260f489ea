// The wallboard's tiles: one for all the reader's queues, one per queue, each with its colour said
// in words (why it is amber or red), today's figures, agents by state and the forecast against
// actual per interval; and the alert banner for every queue in red. Text only (no innerHTML).
import { N_, channelName, presenceName, word } from "./console_labels.js";

const _ = window.i18n.gettext, f = window.i18n.format, num = window.i18n.number;
const FIGURES = { waiting: N_("Waiting now"), longest_wait_s: N_("Longest wait now"),
  service_level: N_("Service level today") };
const REASONS = {
  "high.red": N_("{figure}: {value}, red from {limit}"),
  "high.amber": N_("{figure}: {value}, amber from {limit}"),
  "low.red": N_("{figure}: {value}, red below {limit}"),
  "low.amber": N_("{figure}: {value}, amber below {limit}"),
};
const LEVELS = { red: N_("Red"), amber: N_("Amber"), ok: N_("Normal") };
const list = new Intl.ListFormat(window.i18n.language, { style: "narrow", type: "conjunction" });

/** Supervisors and admins drill down from the tiles; a planner's page has figures only. */
function opensConsole() {
  return document.querySelector("main[data-console]") !== null;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(seconds);
  if (s < 60) return f(_("{s} s"), { s: s });
  return f(_("{m} min {s} s"), { m: Math.floor(s / 60), s: s % 60 });
}

const percent = (value) => (value === null || value === undefined ? "–"
  : num(value, { style: "percent", maximumFractionDigits: 1 }));

function shown(figure, value) {
  if (figure === "service_level") return percent(value);
  if (figure === "longest_wait_s") return duration(value);
  return num(value);
}

function reason(b) {
  const side = b.figure === "service_level" ? "low" : "high";
  return f(_(REASONS[side + "." + b.level]), { figure: word(FIGURES, b.figure),
    value: shown(b.figure, b.value), limit: shown(b.figure, b.limit) });
}

function figure(label, value, cls) {
  return el("div", { class: "figure " + (cls || "") }, el("dt", { text: label }), el("dd", { text: value }));
}

function figures(live, today, target) {
  const dl = el("dl", { class: "figures" });
  dl.append(
    figure(_("Waiting now"), num(live.waiting), "waiting"),
    figure(_("Longest wait now"), live.waiting ? duration(live.longest_wait_s) : "–", "longest"),
    figure(_("Offered today"), num(today.offered), "offered"),
    figure(_("Answered"), num(today.answered), "answered"),
    figure(_("Abandoned"), num(today.abandoned), "abandoned"),
    figure(target ? f(_("Service level ({target} in {seconds} s)"), target) : _("Service level"),
      percent(today.service_level), "service-level"),
    figure(_("ASA"), duration(today.asa_s), "asa"),
    figure(_("AHT"), duration(today.aht_s), "aht"),
  );
  return dl;
}

function agents(counts) {
  const ul = el("ul", { class: "tile-agents", "aria-label": _("Agents") });
  for (const [state, count] of Object.entries(counts)) {
    ul.append(el("li", { class: "state-" + state, text: f(_("{state}: {count}"), { state: presenceName(state), count: num(count) }) }));
  }
  return ul;
}

function hhmm(minutes) {
  return String(Math.floor(minutes / 60)).padStart(2, "0") + ":" + String(minutes % 60).padStart(2, "0");
}

// Forecast against actual per interval of the queue's day: a small bar chart (drawn with CSS
// heights) and, for screen readers and exact numbers, the table it is drawn from.
function forecastBlock(tile) {
  const actual = tile.today.offered_by_interval, forecast = tile.forecast, minutes = tile.today.interval_minutes;
  const box = el("details", { class: "forecast" });
  const total = actual.reduce((a, b) => a + b, 0);
  const summary = forecast
    ? f(_("Forecast against actual: {actual} offered, {forecast} forecast so far"), {
      actual: num(total), forecast: num(sumUpTo(forecast, lastInterval(tile)), { maximumFractionDigits: 0 }) })
    : _("Forecast against actual: no forecast for today yet");
  box.append(el("summary", { text: summary }));
  const peak = Math.max(1, ...actual, ...(forecast || [0]));
  const chart = el("div", { class: "bars", "aria-hidden": "true" });
  const table = el("table", { class: "grid intervals" });
  table.append(el("thead", {}, el("tr", {}, el("th", { text: _("Interval") }), el("th", { class: "num", text: _("Forecast") }), el("th", { class: "num", text: _("Actual") }))));
  const body = el("tbody");
  for (let i = 0; i < actual.length; i++) {
    const expected = forecast ? forecast[i] : null;
    const column = el("div", { class: "bar", title: hhmm(i * minutes) });
    const filled = el("span", { class: "actual" });
    filled.style.height = (100 * actual[i] / peak) + "%";  // CSSOM, allowed by the CSP
    column.append(filled);
    if (expected) {
      const outline = el("span", { class: "expected" });
      outline.style.height = (100 * expected / peak) + "%";
      column.append(outline);
    }
    chart.append(column);
    if (actual[i] || (expected && expected >= 0.5)) {
      body.append(el("tr", {}, el("td", { text: hhmm(i * minutes) }),
        el("td", { class: "num", text: expected === null ? "–" : num(expected, { maximumFractionDigits: 1 }) }),
        el("td", { class: "num", text: num(actual[i]) })));
    }
  }
  table.append(body);
  box.append(chart, el("p", { class: "legend", text: _("Outline: forecast; filled: actual offers.") }), el("div", { class: "scroll" }, table));
  return box;
}

function lastInterval(tile) {
  const minutes = tile.today.interval_minutes;
  const now = new Date();
  const local = new Intl.DateTimeFormat("en-GB", { timeZone: tile.today.timezone || "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(now);
  const [h, m] = local.split(":").map(Number);
  return Math.floor((h * 60 + m) / minutes);
}

function sumUpTo(values, last) {
  let total = 0;
  for (let i = 0; i <= last && i < values.length; i++) total += values[i];
  return total;
}

function tile(name, channels, live, today, counts, level, breaches, target, extra) {
  const article = el("article", { class: "tile level-" + level });
  const head = el("header", {}, el("h2", { text: name }));
  if (channels) head.append(el("span", { class: "channels", text: channels }));
  article.append(head);
  // Why, in words: the figures past their limits (a queue), or how many queues are in alert (all).
  const why = typeof breaches === "string" ? breaches : list.format(breaches.map(reason));
  const said = why ? f(_("{level}: {why}"), { level: word(LEVELS, level), why: why }) : word(LEVELS, level);
  const status = el("p", { class: "status", text: said });
  article.append(status, figures(live, today, target), agents(counts));
  if (extra) article.append(extra);
  return article;
}

export function render(board) {
  const tiles = document.getElementById("tiles");
  tiles.replaceChildren();
  const overall = board.overall;
  // All queues: the worst colour of its queues, and how many are red and amber.
  const red = board.queues.filter((q) => q.level === "red").length;
  const amber = board.queues.filter((q) => q.level === "amber").length;
  const parts = [];
  if (red) parts.push(f(_("queues in red: {count}"), { count: num(red) }));
  if (amber) parts.push(f(_("queues in amber: {count}"), { count: num(amber) }));
  const all = tile(_("All queues"), null, overall, overall.today, overall.agents,
    red ? "red" : amber ? "amber" : "ok", list.format(parts), null, null);
  all.classList.add("overall");
  all.dataset.overall = "1";
  tiles.append(all);
  for (const q of board.queues) {
    const target = { target: percent(q.sl_target), seconds: num(q.sl_threshold_s) };
    const channels = list.format(q.channels.map((c) => channelName(c)));
    const node = tile(q.name, channels, q, q.today, q.agents, q.level, q.breaches, target, forecastBlock(q));
    node.dataset.queue = q.name;
    if (opensConsole()) {  // the queue's drill-down: who waits, who is served
      const title = node.querySelector("h2");
      title.replaceChildren(el("a", { href: "/console/queues/" + q.queue_id, text: q.name }));
    }
    tiles.append(node);
  }
  const banner = document.getElementById("alert-banner");
  const items = document.getElementById("alert-list");
  items.replaceChildren();
  for (const alert of board.alerts) {
    items.append(el("li", { text: f(_("Queue {queue}: {reasons}"), { queue: alert.name, reasons: list.format(alert.breaches.map(reason)) }) }));
  }
  banner.hidden = board.alerts.length === 0;
}

