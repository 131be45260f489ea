"""Asking "why?" across processes: only the leading router answers, so a standby never answers
"no live view" in its place (the explanation used to alternate between the two on every call)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from redis.asyncio import Redis

from contact_center.router.explain_rpc import remote_explainer, serve_explanations
from tests.conftest import REDIS_TEST_URL, unique


async def test_only_the_leader_answers_and_a_standby_leaves_the_question_alone() -> None:
    namespace = unique("cc:test:explain:")
    redis = Redis.from_url(REDIS_TEST_URL)

    async def standby_view(interaction_id: int) -> dict[str, Any] | None:
        return None  # what a router that does not lead knows

    async def leader_view(interaction_id: int) -> dict[str, Any] | None:
        return {"interaction": interaction_id, "state": "waiting"}

    standby = asyncio.create_task(serve_explanations(redis, namespace, standby_view, lambda: False))
    leader_leads = asyncio.Event()
    leader = asyncio.create_task(serve_explanations(redis, namespace, leader_view, leader_leads.is_set))
    ask = remote_explainer(redis, namespace, timeout_s=3.0)
    try:
        pending = asyncio.create_task(ask(7))
        await asyncio.sleep(0.5)  # nobody leads: the question waits on the list, unanswered
        assert not pending.done()
        leader_leads.set()
        assert await pending == {"interaction": 7, "state": "waiting"}
        for interaction_id in range(8, 12):  # every time, never the standby's "nothing"
            assert await ask(interaction_id) == {"interaction": interaction_id, "state": "waiting"}
    finally:
        for task in (standby, leader):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        async for key in redis.scan_iter(match=f"{namespace}*"):
            await redis.delete(key)
        await redis.aclose()
