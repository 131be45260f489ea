"""The decision log and the answers to "why this agent?" and "why is this one still waiting?".

Entries are stored as small tuples holding structured reasons and rendered to text only when a
supervisor asks. Finished interactions stay explainable until `RoutingRules.history_limit` more
have finished. The live part of an answer ("still waiting because ...") is computed on request by
scanning the agents once, which is fine for a query and kept off the routing path.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from routing.agent_record import AgentRecord
from routing.agents import AgentIndex
from routing.availability import FREE, STATUS_TEXT, Pool
from routing.decisions import OfferReason
from routing.policy import QueuePolicy, Requirement, alternatives, describe, meets, next_step_time
from routing.vocabulary import AgentId, InteractionId, QueueId
from routing.waiting import Payload, RawEntry, WaitingRecord


@dataclass(frozen=True, slots=True)
class LogEntry:
    at: float
    kind: str
    agent: AgentId | None
    text: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """`state` is waiting, offered, accepted, removed or unknown; `summary` says why, now."""

    interaction: InteractionId
    state: str
    summary: str
    history: tuple[LogEntry, ...]

    def __str__(self) -> str:
        lines = [f"interaction {self.interaction}: {self.state}. {self.summary}"]
        for e in self.history:
            who = f" agent {e.agent}" if e.agent is not None else ""
            lines.append(f"  {e.at:.1f} {e.kind}{who}: {e.text}")
        return "\n".join(lines)


class DecisionLog:
    """Finished interactions, the last `history_limit` of them, with their entries.

    A live interaction keeps its entries on its own record (`WaitingRecord.log`), so adding one
    is a list append (the first and the last, "queued" and "accepted", are made from the record's
    fields when read); finishing puts the record itself in a bounded deque, which forgets the
    oldest: no new object and no dictionary on the accept path. Finding a finished interaction
    (for `explain`, on request) scans it from the newest, a few thousand pointers.
    """

    def __init__(self, history_limit: int) -> None:
        self._finished: deque[WaitingRecord] = deque(maxlen=history_limit)

    @staticmethod
    def add(rec: WaitingRecord, at: float, kind: str, agent: AgentId | None, payload: Payload) -> None:
        rec.log.append((at, kind, agent, payload))

    def finish(self, rec: WaitingRecord, state: str, at: float) -> None:
        rec.state, rec.ended_at = state, at
        self._finished.append(rec)

    def finished(self, iid: InteractionId) -> WaitingRecord | None:
        """The last finished interaction with this id, if it is still remembered."""
        for rec in reversed(self._finished):
            if rec.id == iid:
                return rec
        return None

    def state(self, iid: InteractionId) -> str | None:
        """How a finished interaction ended, if it is still remembered."""
        done = self.finished(iid)
        return None if done is None else done.state

    def history(self, iid: InteractionId, live: WaitingRecord | None) -> tuple[LogEntry, ...]:
        """The entries of `live` (the interaction's record if it is still routed), else of the
        finished interaction `iid` if remembered."""
        rec = live if live is not None else self.finished(iid)
        if rec is None:
            return ()
        entries: list[RawEntry] = [(rec.queued_at, "queued", None, None), *rec.log]
        if rec.state == "accepted":
            entries.append((rec.ended_at, "accepted", rec.offered_to, rec.ended_at - rec.enqueued_at))
        return tuple(
            LogEntry(at=at, kind=kind, agent=agent, text=render(kind, payload, rec))
            for at, kind, agent, payload in entries
        )


def render(kind: str, payload: Payload, rec: WaitingRecord) -> str:
    if payload is None:  # the "queued" entry
        boost = rec.policy.class_boost.get(rec.customer_class, 0.0)
        text = (
            f"queue {rec.queue} on {rec.channel}, priority {rec.base:.2f} ({rec.customer_class} +{boost:g})"
        )
        sticky = rec.sticky_at_queue
        return text + (f", sticky to agent {rec.preferred} until {sticky:.1f}" if sticky else "")
    if isinstance(payload, OfferReason):
        return payload.text()
    if isinstance(payload, str):
        return payload
    if isinstance(payload, float):
        return f"{kind} after {payload:.1f}s"
    pools = (Pool(skill, level, counts) for skill, level, counts in payload)
    return "no free eligible agent; pool " + "; ".join(p.text() for p in pools)


def explanation(
    iid: InteractionId,
    rec: WaitingRecord | None,
    log: DecisionLog,
    agents: AgentIndex,
    policies: dict[QueueId, QueuePolicy],
    now: float,
) -> Explanation:
    """Why interaction `iid` (its record `rec` while it is routed) went to its agent, or why it
    is still waiting, with its history."""
    history = log.history(iid, rec)
    if rec is None:
        state = log.state(iid) or "unknown"
        summary = "no longer routed" if state != "unknown" else "not known to the engine"
        return Explanation(interaction=iid, state=state, summary=summary, history=history)
    if rec.offered_to is not None:
        summary = f"offered to agent {rec.offered_to} at {rec.offered_at:.1f}, waiting for the answer"
        return Explanation(interaction=iid, state="offered", summary=summary, history=history)
    summary = waiting_summary(rec, agents, policies, now, rec.is_sticky(now))
    return Explanation(interaction=iid, state="waiting", summary=summary, history=history)


def waiting_summary(
    rec: WaitingRecord,
    agents: AgentIndex,
    policies: dict[QueueId, QueuePolicy],
    now: float,
    sticky: bool,
) -> str:
    """Why `rec` has no agent yet, from the agents as they are now."""
    waited = now - rec.enqueued_at
    parts = [
        f"waiting {waited:.1f}s in queue {rec.queue} on {rec.channel} "
        f"(effective priority {rec.base + rec.rate * waited:.2f}, escalation step {rec.step})"
    ]
    if sticky:
        parts.append(f"sticky window: reserved for agent {rec.preferred} until {rec.sticky_until:.1f}")
    for req in rec.alts:
        parts.append(f"no free agent with {describe(req)}: " + _pool_text(req, rec, agents))
    later = next_step_time(rec.policy, rec.step, rec.enqueued_at)
    if later is not None:
        widened = alternatives(policies, rec.queue, dict(rec.own_skills), rec.step + 1)
        parts.append(
            f"escalation step {rec.step + 1} at {later - rec.enqueued_at:g}s (t={later:.1f}) "
            f"will accept {' or '.join(describe(r) for r in widened)}"
        )
    else:
        parts.append("no further escalation step")
    return "; ".join(parts)


def _pool_text(req: Requirement, rec: WaitingRecord, agents: AgentIndex) -> str:
    counts: dict[str, int] = {}
    below = excluded = 0
    have = {skill for skill, _ in req}
    for agent in agents.agents.values():
        if not meets(agent.skills, req):
            if have and have <= agent.skills.keys():
                below += 1
            continue
        if agent.id in rec.excluded:
            excluded += 1
            continue
        name = STATUS_TEXT[agent.status[rec.ch]]
        counts[name] = counts.get(name, 0) + 1
    total = sum(counts.values()) + excluded
    if not total:
        text = "no agent has it"
    else:
        text = f"{total} agent(s) have it but " + ", ".join(f"{n} {name}" for name, n in counts.items())
        if excluded:
            text += (", " if counts else "") + f"{excluded} already rejected or missed it"
    if below:
        text += f"; {below} more have the skill(s) below the level"
    return text


def agent_detail(rec: WaitingRecord, agent: AgentRecord | None, sticky: bool) -> str:
    """Whether one named agent could take `rec` right now, and if not, every reason why not."""
    if agent is None:
        return "unknown agent"
    reasons: list[str] = []
    status = agent.status[rec.ch]
    if status != FREE:
        reasons.append(f"{STATUS_TEXT[status]} on {rec.channel} (presence {agent.presence})")
    if rec.matching(agent.skills) is None:
        has = ", ".join(f"{s}={agent.skills.get(s, 0)}" for req in rec.alts for s, _ in req) or "none"
        reasons.append(f"does not meet {' or '.join(describe(r) for r in rec.alts)} (has {has})")
    if agent.id in rec.excluded:
        reasons.append("already rejected or missed this interaction")
    if sticky and agent.id != rec.preferred:
        reasons.append(f"interaction reserved for agent {rec.preferred} until {rec.sticky_until:.1f}")
    if rec.offered_to is not None:
        reasons.append(f"interaction already offered to agent {rec.offered_to}")
    return "eligible now" if not reasons else "not eligible: " + "; ".join(reasons)
