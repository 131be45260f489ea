"""Asking the router "why?" from another process: a request list and a reply list in Redis.

In one process the web handler calls the router directly. With several, the web process pushes
`{interaction_id, reply}` and waits briefly on `reply`; the leading router answers from its engine.
No answer in time (no leader, say) means no live explanation, only the stored decision log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis

log = logging.getLogger(__name__)

Explain = Callable[[int], Awaitable[dict[str, Any] | None]]


def requests_key(namespace: str) -> str:
    return f"{namespace}:router:explain"


def remote_explainer(redis: Redis, namespace: str, timeout_s: float = 2.0) -> Explain:
    async def explain(interaction_id: int) -> dict[str, Any] | None:
        reply = f"{namespace}:router:reply:{uuid.uuid4().hex}"
        await redis.lpush(
            requests_key(namespace), json.dumps({"interaction_id": interaction_id, "reply": reply})
        )
        answer = await redis.blpop([reply], timeout=timeout_s)
        if answer is None:
            return None
        result: dict[str, Any] | None = json.loads(answer[1])
        return result

    return explain


async def serve_explanations(redis: Redis, namespace: str, explain: Explain) -> None:
    """Answer explain requests until cancelled (runs in the router process)."""
    while True:
        try:
            item = await redis.blpop([requests_key(namespace)], timeout=1)
            if item is None:
                continue
            request = json.loads(item[1])
            result = await explain(int(request["interaction_id"]))
            await redis.lpush(request["reply"], json.dumps(result))
            await redis.expire(request["reply"], 10)
        except asyncio.CancelledError:
            raise
        except Exception:  # a malformed request or Redis restarting: keep serving
            log.exception("router.explain_failed")
            await asyncio.sleep(0.5)
