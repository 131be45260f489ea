"""Ending sessions: sign-out revokes the token in use; an administrator revokes all of an agent's.

Both answer only after the revocation is committed and the token caches of every web process
have been told, so the next request with a revoked token is refused.
"""

from __future__ import annotations

from aiohttp import web

from contact_center.api import keys
from contact_center.api.access import principal_of
from contact_center.api.auth import bearer_token
from contact_center.api.validation import path_id
from contact_center.domain.commands import RevokeTokens
from contact_center.services.agents import token_hash

routes = web.RouteTableDef()


@routes.delete("/api/v1/auth/token")
async def sign_out(request: web.Request) -> web.Response:
    principal = principal_of(request)
    token = bearer_token(request)
    assert token is not None  # authenticate refused a request without one
    await request.app[keys.BUS].handle(
        RevokeTokens(agent_id=principal.agent_id, token_hash=token_hash(token), actor=principal.actor)
    )
    await request.app[keys.TOKENS].revoked(principal.agent_id)
    return web.json_response({"revoked": 1})


@routes.post("/api/v1/agents/{id}/revoke-tokens")
async def revoke_all(request: web.Request) -> web.Response:
    principal = principal_of(request)
    agent_id = path_id(request)
    count = await request.app[keys.BUS].handle(RevokeTokens(agent_id=agent_id, actor=principal.actor))
    await request.app[keys.TOKENS].revoked(agent_id)
    return web.json_response({"revoked": count})
