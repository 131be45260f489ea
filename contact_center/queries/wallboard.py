"""The supervisor's wallboard, per docs/metrics.md and docs/supervisor.md.

Entry points (one query each, timed by the benchmark): `queries.wallboard_today.today_figures`
(offered, answered, abandoned, service level, ASA, AHT and offers per interval, since midnight on
each queue's clock), `agents_by_queue` (agents by state among those who can take each queue's
work), `queries.dashboard.queue_figures` (waiting and longest wait now) and `wallboard`, all of
them for one view with each tile's colour and reasons (`domain.wallboard.judge`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from contact_center.domain.agents import Agent
from contact_center.domain.enums import Role
from contact_center.domain.queues import Queue
from contact_center.domain.wallboard import judge
from contact_center.queries.dashboard import EVERYONE, agents_by_state, queue_figures
from contact_center.queries.wallboard_today import COUNTS, SUMS, TodayFigures, today_figures
from contact_center.services.policy import DashboardView
from contact_center.storage.uow import UnitOfWork

__all__ = ["agents_by_queue", "today_figures", "wallboard"]
STATES = ("available", "busy", "wrap_up", "away", "offline")
TAKES_WORK = frozenset({Role.AGENT.value, Role.SUPERVISOR.value})


def _text(value: Any) -> str:
    """An enum column's value, whether the driver hands back the member or its string."""
    return str(getattr(value, "value", value))


async def agents_by_queue(uow: UnitOfWork, queues: Sequence[Queue]) -> dict[int, dict[str, int]]:
    """Agents by state (docs/metrics.md) among the active agents and supervisors who hold every
    skill a queue requires at its level; one agent may count in several queues."""
    handling = {agent_id for agent_id, _channel in await uow.interactions.handling()}
    stmt = select(col(Agent.id), col(Agent.presence), col(Agent.skills), col(Agent.role)).where(
        col(Agent.is_active).is_(True)
    )
    agents = [
        row for row in (await (await uow.connection()).execute(stmt)).all() if _text(row[3]) in TAKES_WORK
    ]
    out: dict[int, dict[str, int]] = {}
    for queue in queues:
        counts = dict.fromkeys(STATES, 0)
        for agent_id, presence, skills, _role in agents:
            if all((skills or {}).get(skill, -1) >= level for skill, level in queue.required_skills.items()):
                state = _text(presence)
                counts["busy" if state == "available" and agent_id in handling else state] += 1
        out[queue.id or 0] = counts
    return out


def _overall(today: Iterable[TodayFigures]) -> dict[str, Any]:
    """The view's queues together: sums of counts, rates recomputed from the sums."""
    sums: dict[str, Any] = dict.fromkeys(COUNTS, 0) | dict.fromkeys(SUMS, 0.0)
    for figures in today:
        for key in sums:
            sums[key] += getattr(figures, key)
    total = TodayFigures(0, "", "", 0, **sums)
    doc = total.as_json()
    for key in ("queue_id", "day", "timezone", "interval_minutes", "offered_by_interval"):
        doc.pop(key)
    return doc


def _alert(tile: dict[str, Any]) -> dict[str, Any]:
    red = [b for b in tile["breaches"] if b["level"] == "red"]
    return {"queue_id": tile["queue_id"], "name": tile["name"], "breaches": red}


async def wallboard(uow: UnitOfWork, view: DashboardView = EVERYONE) -> dict[str, Any]:
    """Every tile of the wallboard for one view, JSON-ready, read in one unit of work: per queue and
    overall, live and today's figures, agents by state, and each tile's colour with its reasons."""
    async with uow:
        now = uow.now()
        queues = [q for q in await uow.queues.list() if view.team is None or q.team == view.team]
        live = {f.queue_id: f for f in await queue_figures(uow, now, team=view.team)}
        today = await today_figures(uow, queues, now)
        agents = await agents_by_queue(uow, queues)
        overall_agents = await agents_by_state(uow, team=view.team)
    tiles: list[dict[str, Any]] = []
    for queue in queues:
        qid = queue.id or 0
        waiting = live[qid].waiting if qid in live else 0
        longest = live[qid].longest_wait_s if qid in live else 0.0
        figures = today[qid]
        verdict = judge(
            queue.alert_thresholds,
            {"waiting": waiting, "longest_wait_s": longest, "service_level": figures.service_level},
        )
        tiles.append(
            {
                "queue_id": qid,
                "name": queue.name,
                "channels": list(queue.channels),
                "sl_target": queue.sl_target,
                "sl_threshold_s": queue.sl_threshold_s,
                "waiting": waiting,
                "longest_wait_s": longest,
                "today": figures.as_json(),
                "agents": agents[qid],
                "level": verdict.level.word,
                "breaches": [
                    {"figure": b.figure, "level": b.level.word, "value": b.value, "limit": b.limit}
                    for b in verdict.breaches
                ],
            }
        )
    return {
        "at": now.isoformat(),
        "queues": tiles,
        "overall": {
            "waiting": sum(t["waiting"] for t in tiles),
            "longest_wait_s": max((t["longest_wait_s"] for t in tiles), default=0.0),
            "today": _overall(today.values()),
            "agents": overall_agents,
        },
        "alerts": [_alert(t) for t in tiles if t["level"] == "red"],
    }
