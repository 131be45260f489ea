// The planner page: loads forecast, requirements and the latest schedule of the chosen queue from
// /api/v1/planning and draws them; what-if inputs refetch the requirements without a reload.
// Building a schedule starts a background job (202): the page polls the job, shows its progress,
// and draws the schedule once the job has finished.
(function () {
  "use strict";
  const C = window.PlannerCharts;
  const $ = (id) => document.getElementById(id);
  const _ = window.i18n.gettext, f = window.i18n.format, num = window.i18n.number;
  const N_ = (text) => text;
  const STATUS = { draft: N_("draft"), published: N_("published"), queued: N_("queued"), running: N_("running"),
    finished: N_("finished"), failed: N_("failed") };
  const status = (value) => (STATUS[value] ? _(STATUS[value]) : value);
  const state = { queue: null, schedule: null, timer: null };

  function say(message) { $("status").textContent = message; }

  async function api(path, options) {
    const response = await fetch(path, Object.assign({ credentials: "same-origin" }, options || {}));
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
    return body;
  }

  function pct(v) { return v === null || v === undefined ? "–" : num(v * 100, { maximumFractionDigits: 1, minimumFractionDigits: 1 }) + " %"; }
  function perDay(doc) { return Math.round(1440 / doc.interval_minutes); }

  async function loadForecast() {
    const doc = await api("/api/v1/planning/queues/" + state.queue + "/forecast");
    const acc = doc.accuracy;
    if (acc) {
      $("forecast-week").textContent = f(_("held-out week of {date}"), { date: acc.week_start });
      $("accuracy").textContent = f(_("WAPE {wape} (last week's figures: {naive}) · bias {bias} · MASE {mase}"), {
        wape: pct(acc.model.wape), naive: pct(acc.seasonal_naive.wape), bias: pct(acc.model.bias),
        mase: acc.model.mase === null ? "–" : num(acc.model.mase, { maximumFractionDigits: 2, minimumFractionDigits: 2 }) });
      C.bars($("forecast-chart"), { values: acc.forecast, cls: "forecast", lines: [{ values: acc.actual, cls: "actual" }],
        labels: acc.intervals, perDay: perDay(acc) });
    } else {
      $("forecast-week").textContent = f(_("week of {date} (no complete week to score yet)"), { date: doc.week_start });
      $("accuracy").textContent = "";
      C.bars($("forecast-chart"), { values: doc.forecast, cls: "forecast", labels: doc.intervals, perDay: perDay(doc) });
    }
  }

  function whatIfQuery() {
    const q = new URLSearchParams();
    const aht = $("whatif-aht").value, sl = $("whatif-sl").value, t = $("whatif-threshold").value;
    if (aht && $("whatif-aht").dataset.base !== aht) q.set("aht_s", aht);
    if (sl && $("whatif-sl").dataset.base !== sl) q.set("sl_target", String(Number(sl) / 100));
    if (t && $("whatif-threshold").dataset.base !== t) q.set("sl_threshold_s", t);
    return q.toString();
  }

  async function loadRequirements(initial) {
    const query = initial ? "" : whatIfQuery();
    const doc = await api("/api/v1/planning/queues/" + state.queue + "/requirements" + (query ? "?" + query : ""));
    if (initial) {
      for (const [id, value] of [["whatif-aht", Math.round(doc.targets.aht_s || 0)],
        ["whatif-sl", Math.round(doc.targets.sl_target * 100)], ["whatif-threshold", doc.targets.sl_threshold_s]]) {
        $(id).value = String(value);
        $(id).dataset.base = String(value);
      }
    }
    $("requirements-week").textContent = f(_("week of {date}"), { date: doc.week_start });
    $("requirements-summary").textContent = f(_("Agents at peak: {peak} · {hours} agent-hours · SL {sl} in {threshold} s · AHT {aht} s"), {
      peak: num(doc.peak_agents), hours: num(doc.agent_hours), sl: Math.round(doc.targets.sl_target * 100) + " %",
      threshold: num(doc.targets.sl_threshold_s), aht: num(Math.round(doc.targets.aht_s || 0)) });
    C.bars($("requirements-chart"), { values: doc.agents, cls: "agents", labels: doc.intervals, perDay: perDay(doc) });
  }

  function drawSchedule(doc) {
    state.schedule = doc;
    const s = doc.summary || {};
    $("schedule-info").textContent = f(_("#{id} {status} · week of {date} · agents: {agents} · shifts: {shifts} · short {short} of {hours} required agent-hours"), {
      id: doc.id, status: status(doc.status), date: doc.week_start, agents: num(s.scheduled_agents || 0),
      shifts: num(s.shifts || 0), short: num(s.shortfall_pct || 0) + " %", hours: num(s.required_agent_hours || 0) });
    $("publish").disabled = doc.status !== "draft";
    for (const [id, ext] of [["export-csv", "csv"], ["export-ics", "ics"]]) {
      $(id).href = "/api/v1/planning/schedules/" + doc.id + "/export." + ext;
      $(id).hidden = false;
    }
    C.gantt($("gantt"), doc.agents.map((a) => ({ label: a.username, segments: a.segments })), doc.minutes, doc.starts_at);
    C.coverage($("coverage-chart"), doc.required, doc.scheduled, doc.intervals, perDay(doc));
  }

  async function loadSchedule() {
    const list = await api("/api/v1/planning/queues/" + state.queue + "/schedules");
    if (!list.items.length) {
      $("schedule-info").textContent = _("no schedule yet: build one");
      $("gantt").replaceChildren();
      $("coverage-chart").replaceChildren();
      return;
    }
    drawSchedule(await api("/api/v1/planning/schedules/" + list.items[0].id));
  }

  async function loadAll() {
    say(_("loading…"));
    try {
      await Promise.all([loadForecast(), loadRequirements(true), loadSchedule()]);
      say("");
    } catch (err) {
      say(err.message);
    }
  }

  function onWhatIf() {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => loadRequirements(false).catch((err) => say(err.message)), 150);
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function showProgress(job) {
    $("build-progress").hidden = false;
    $("build-bar").value = job.progress || 0;
    $("build-stage").textContent = job.status === "running" ? job.stage + " " + Math.round((job.progress || 0) * 100) + " %" : status(job.status);
  }

  async function followJob(location) {
    for (;;) {
      const job = await api(location);
      showProgress(job);
      if (job.status === "finished") return job;
      if (job.status === "failed") throw new Error(job.error ? job.error.message : _("the build failed"));
      await sleep(300);
    }
  }

  async function build() {
    $("build").disabled = true;
    say(_("solving…"));
    try {
      const body = { days: Number($("build-days").value || 7), time_limit_s: Number($("build-limit").value || 10) };
      const query = new URLSearchParams(whatIfQuery());
      if (query.get("aht_s")) body.aht_s = Number(query.get("aht_s"));
      if (query.get("sl_target")) body.sl_target = Number(query.get("sl_target"));
      if (query.get("sl_threshold_s")) body.sl_threshold_s = Number(query.get("sl_threshold_s"));
      const started = await api("/api/v1/planning/queues/" + state.queue + "/schedules", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      showProgress(started);
      const job = await followJob(started.links.job);
      drawSchedule(await api(job.links.schedule));
      say("");
    } catch (err) {
      say(err.message);
    } finally {
      $("build").disabled = false;
    }
  }

  async function publish() {
    try {
      drawSchedule(await api("/api/v1/planning/schedules/" + state.schedule.id + "/publish", { method: "POST" }));
    } catch (err) {
      say(err.message);
    }
  }

  // The queue last planned opens again (a planner looks after a few of them); the address names it,
  // so a view can be bookmarked or sent to a colleague.
  const QUEUE_KEY = "planner.queue";

  function rememberedQueue() {
    try {
      return localStorage.getItem(QUEUE_KEY);
    } catch (error) {
      return null;
    }
  }

  function choose(id) {
    state.queue = id;
    $("queue").value = id;
    try {
      localStorage.setItem(QUEUE_KEY, id);
    } catch (error) {
      // private browsing: the address still names it
    }
    history.replaceState(null, "", "?queue=" + encodeURIComponent(id));
  }

  async function start() {
    const queues = (await api("/api/v1/queues")).items;
    const wanted = new URLSearchParams(location.search).get("queue") || rememberedQueue();
    for (const q of queues) {
      const option = document.createElement("option");
      option.value = String(q.id);
      option.textContent = q.name + " (" + q.timezone + ")";
      $("queue").appendChild(option);
    }
    if (!queues.length) { say(_("no queues")); return; }
    choose(wanted && queues.some((q) => String(q.id) === wanted) ? wanted : String(queues[0].id));
    $("queue").addEventListener("change", () => { choose($("queue").value); loadAll(); });
    for (const id of ["whatif-aht", "whatif-sl", "whatif-threshold"]) $(id).addEventListener("input", onWhatIf);
    $("whatif-reset").addEventListener("click", () => {
      for (const id of ["whatif-aht", "whatif-sl", "whatif-threshold"]) $(id).value = $(id).dataset.base;
      onWhatIf();
    });
    $("build").addEventListener("click", build);
    $("publish").addEventListener("click", publish);
    await loadAll();
  }

  start().catch((err) => say(err.message));
})();
