"""The simulated agents: who is on shift, what each is handling, and the time behind occupancy.

Occupancy is accrued per agent whenever its state changes (handling, available idle, or not
counted), split at interval boundaries, so no sampling error is added to the metric. An agent
handling anything counts as handling once, whatever the number of chats (the metrics rule for
concurrency), and keeps counting while finishing work after logging out. Time before interval 0
(the warm-up) and after the last interval (the drain) is not counted.
"""

from __future__ import annotations

from routing import AgentId, Channel
from workforce.simulation.scenario import AgentGroup

NOT_COUNTED, IDLE, HANDLING = 0, 1, 2


class SimAgent:
    """One agent. `away` is set by the engine (missed offers), `on_shift` by the staffing plan."""

    __slots__ = ("away", "group", "id", "known", "load", "on_shift", "since", "state", "total")

    def __init__(self, aid: AgentId, group: int) -> None:
        self.id = aid
        self.group = group
        self.load: dict[Channel, int] = {}
        self.total = 0
        self.on_shift = False
        self.away = False
        self.known = False  # the engine has seen this agent log in once
        self.state = NOT_COUNTED
        self.since = 0.0


class Staff:
    """All agents of a run and the per-group, per-interval handling and idle seconds."""

    def __init__(self, groups: tuple[AgentGroup, ...], start_s: float, interval_s: float, intervals: int):
        self.groups = groups
        self.start = start_s
        self.interval = interval_s
        self.end = start_s + interval_s * intervals
        self.intervals = intervals
        self.handling = [[0.0] * intervals for _ in groups]
        self.idle = [[0.0] * intervals for _ in groups]
        self.agents: dict[AgentId, SimAgent] = {}
        self.members: list[list[SimAgent]] = []
        for g, group in enumerate(groups):
            team = []
            for _ in range(max(group.staffing, default=0)):
                agent = SimAgent(AgentId(len(self.agents) + 1), g)
                self.agents[agent.id] = agent
                team.append(agent)
            self.members.append(team)

    def update(self, agent: SimAgent, now: float) -> None:
        """Accrue the time since the agent's last change, then take its state from its fields."""
        self._accrue(agent, now)
        if agent.total > 0:
            agent.state = HANDLING
        elif agent.on_shift and not agent.away:
            agent.state = IDLE
        else:
            agent.state = NOT_COUNTED

    def add_load(self, agent: SimAgent, channel: Channel, delta: int, now: float) -> None:
        agent.load[channel] = agent.load.get(channel, 0) + delta
        agent.total += delta
        if agent.total in (0, 1):  # only the first interaction and the last change the state
            self.update(agent, now)

    def close(self, now: float) -> None:
        for agent in self.agents.values():
            self._accrue(agent, max(now, self.end))

    def shift_changes(self, group: int, wanted: int) -> tuple[list[SimAgent], list[SimAgent]]:
        """Agents to log in and to log out so that `wanted` of the group are on shift.

        Logs in the lowest-numbered agents first; logs out idle agents before busy ones (a busy
        one finishes its work offline), the highest-numbered first, so rosters stay stable.
        """
        team = self.members[group]
        on = [a for a in team if a.on_shift]
        if wanted > len(on):
            return [a for a in team if not a.on_shift][: wanted - len(on)], []
        leaving = sorted(on, key=lambda a: (a.total > 0, -a.id))[: len(on) - wanted]
        return [], leaving

    def _accrue(self, agent: SimAgent, now: float) -> None:
        state, start = agent.state, agent.since
        agent.since = now
        if state == NOT_COUNTED:
            return
        start = max(start, self.start)
        stop = min(now, self.end)
        if stop <= start:
            return
        book = (self.handling if state == HANDLING else self.idle)[agent.group]
        i = min(int((start - self.start) // self.interval), self.intervals - 1)
        while start < stop:
            edge = min(self.start + (i + 1) * self.interval, stop)
            book[i] += edge - start
            start = edge
            i += 1
