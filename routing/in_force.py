"""The requirements in force for a kind of interaction, with what the indexes cache for them.

Interactions of one queue at one escalation step (with the same skills of their own) share one
`InForce`: its requirements, the waiting group they are filed in on each channel, and the pool
counts last copied for each requirement and channel. The hot paths find those through the object
the record already holds, instead of hashing nested requirement tuples per arrival. The engine
makes new ones whenever it rebuilds its indexes (`Queues.reset`).
"""

from __future__ import annotations

from routing.availability import PoolCopy
from routing.groups import Group
from routing.policy import Requirement
from routing.vocabulary import N_CHANNELS


class InForce:
    __slots__ = ("groups", "pools", "reqs")

    def __init__(self, reqs: tuple[Requirement, ...]) -> None:
        self.reqs = reqs
        # The group of waiting interactions per channel position (checked: a group can be dropped).
        self.groups: list[Group | None] = [None] * N_CHANNELS
        # Per requirement `i` and channel position `c`, at `i * N_CHANNELS + c` (`AgentIndex.pools`).
        self.pools: list[PoolCopy | None] = [None] * (len(reqs) * N_CHANNELS)
