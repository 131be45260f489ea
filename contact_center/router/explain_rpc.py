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

from contact_center.outage import Outage, is_outage, stop_if_cancelled

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


async def serve_explanations(
    redis: Redis, namespace: str, explain: Explain, leading: Callable[[], bool]
) -> None:
    """Answer explain requests until cancelled (runs in every router process).

    Only the leader takes requests off the list: a standby would answer "no live view" to every
    other request. Redis going away pauses the answers (logged once) and never ends the task."""
    outage = Outage(log, "router.explain")
    while True:
        stop_if_cancelled()
        if not leading():
            await asyncio.sleep(0.2)
            continue
        try:
            item = await redis.blpop([requests_key(namespace)], timeout=1)
            outage.recovered()
            if item is None:
                continue
            request = json.loads(item[1])
            result = await explain(int(request["interaction_id"]))
            await redis.lpush(request["reply"], json.dumps(result))
            await redis.expire(request["reply"], 10)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not is_outage(exc):  # a malformed request: keep serving
                log.exception("router.explain_failed")
                continue
            outage.failed(exc)
            await outage.pause()
