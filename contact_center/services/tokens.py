"""Revoking bearer tokens: a sign-out ends one, an administrator (or a deactivation) ends them all.

The rows are marked, never deleted, so the audit trail of who signed in keeps its references. The
web processes' token caches hear `agent.tokens_revoked` and drop what they hold for the agent.
"""

from __future__ import annotations

from contact_center.domain.commands import RevokeTokens
from contact_center.domain.events import TokensRevoked
from contact_center.storage.uow import UnitOfWork


async def revoke_tokens(cmd: RevokeTokens, uow: UnitOfWork) -> int:
    """Returns how many tokens were revoked."""
    async with uow:
        await uow.agents.get(cmd.agent_id)
        count = await uow.agents.revoke_tokens(cmd.agent_id, cmd.token_hash)
        now = uow.now()
        uow.audit(
            cmd.actor, "agent", cmd.agent_id, "revoke_tokens", {"count": count, "all": cmd.token_hash is None}
        )
        uow.emit(TokensRevoked(agent_id=cmd.agent_id, all_tokens=cmd.token_hash is None, at=now))
        await uow.commit()
        return count
