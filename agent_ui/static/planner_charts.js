// Small SVG charts for the planner pages, drawn from numbers the page fetched. Text only goes in
// through textContent, never markup. Exposes window.PlannerCharts.
(function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  const HEIGHT = 180;
  const PAD = { left: 34, right: 6, top: 8, bottom: 22 };
  const N_ = (text) => text;
  const ACTIVITIES = { shift: N_("shift"), break: N_("break"), lunch: N_("lunch") };
  const activity = (name) => (ACTIVITIES[name] ? window.i18n.gettext(ACTIVITIES[name]) : name);

  function el(name, attrs, parent) {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, x, y, value, cls) {
    const t = el("text", { x: x, y: y, class: cls || "tick" }, parent);
    t.textContent = value;
    return t;
  }

  function frame(svg, count, top) {
    svg.replaceChildren();
    const width = Math.max(600, count * 3) + PAD.left + PAD.right;
    svg.setAttribute("viewBox", "0 0 " + width + " " + HEIGHT);
    svg.setAttribute("preserveAspectRatio", "none");
    const plotW = width - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const max = top > 0 ? top : 1;
    const x = (i) => PAD.left + (i * plotW) / Math.max(count, 1);
    const y = (v) => PAD.top + plotH - (v * plotH) / max;
    el("line", { x1: PAD.left, y1: y(0), x2: width - PAD.right, y2: y(0), class: "axis" }, svg);
    for (const f of [0.5, 1]) {
      el("line", { x1: PAD.left, y1: y(max * f), x2: width - PAD.right, y2: y(max * f), class: "grid" }, svg);
      text(svg, 2, y(max * f) + 4, String(Math.round(max * f * 10) / 10));
    }
    return { x: x, y: y, step: plotW / Math.max(count, 1), plotH: plotH };
  }

  function dayTicks(svg, scale, labels, perDay) {
    for (let d = 0; d * perDay < labels.length; d++) {
      const i = d * perDay;
      el("line", { x1: scale.x(i), y1: PAD.top, x2: scale.x(i), y2: HEIGHT - PAD.bottom, class: "day" }, svg);
      const when = new Date(labels[i]);
      text(svg, scale.x(i) + 3, HEIGHT - 6, window.i18n.date(when, { weekday: "short", day: "numeric" }));
    }
  }

  // bars: values drawn as rect.bar.<cls>; lines: [{values, cls}] drawn as polylines.
  function bars(svg, opts) {
    const values = opts.values.map((v) => v || 0);
    const lines = opts.lines || [];
    let top = Math.max(0, ...values);
    for (const line of lines) top = Math.max(top, ...line.values.map((v) => v || 0));
    const scale = frame(svg, values.length, top * 1.05);
    values.forEach((v, i) => {
      const r = el("rect", {
        x: scale.x(i), y: scale.y(v), width: Math.max(scale.step - 0.4, 0.6),
        height: scale.y(0) - scale.y(v), class: "bar " + (opts.cls || ""), "data-value": v,
      }, svg);
      const title = el("title", {}, r);
      title.textContent = (opts.labels ? window.i18n.dateTime(opts.labels[i]) + ": " : "") + window.i18n.number(v);
    });
    for (const line of lines) {
      const pts = line.values.map((v, i) => scale.x(i + 0.5) + "," + scale.y(v || 0)).join(" ");
      el("polyline", { points: pts, class: "line " + line.cls }, svg);
    }
    if (opts.labels && opts.perDay) dayTicks(svg, scale, opts.labels, opts.perDay);
    svg.dataset.total = String(values.reduce((a, b) => a + b, 0));
    svg.dataset.count = String(values.length);
  }

  // rows: [{label, segments: [{start_minute, end_minute, activity}]}] over `minutes` of horizon.
  function gantt(svg, rows, minutes, startIso) {
    svg.replaceChildren();
    const rowH = 22, labelW = 110, width = 1000;
    const height = rows.length * rowH + 24;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    const x = (m) => labelW + (m * (width - labelW - 4)) / Math.max(minutes, 1);
    const start = new Date(startIso);
    for (let d = 0; d * 1440 < minutes; d++) {
      el("line", { x1: x(d * 1440), y1: 0, x2: x(d * 1440), y2: height - 18, class: "day" }, svg);
      const day = new Date(start.getTime() + d * 86400000);
      text(svg, x(d * 1440) + 3, height - 5, window.i18n.date(day, { weekday: "short", day: "numeric" }));
    }
    rows.forEach((row, r) => {
      const g = el("g", { class: "gantt-row", "data-agent": row.label }, svg);
      text(g, 4, r * rowH + 15, row.label, "agent");
      for (const s of row.segments) {
        const rect = el("rect", {
          x: x(s.start_minute), y: r * rowH + 3, width: Math.max(x(s.end_minute) - x(s.start_minute), 1),
          height: rowH - 6, class: "segment " + s.activity,
        }, g);
        const title = el("title", {}, rect);
        title.textContent = activity(s.activity) + " " + window.i18n.dateTime(s.start) + " – " + window.i18n.time(s.end);
      }
    });
  }

  // Scheduled as bars, required as a line; intervals short of the requirement get a gap bar.
  function coverage(svg, required, scheduled, labels, perDay) {
    const gaps = required.map((r, i) => Math.max(0, r - (scheduled[i] || 0)));
    bars(svg, { values: scheduled, cls: "scheduled", lines: [{ values: required, cls: "required" }], labels, perDay });
    const top = Math.max(...required, ...scheduled.map((v) => v || 0), 0) * 1.05;
    const scale = { x: (i) => PAD.left + (i * (svg.viewBox.baseVal.width - PAD.left - PAD.right)) / required.length };
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    gaps.forEach((g, i) => {
      if (g <= 0) return;
      const y0 = PAD.top + plotH - ((scheduled[i] || 0) * plotH) / (top || 1);
      const h = (g * plotH) / (top || 1);
      el("rect", { x: scale.x(i), y: y0 - h, width: Math.max(scale.x(1) - scale.x(0) - 0.4, 0.6), height: h, class: "gap" }, svg);
    });
    svg.dataset.short = String(gaps.reduce((a, b) => a + b, 0));
  }

  window.PlannerCharts = { bars: bars, gantt: gantt, coverage: coverage, activity: activity };
})();
