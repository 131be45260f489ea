"""Today's wallboard figures on SQLite and PostgreSQL, hand-checked: the queue's own midnight,
service level without short abandons, ASA, AHT, offers per interval, agents per queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contact_center.domain.commands import UpdateQueue
from contact_center.domain.enums import InteractionState
from contact_center.queries.wallboard import agents_by_queue, today_figures, wallboard
from contact_center.queries.wallboard_today import _statement
from tests.contact_center.planning.conftest import Planning

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai; its day began 17 March 16:00 UTC


def utc(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


async def test_today_counts_from_the_queues_midnight_and_leaves_short_abandons_out(
    planning: Planning,
) -> None:
    queue_id, queue = await planning.queue(timezone="Asia/Shanghai", interval=30)
    agent = await planning.agent()
    late = await planning.offer(queue, utc(17, 15, 59, 50))  # 23:59:50 yesterday on the queue's clock
    await planning.handle(late, utc(17, 16, 0, 5), agent, talk_s=60, wrap_s=0)  # answered today: not today's
    c1 = await planning.offer(queue, utc(17, 16, 30))  # 00:30: interval 1
    await planning.handle(c1, utc(17, 16, 30), agent, talk_s=100, wrap_s=20)  # waits 10 s, handled 120 s
    c2 = await planning.offer(queue, utc(18, 2, 0))  # 10:00: interval 20
    await planning.handle(c2, utc(18, 2, 0, 30), agent, talk_s=200, wrap_s=40)  # waits 40 s, handled 240 s
    c3 = await planning.offer(queue, utc(18, 3, 0))  # 11:00: interval 22
    await planning.move(c3, InteractionState.ABANDONED, utc(18, 3, 0, 3))  # a short abandon (3 s)
    c4 = await planning.offer(queue, utc(18, 3, 10))
    await planning.move(c4, InteractionState.ABANDONED, utc(18, 3, 10, 30))
    await planning.offer(queue, utc(18, 4, 0))  # 12:00: interval 24, still waiting
    c6 = await planning.offer(queue, utc(18, 4, 5))
    await planning.offer_to(c6, utc(18, 4, 5, 5), agent)
    await planning.move(c6, InteractionState.QUEUED, utc(18, 4, 5, 15))  # back from an offer: no new offer
    await planning.offer_to(c6, utc(18, 4, 5, 20), agent)
    await planning.accept(c6, utc(18, 4, 5, 25), agent)  # waits 25 s, still being handled

    planning.clock.at = NOW
    async with planning.container.read_uow() as uow:
        q = await uow.queues.get(queue_id)
        figures = (await today_figures(uow, [q], NOW))[queue_id]

    assert figures.day == "2026-03-18"
    assert (figures.offered, figures.answered, figures.abandoned, figures.short_abandoned) == (6, 3, 2, 1)
    assert figures.answered_in_threshold == 1  # only c1 within 20 s
    assert figures.service_level == 1 / (6 - 1)
    assert figures.asa_s == (10 + 40 + 25) / 3
    assert (figures.handled, figures.aht_s) == (2, (120 + 240) / 2)
    per_interval = {i: n for i, n in enumerate(figures.offered_by_interval) if n}
    assert per_interval == {1: 1, 20: 1, 22: 2, 24: 2}
    assert len(figures.offered_by_interval) == 48


async def test_a_transfer_is_a_new_offer_in_the_queue_it_enters(planning: Planning) -> None:
    first_id, first = await planning.queue()
    second_id, second = await planning.queue()
    agent = await planning.agent()
    contact = await planning.offer(first, utc(18, 9, 0))
    await planning.offer_to(contact, utc(18, 9, 0, 2), agent)
    await planning.accept(contact, utc(18, 9, 0, 4), agent)
    await planning.move(contact, InteractionState.TRANSFERRED, utc(18, 9, 1, 4), agent, queue=second)
    planning.clock.at = NOW
    async with planning.container.read_uow() as uow:
        queues = [await uow.queues.get(first_id), await uow.queues.get(second_id)]
        figures = await today_figures(uow, queues, NOW)
    assert (figures[first_id].offered, figures[first_id].answered, figures[first_id].handled) == (1, 1, 1)
    assert figures[first_id].aht_s == 60 and figures[first_id].service_level == 1.0
    assert (figures[second_id].offered, figures[second_id].answered) == (1, 0)
    assert figures[second_id].service_level == 0.0 and figures[second_id].asa_s is None


async def test_agents_count_in_the_queues_whose_skills_they_hold(planning: Planning) -> None:
    skilled_id, _ = await planning.queue(skills=(("billing", 3),))
    await planning.agent(skills=(("billing", 2),))
    await planning.agent(skills=(("billing", 4),))
    async with planning.container.read_uow() as uow:
        counts = await agents_by_queue(uow, [await uow.queues.get(skilled_id)])
    # agents are created offline: one of the two holds billing at level 3 or more
    assert counts[skilled_id]["offline"] - 0 >= 1
    assert sum(counts[skilled_id].values()) < sum((await _all_agents(planning)).values())


async def _all_agents(planning: Planning) -> dict[str, int]:
    open_queue_id, _ = await planning.queue()
    async with planning.container.read_uow() as uow:
        return (await agents_by_queue(uow, [await uow.queues.get(open_queue_id)]))[open_queue_id]


async def test_a_tile_past_its_red_limit_is_an_alert_with_its_reason(planning: Planning) -> None:
    queue_id, queue = await planning.queue()
    await planning.container.bus.handle(
        UpdateQueue(
            queue_id=queue_id,
            changes=(
                ("alert_thresholds", {"waiting_amber": 1, "waiting_red": 2, "longest_wait_red_s": 600}),
            ),
        )
    )
    await planning.offer(queue, NOW - timedelta(seconds=90))
    planning.clock.at = NOW
    board = await wallboard(planning.container.read_uow())
    tile = next(t for t in board["queues"] if t["queue_id"] == queue_id)
    assert tile["level"] == "amber" and tile["waiting"] == 1 and tile["longest_wait_s"] == 90
    assert tile["breaches"] == [{"figure": "waiting", "level": "amber", "value": 1.0, "limit": 1.0}]
    await planning.offer(queue, NOW - timedelta(seconds=30))
    board = await wallboard(planning.container.read_uow())
    tile = next(t for t in board["queues"] if t["queue_id"] == queue_id)
    assert tile["level"] == "red"
    assert {"queue_id": queue_id, "name": queue, "breaches": tile["breaches"]} in board["alerts"]
    assert board["overall"]["waiting"] >= 2 and board["overall"]["today"]["offered"] >= 2


async def test_today_is_read_through_the_covering_index_never_the_history(
    planning: Planning, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the plan is SQLite's words; PostgreSQL chooses by its statistics")
    queue_id, _queue = await planning.queue()
    async with planning.container.read_uow() as uow:
        conn = await uow.connection()
        stmt = _statement("sqlite", [queue_id], NOW - timedelta(days=1), NOW)
        sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        plan = " | ".join(
            str(row[-1]) for row in (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)).all()
        )
    assert (
        "USING COVERING INDEX ix_interaction_transition_queue_at_states (queue_id=? AND at>? AND at<?)"
        in plan
    )
    assert "SCAN interaction_transition" not in plan


async def test_the_answered_formula_divides_by_the_answered(planning: Planning) -> None:
    queue_id, queue = await planning.queue()
    agent = await planning.agent()
    quick = await planning.offer(queue, utc(18, 9, 0))
    await planning.handle(quick, utc(18, 9, 0, 5), agent, talk_s=60, wrap_s=0)  # within 20 s
    slow = await planning.offer(queue, utc(18, 9, 10))
    await planning.handle(slow, utc(18, 9, 11, 0), agent, talk_s=60, wrap_s=0)  # waits 60 s
    gone = await planning.offer(queue, utc(18, 9, 20))
    await planning.move(gone, InteractionState.ABANDONED, utc(18, 9, 21, 0))  # a real abandon
    planning.clock.at = NOW
    async with planning.container.read_uow() as uow:
        q = [await uow.queues.get(queue_id)]
        by_offered = (await today_figures(uow, q, NOW))[queue_id]
        by_answered = (await today_figures(uow, q, NOW, "answered"))[queue_id]
    assert by_offered.service_level == 1 / 3 and by_answered.service_level == 1 / 2
    board = await wallboard(planning.container.read_uow(), formula="answered")
    [tile] = [t for t in board["queues"] if t["queue_id"] == queue_id]
    assert tile["today"]["service_level"] == 1 / 2 and tile["today"]["formula"] == "answered"
    assert (
        board["overall"]["today"]["service_level"]
        == board["overall"]["today"]["answered_in_threshold"] / (board["overall"]["today"]["answered"])
    )
