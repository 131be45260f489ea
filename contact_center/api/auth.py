"""Bearer-token authentication with roles. The web pages send the same token in a cookie."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from aiohttp import web

from contact_center.api.keys import UOW
from contact_center.domain.enums import Role
from contact_center.domain.errors import ForbiddenError, UnauthenticatedError
from contact_center.services.agents import token_hash
from contact_center.storage.uow import UnitOfWork

COOKIE = "cc_session"


class _UnitsOfWork(Protocol):
    def uow(self) -> UnitOfWork: ...


#: Read only by api/planning.py, until it takes `keys.UOW` like every other handler; then it goes.
CONTAINER_KEY: web.AppKey[_UnitsOfWork] = web.AppKey("container")


@dataclass(frozen=True, slots=True)
class Principal:
    agent_id: int
    username: str
    role: Role

    @property
    def actor(self) -> str:
        return f"agent:{self.username}"


PRINCIPAL_KEY = web.RequestKey("principal", Principal)

STAFF = (Role.AGENT, Role.SUPERVISOR, Role.PLANNER, Role.ADMIN)
MANAGERS = (Role.SUPERVISOR, Role.ADMIN)


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(COOKIE)


async def authenticate(request: web.Request) -> Principal:
    cached = request.get(PRINCIPAL_KEY)
    if cached is not None:
        return cached
    token = bearer_token(request)
    if token is None:
        raise UnauthenticatedError("sign in: send Authorization: Bearer <token>")
    async with request.app[UOW]() as uow:
        found = await uow.agents.by_token_hash(token_hash(token))
        now = uow.now()
    if found is None:
        raise UnauthenticatedError("unknown or expired token")
    api_token, agent = found
    if (
        api_token.revoked
        or not agent.is_active
        or (api_token.expires_at is not None and api_token.expires_at < now)
    ):
        raise UnauthenticatedError("unknown or expired token")
    principal = Principal(agent.id or 0, agent.username, Role(agent.role))
    request[PRINCIPAL_KEY] = principal
    return principal


async def require(request: web.Request, *roles: Role) -> Principal:
    principal = await authenticate(request)
    if roles and principal.role not in roles and principal.role is not Role.ADMIN:
        raise ForbiddenError(f"this needs the role {' or '.join(r.value for r in roles)}")
    return principal
