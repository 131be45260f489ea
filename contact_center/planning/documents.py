"""Planning results as JSON documents: what the API returns and the planner pages draw.

Series are arrays aligned with `intervals` (each interval's local start, ISO 8601 with offset).
Numbers are rounded for the wire; a figure that is not defined (WAPE with no actual contacts) is
null, never NaN, which JSON cannot carry.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from contact_center.domain.agents import Agent
from contact_center.domain.planning import AgentContractTerms, ForecastOverride, Schedule
from contact_center.domain.planning_commands import Terms
from contact_center.planning.forecast import HeldOut, WeekForecast
from contact_center.planning.history import QueueHistory
from contact_center.planning.requirements import WeekRequirements, WhatIf
from contact_center.planning.schedules import StoredSchedule, week_of
from contact_center.planning.weeks import WeekGrid
from workforce.accuracy import ForecastScores
from workforce.scheduling import AgentAdherence, shift_segments


def num(value: float | None, digits: int = 3) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def series(values: Iterable[float], digits: int = 3) -> list[float | None]:
    return [num(v, digits) for v in np.asarray(list(values), dtype=np.float64)]


def _grid(grid: WeekGrid) -> dict[str, Any]:
    return {
        "week_start": grid.first_day.isoformat(),
        "timezone": grid.tz.key,
        "interval_minutes": grid.interval_minutes,
        "intervals": grid.starts(),
    }


def history_doc(queue_id: int, history: QueueHistory) -> dict[str, Any]:
    return {
        "queue_id": queue_id,
        "weeks": history.grid.weeks,
        **_grid(history.grid),
        "offered": series(history.total(), 0),
        "aht_s": series(history.aht(), 1),
        "channels": {
            name: {"offered": series(history.offered[name], 0), "aht_s": series(history.aht(name), 1)}
            for name in history.channels
        },
    }


def _scores(scores: ForecastScores) -> dict[str, float | None]:
    return {"wape": num(scores.wape), "bias": num(scores.bias), "mase": num(scores.mase)}


def accuracy_doc(held: HeldOut) -> dict[str, Any]:
    made, report = held.forecast, held.report
    return {
        **_grid(made.grid),
        "forecast": series(made.total(), 2),
        "actual": series(made.actual if made.actual is not None else [], 0),
        "models": {name: c.model for name, c in made.channels.items()},
        "model": _scores(report.model),
        "seasonal_naive": _scores(report.baseline),
        "wape_ratio": num(report.wape_ratio),
    }


def forecast_doc(made: WeekForecast, held: HeldOut | None) -> dict[str, Any]:
    return {
        "queue_id": made.queue.id,
        **_grid(made.grid),
        "history_weeks": made.history_weeks,
        "forecast": series(made.total(), 2),
        "baseline": series(made.baseline(), 2),
        "actual": series(made.actual, 0) if made.actual is not None else None,
        "aht_s": series(made.aht(), 1),
        "channels": {
            name: {
                "model": c.model,
                "forecast": series(c.contacts, 2),
                "aht_s": series(c.aht_s, 1),
                "backtest": [{"model": s.model, "wape": num(s.wape)} for s in c.scores],
            }
            for name, c in made.channels.items()
        },
        "accuracy": accuracy_doc(held) if held is not None else None,
    }


def requirements_doc(made: WeekForecast, need: WeekRequirements, what_if: WhatIf) -> dict[str, Any]:
    contacts = need.contacts
    weighted = float((contacts * need.aht_s).sum() / contacts.sum()) if contacts.sum() > 0 else None
    return {
        "queue_id": made.queue.id,
        **_grid(made.grid),
        "contacts": series(contacts, 2),
        "aht_s": series(need.aht_s, 1),
        "agents": need.agents,
        "peak_agents": max(need.agents, default=0),
        "agent_hours": num(need.agent_hours, 2),
        "targets": {
            "sl_target": what_if.sl_target if what_if.sl_target is not None else made.queue.sl_target,
            "sl_threshold_s": what_if.sl_threshold_s
            if what_if.sl_threshold_s is not None
            else made.queue.sl_threshold_s,
            "aht_s": num(weighted, 1),
        },
        "what_if": {
            "aht_s": what_if.aht_s,
            "sl_target": what_if.sl_target,
            "sl_threshold_s": what_if.sl_threshold_s,
        },
        "channels": {
            name: {
                "agents": [r.agents for r in rows],
                "service_level": [num(r.service_level) for r in rows],
            }
            for name, rows in need.by_channel.items()
        },
    }


def override_doc(row: ForecastOverride) -> dict[str, Any]:
    return {
        "id": row.id,
        "queue_id": row.queue_id,
        "channel": row.channel,
        "starts_at": row.starts_at.isoformat(),
        "ends_at": row.ends_at.isoformat(),
        "multiplier": row.multiplier,
        "value": row.value,
        "reason": row.reason,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
    }


def schedule_row_doc(row: Schedule) -> dict[str, Any]:
    return {
        "id": row.id,
        "queue_id": row.queue_id,
        "status": row.status,
        "solver_status": row.solver_status,
        "week_start": week_of(row).isoformat(),
        "starts_at": row.starts_at.isoformat(),
        "timezone": row.timezone,
        "interval_minutes": row.interval_minutes,
        "num_intervals": row.num_intervals,
        "summary": row.summary,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
        "published_at": row.published_at.isoformat() if row.published_at else None,
    }


def schedule_doc(schedule: StoredSchedule, agents: Sequence[Agent]) -> dict[str, Any]:
    horizon, result = schedule.horizon, schedule.result
    by_id = {str(a.id): a for a in agents}
    segments: dict[str, list[dict[str, Any]]] = defaultdict(list)
    paid: dict[str, int] = defaultdict(int)
    for shift in sorted(result.shifts, key=lambda s: (s.agent_id, s.start)):
        paid[shift.agent_id] += shift.paid_minutes
        for (a, b, _), seg in zip(shift.minute_segments(), shift_segments(shift, horizon), strict=True):
            segments[shift.agent_id].append(
                {
                    "start": seg.start.isoformat(),
                    "end": seg.end.isoformat(),
                    "start_minute": a,
                    "end_minute": b,
                    "activity": seg.activity.value,
                }
            )
    rows = []
    for agent_id in sorted(segments, key=lambda a: by_id[a].username if a in by_id else a):
        agent = by_id.get(agent_id)
        rows.append(
            {
                "agent_id": int(agent_id),
                "username": agent.username if agent else agent_id,
                "display_name": agent.display_name if agent else agent_id,
                "paid_hours": round(paid[agent_id] / 60, 2),
                "segments": segments[agent_id],
            }
        )
    return {
        **schedule_row_doc(schedule.row),
        "minutes": horizon.minutes,
        "intervals": [
            horizon.at(i * horizon.interval_minutes).isoformat() for i in range(horizon.num_intervals)
        ],
        "required": [c.required for c in result.coverage],
        "scheduled": [num(c.scheduled, 2) for c in result.coverage],
        "agents": rows,
    }


def adherence_doc(
    schedule: StoredSchedule, report: Sequence[AgentAdherence], names: dict[int, str]
) -> dict[str, Any]:
    return {
        "schedule_id": schedule.row.id,
        "agents": [
            {
                "agent_id": int(a.agent_id),
                "username": names.get(int(a.agent_id), a.agent_id),
                "adherence": num(a.adherence),
                "conformance": num(a.conformance),
                "scheduled_minutes": num(a.scheduled_minutes, 1),
                "adherent_minutes": num(a.adherent_minutes, 1),
                "worked_minutes": num(a.worked_minutes, 1),
                "intervals": [
                    {
                        "interval": i.interval,
                        "start": i.start.isoformat(),
                        "scheduled_minutes": num(i.scheduled_minutes, 1),
                        "adherent_minutes": num(i.adherent_minutes, 1),
                        "adherence": num(i.adherence),
                        "conformance": num(i.conformance),
                    }
                    for i in a.intervals
                ],
            }
            for a in report
        ],
    }


def terms_of(row: AgentContractTerms | None) -> Terms:
    """An agent's terms: their contract row's, or the defaults without one."""
    if row is None:
        return Terms()
    return Terms(**{name: getattr(row, name) for name in Terms.__dataclass_fields__})


def terms_doc(agent_id: int, terms: Terms, is_default: bool) -> dict[str, Any]:
    return {"agent_id": agent_id, "is_default": is_default, **asdict(terms)}
