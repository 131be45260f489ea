"""The event loop: one replication of a scenario, driving the real routing engine.

A heap of timed events (arrivals, offer answers, ends of handling and wrap-up, abandonments, shift
changes, returns from away, and the engine's own deadlines as `Tick`s) is popped in time order;
each becomes the routing event the router service would send, and the engine's decisions are
acted on as agents would: an `Offer` is answered (at once by default), an expired or withdrawn
offer cancels the pending answer, `SetAgentAway` takes the agent off for a while. Wait runs from
entering the queue to acceptance (answered) or abandonment. Design: docs/workforce.md, "Simulation".
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from itertools import accumulate

import numpy as np

from routing import (
    AgentId,
    AgentLoadChanged,
    AgentLoggedIn,
    AgentPresenceChanged,
    AgentState,
    Decision,
    InteractionId,
    InteractionQueued,
    InteractionRemoved,
    Offer,
    OfferAccepted,
    OfferExpired,
    OfferRejected,
    OfferWithdrawn,
    Presence,
    RoutingEngine,
    SetAgentAway,
    Tick,
    WaitingInteraction,
)
from routing.events import Event
from workforce.simulation.results import OccupancyStats, SimulationResult, Tally
from workforce.simulation.scenario import Scenario
from workforce.simulation.staff import SimAgent, Staff

ARRIVE, ANSWER, HANDLED, WRAPPED, ABANDON, SHIFT, TICK, BACK, END = range(9)
WAITING, OFFERED, ANSWERED, ABANDONED = range(4)


class Contact:
    __slots__ = ("agent", "arrived", "expires", "interval", "queue", "state", "tally", "token")

    def __init__(self, queue: int, arrived: float, interval: int, tally: tuple[Tally, ...]) -> None:
        self.queue = queue
        self.arrived = arrived
        self.interval = interval  # -1 during the warm-up: not counted
        self.tally = tally  # the interval's and the class's counts
        self.state = WAITING
        self.agent: SimAgent | None = None
        self.token = 0
        self.expires = 0.0  # of the pending offer


def simulate(scenario: Scenario, seed: int | np.random.Generator) -> SimulationResult:
    """Run one replication; the same scenario and seed give the same result, bit for bit."""
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    return _Run(scenario, rng).run()


class _Run:
    def __init__(self, scenario: Scenario, rng: np.random.Generator) -> None:
        self.sc = scenario
        self.rng = rng
        self.engine = RoutingEngine([q.policy for q in scenario.queues], scenario.rules)
        self.start = scenario.warmup_s
        self.staff = Staff(scenario.groups, self.start, scenario.interval_s, scenario.intervals)
        self.heap: list[tuple[float, int, int, int, int]] = []
        self.seq = 0
        self.last_id = 0
        self.contacts: dict[InteractionId, Contact] = {}
        self.open = 0  # counted contacts neither answered nor abandoned yet
        self.tick_at: float | None = None
        self.ended = False
        self.tallies = [[Tally(q.threshold) for _ in range(scenario.intervals)] for q in scenario.queues]
        self.by_class = [{c: Tally(q.threshold) for c in q.class_mix} for q in scenario.queues]
        self.classes = [list(q.class_mix) for q in scenario.queues]
        self.cumulative = [list(accumulate(q.class_mix.values())) for q in scenario.queues]
        self.immediate = scenario.offers.accept_delay is None and scenario.offers.reject_probability == 0

    def run(self) -> SimulationResult:
        sc = self.sc
        if self.start > 0:
            self._staff_to(0, 0.0)
            self._spawn(0, 0.0, self.start, -1)
        for i in range(sc.intervals):
            self._push(self.start + i * sc.interval_s, SHIFT, i)
        self._push(self.start + sc.horizon_s, END)
        handlers = (
            self._arrive, self._answer, self._handled, self._wrapped, self._abandon,
            self._shift, self._tick, self._back, self._end,
        )  # fmt: skip
        now = 0.0
        while self.heap and not (self.ended and (self.open == 0 or not sc.drain)):
            now, _, kind, x, y = heapq.heappop(self.heap)
            handlers[kind](now, x, y)
            deadline = self.engine.next_deadline()
            if deadline is not None and (self.tick_at is None or deadline < self.tick_at):
                self.tick_at = deadline
                self._push(deadline, TICK)
        self.staff.close(now)
        return self._result()

    # ---- events -----------------------------------------------------------------------------

    def _arrive(self, now: float, queue: int, interval: int) -> None:
        spec = self.sc.queues[queue]
        rng = self.rng
        klass = self.classes[queue][0]
        if len(self.classes[queue]) > 1:
            cum = self.cumulative[queue]
            klass = self.classes[queue][min(bisect_right(cum, rng.random() * cum[-1]), len(cum) - 1)]
        tallies: tuple[Tally, ...] = ()
        if interval >= 0:
            tallies = (self.tallies[queue][interval], self.by_class[queue][klass])
            for tally in tallies:
                tally.offered += 1
            self.open += 1
        self.last_id += 1
        iid = InteractionId(self.last_id)
        self.contacts[iid] = Contact(queue, now, interval, tallies)
        if spec.patience is not None:
            self._push(now + spec.patience.sample(rng), ABANDON, iid)
        item = WaitingInteraction(iid, spec.channel, spec.queue, now, customer_class=klass)
        self._send(InteractionQueued(item, now))

    def _answer(self, now: float, iid: int, token: int) -> None:
        contact = self.contacts.get(InteractionId(iid))
        if contact is None or contact.state != OFFERED or contact.token != token:
            return  # the offer expired, was withdrawn or the customer left meanwhile
        if now >= contact.expires:
            return  # too late: the engine expires the offer at this very time (its Tick is due)
        assert contact.agent is not None
        if self.rng.random() < self.sc.offers.reject_probability:
            contact.state = WAITING
            self._send(OfferRejected(InteractionId(iid), contact.agent.id, now))
        else:
            self._accept(InteractionId(iid), contact, contact.agent, now)

    def _handled(self, now: float, iid: int, _: int) -> None:
        contact = self.contacts[InteractionId(iid)]
        wrap = self.sc.queues[contact.queue].wrap_up
        if wrap is not None:
            self._push(now + wrap.sample(self.rng), WRAPPED, iid)
        else:
            self._wrapped(now, iid, 0)

    def _wrapped(self, now: float, iid: int, _: int) -> None:
        contact = self.contacts.pop(InteractionId(iid))
        agent = contact.agent
        assert agent is not None
        self.staff.add_load(agent, self.sc.queues[contact.queue].channel, -1, now)
        self._send(AgentLoadChanged(agent.id, dict(agent.load), now))

    def _abandon(self, now: float, iid: int, _: int) -> None:
        contact = self.contacts.get(InteractionId(iid))
        if contact is None or contact.state not in (WAITING, OFFERED):
            return
        contact.state = ABANDONED
        del self.contacts[InteractionId(iid)]
        if contact.interval >= 0:
            self.open -= 1
            for tally in contact.tally:
                tally.abandon(now - contact.arrived, self.sc.short_abandon_s)
        self._send(InteractionRemoved(InteractionId(iid), now, "abandoned"))

    def _shift(self, now: float, interval: int, _: int) -> None:
        self._staff_to(interval, now)
        length = self.sc.interval_s
        self._spawn(interval, now, now + length, interval)

    def _tick(self, now: float, _: int, __: int) -> None:
        if self.tick_at == now:
            self.tick_at = None
            self._send(Tick(now))

    def _back(self, now: float, aid: int, _: int) -> None:
        agent = self.staff.agents[AgentId(aid)]
        if agent.away and agent.on_shift:
            agent.away = False
            self.staff.update(agent, now)
            self._send(AgentPresenceChanged(agent.id, Presence.AVAILABLE, now))

    def _end(self, now: float, _: int, __: int) -> None:
        self.ended = True

    # ---- engine -----------------------------------------------------------------------------

    def _send(self, event: Event) -> None:
        self._act(self.engine.handle(event), event.at)

    def _act(self, decisions: list[Decision], now: float) -> None:
        for d in decisions:
            if isinstance(d, Offer):
                contact = self.contacts[d.interaction]
                contact.state, contact.agent = OFFERED, self.staff.agents[d.agent]
                contact.expires = d.expires_at
                if self.immediate:
                    self._accept(d.interaction, contact, contact.agent, now)
                else:
                    contact.token += 1
                    delay = self.sc.offers.accept_delay
                    at = now + (delay.sample(self.rng) if delay is not None else 0.0)
                    self._push(at, ANSWER, d.interaction, contact.token)
            elif isinstance(d, OfferExpired | OfferWithdrawn):
                contact_or_none = self.contacts.get(d.interaction)
                if contact_or_none is not None and contact_or_none.state == OFFERED:
                    contact_or_none.state = WAITING
                    contact_or_none.token += 1
            elif isinstance(d, SetAgentAway):
                agent = self.staff.agents[d.agent]
                agent.away = True
                self.staff.update(agent, now)
                self._push(now + self.sc.offers.away_s, BACK, agent.id)

    def _accept(self, iid: InteractionId, contact: Contact, agent: SimAgent, now: float) -> None:
        contact.state = ANSWERED
        if contact.interval >= 0:
            self.open -= 1
            for tally in contact.tally:
                tally.answer(now - contact.arrived)
        spec = self.sc.queues[contact.queue]
        self.staff.add_load(agent, spec.channel, 1, now)
        handle = spec.handle_time_at(max(contact.interval, 0)).sample(self.rng)
        self._push(now + handle, HANDLED, iid)
        self._send(OfferAccepted(iid, agent.id, now))

    # ---- shifts and arrivals ----------------------------------------------------------------

    def _staff_to(self, interval: int, now: float) -> None:
        for g, group in enumerate(self.sc.groups):
            joining, leaving = self.staff.shift_changes(g, group.staffing[interval])
            for agent in leaving:
                agent.on_shift, agent.away = False, False
                self.staff.update(agent, now)
                self._send(AgentPresenceChanged(agent.id, Presence.OFFLINE, now))
            for agent in joining:
                agent.on_shift, agent.away = True, False
                self.staff.update(agent, now)
                self._login(agent, now)

    def _login(self, agent: SimAgent, now: float) -> None:
        if agent.known:
            self._send(AgentPresenceChanged(agent.id, Presence.AVAILABLE, now))
            return
        agent.known = True
        group = self.sc.groups[agent.group]
        state = AgentState(agent.id, Presence.AVAILABLE, group.skills, group.capacity, dict(agent.load), now)
        self._send(AgentLoggedIn(state, now))

    def _spawn(self, interval: int, start: float, stop: float, counted: int) -> None:
        """Poisson arrivals of every queue over [start, stop) at `interval`'s forecast rate."""
        share = (stop - start) / self.sc.interval_s
        for q, spec in enumerate(self.sc.queues):
            count = int(self.rng.poisson(spec.arrivals[interval] * share))
            for at in np.sort(self.rng.uniform(start, stop, count)).tolist():
                self._push(at, ARRIVE, q, counted)

    def _push(self, at: float, kind: int, x: int = 0, y: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (at, self.seq, kind, x, y))

    def _result(self) -> SimulationResult:
        sc = self.sc
        queues = {
            spec.queue: tuple(t.freeze() for t in rows)
            for spec, rows in zip(sc.queues, self.tallies, strict=True)
        }
        groups = {
            group.name: tuple(OccupancyStats(h, i) for h, i in zip(hs, ids, strict=True))
            for group, hs, ids in zip(sc.groups, self.staff.handling, self.staff.idle, strict=True)
        }
        classes = {
            (spec.queue, klass): tally.freeze()
            for spec, per_class in zip(sc.queues, self.by_class, strict=True)
            for klass, tally in per_class.items()
        }
        return SimulationResult(sc.interval_s, sc.intervals, queues, groups, classes)
