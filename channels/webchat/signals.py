"""Typing and read signals: shown live, never stored.

The chat speaks to a small port, `SignalPort`: publish a signal, subscribe to every signal. The
contact center's own signals hub (in process, or Redis pub/sub) plugs in at the composition root;
until it does, `LocalSignals` carries them within this process only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Signal:
    interaction_id: int
    kind: Literal["typing", "read"]
    by: Literal["agent", "customer"]
    agent_id: int | None = None
    up_to_message_id: int | None = None


SignalHandler = Callable[[Signal], Awaitable[None]]


class SignalPort(Protocol):
    async def publish(self, signal: Signal) -> None: ...

    def subscribe(self, handler: SignalHandler) -> None: ...


class LocalSignals:
    """Signals within one process (a stand-in until the shared hub is plugged in)."""

    def __init__(self) -> None:
        self._handlers: list[SignalHandler] = []

    async def publish(self, signal: Signal) -> None:
        for handler in self._handlers:
            try:
                await handler(signal)
            except Exception:  # one failing listener must not stop the others
                log.exception("webchat.signal_failed")

    def subscribe(self, handler: SignalHandler) -> None:
        self._handlers.append(handler)
