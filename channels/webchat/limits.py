"""The visitor side's limits: messages per second per connection, connections per address.

Both answer with an error frame rather than dropping anything: a message refused by the rate limit
was not stored, and the frame says when to send it again. Counts are per web process (a visitor's
connections from one address usually land on one process behind a sticky balancer; docs/webchat.md).
"""

from __future__ import annotations

import time
from collections import Counter


class TokenBucket:
    """`rate` tokens a second, up to `burst` saved; each message takes one."""

    __slots__ = ("_at", "_burst", "_rate", "_tokens")

    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._at = time.monotonic()

    def take(self) -> float:
        """0 when a token was taken; else the seconds until one will be there."""
        now = time.monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens >= 1:
            self._tokens -= 1
            return 0.0
        return (1 - self._tokens) / self._rate


class ConnectionCounts:
    """Open visitor connections per remote address."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._open: Counter[str] = Counter()

    def enter(self, address: str) -> bool:
        """Count one more connection from `address`; False (and nothing counted) over the limit."""
        if self._open[address] >= self._limit:
            return False
        self._open[address] += 1
        return True

    def leave(self, address: str) -> None:
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]
