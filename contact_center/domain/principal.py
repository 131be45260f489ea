"""The signed-in caller, as the policy (`services/policy/`) and the commands that carry it see it."""

from __future__ import annotations

from dataclasses import dataclass

from contact_center.domain.enums import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Who, which role, which team: what a token resolves to, and all authorisation reads of them."""

    agent_id: int
    username: str
    role: Role
    team: str | None = None
    #: What their pages and error messages speak (`en` or `zh-CN`), and their clock; None: the
    #: browser's.
    language: str | None = None
    timezone: str | None = None

    @property
    def actor(self) -> str:
        return f"agent:{self.username}"
