"""The console's board kept by events (`queries.live_floor.LiveBoard`) against the database read
afresh, on SQLite and PostgreSQL: after every step of a day of work, delivered through the real
outbox, the board shows what `queue_figures` and `floor` read; and a read crossed by events
never goes back in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contact_center.domain import events as ev
from contact_center.domain.commands import SetPresence
from contact_center.domain.enums import Channel, InteractionState, Presence
from contact_center.queries.dashboard import queue_figures
from contact_center.queries.floor import floor
from contact_center.queries.live_floor import LiveBoard, LiveInteraction, LiveSnapshot, read_live
from tests.contact_center.planning.conftest import Planning

T0 = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def _board(planning: Planning) -> LiveBoard:
    board = LiveBoard()

    async def apply(event: ev.Event) -> None:
        board.apply(event)

    planning.container.broker.subscribe("test-board", apply, live=True)
    async with planning.container.read_uow() as uow:
        board.load(await read_live(uow))
    return board


async def _agrees(
    planning: Planning, board: LiveBoard, queue_ids: list[int], now: datetime
) -> list[tuple[int, float]]:
    """Deliver what was committed, then hold the board against a fresh read; the board's waiting
    and longest wait per queue."""
    await planning.container.dispatcher.drain()
    planning.clock.at = now
    async with planning.container.read_uow() as uow:
        queues = [await uow.queues.get(q) for q in queue_ids]
        read = await queue_figures(uow, now, queues=queues)
        agents = await floor(uow)
    assert board.queue_figures(queues, now) == read
    assert sorted(board.floor().agents, key=lambda a: a.id) == sorted(agents.agents, key=lambda a: a.id)
    assert board.floor().by_queue(queues) == agents.by_queue(queues)
    return [(f.waiting, f.longest_wait_s) for f in read]


async def test_the_board_moved_by_events_shows_what_a_read_shows(planning: Planning) -> None:
    first_id, first = await planning.queue(skills=(("billing", 2),))
    second_id, second = await planning.queue()
    queues = [first_id, second_id]
    anna = await planning.agent(skills=(("billing", 3),))
    bo = await planning.agent()
    board = await _board(planning)
    assert not board.needs_read

    for agent in (anna, bo):
        planning.clock.at = at(1)
        await planning.container.bus.handle(SetPresence(agent_id=agent, presence=Presence.AVAILABLE))
    await _agrees(planning, board, queues, at(2))

    c1 = await planning.offer(first, at(10), Channel.CHAT)
    c2 = await planning.offer(first, at(20), Channel.CHAT)
    c3 = await planning.offer(second, at(30))
    assert await _agrees(planning, board, queues, at(40)) == [(2, 30.0), (1, 10.0)]

    await planning.offer_to(c1, at(41), anna)  # offered: still waiting, since it was queued
    await _agrees(planning, board, queues, at(42))
    await planning.move(c1, InteractionState.QUEUED, at(50))  # the offer lapsed: waiting anew from 50
    assert await _agrees(planning, board, queues, at(55)) == [(2, 35.0), (1, 25.0)]
    await planning.offer_to(c1, at(56), anna)
    await planning.accept(c1, at(58), anna)  # anna is busy; the first queue's longest wait is c2's
    assert await _agrees(planning, board, queues, at(60)) == [(1, 40.0), (1, 30.0)]

    await planning.offer_to(c3, at(61), bo)
    await planning.accept(c3, at(62), bo)
    await planning.move(c3, InteractionState.TRANSFERRED, at(70), bo, queue=first)  # queued in first at 70
    assert await _agrees(planning, board, queues, at(72)) == [(2, 52.0), (0, 0.0)]

    await planning.move(c2, InteractionState.ABANDONED, at(80))
    await planning.move(c1, InteractionState.WRAP_UP, at(90), anna)
    planning.clock.at = at(91)
    await planning.container.bus.handle(SetPresence(agent_id=bo, presence=Presence.AWAY))
    await _agrees(planning, board, queues, at(95))
    await planning.move(c1, InteractionState.CLOSED, at(100), anna)
    assert await _agrees(planning, board, queues, at(120)) == [(1, 50.0), (0, 0.0)]
    busy = {a.id: a.state for a in board.floor().agents}
    assert (busy[anna], busy[bo]) == ("available", "away")


async def test_new_agents_or_queue_changes_call_for_a_read(planning: Planning) -> None:
    await planning.queue()
    board = await _board(planning)
    agent = await planning.agent()
    await planning.container.dispatcher.drain()
    assert board.needs_read
    async with planning.container.read_uow() as uow:
        board.load(await read_live(uow))
    assert not board.needs_read and agent in {a.id for a in board.floor().agents}


def _item(iid: int, state: str, changed: datetime, queue_id: int = 1) -> LiveInteraction:
    queued = changed if state in ("queued", "offered") else None
    return LiveInteraction(iid, state, queue_id, None if queued else 7, queued, changed)


def _moved(iid: int, to_state: str, when: datetime, agent: int | None = None) -> ev.InteractionChanged:
    cls = ev.TRANSITION_EVENTS[to_state]
    return cls(
        interaction_id=iid, channel="chat", queue_id=1, customer_id=1, agent_id=agent,
        from_state="queued", to_state=to_state, priority=0, at=when,
    )  # fmt: skip


def test_an_event_older_than_what_a_read_saw_is_ignored() -> None:
    board = LiveBoard()
    # The read saw interaction 5 taken at 20; its queued event (at 10) is delivered after the read.
    board.load(LiveSnapshot(at(30), (_item(5, "active", at(20)),), ()), [_moved(5, "queued", at(10))])
    assert board.queue_figures([], at(30)) == []
    assert {i.state for i in board._live.values()} == {"active"}
    # A newer change still moves it on.
    board.apply(_moved(5, "closed", at(40)))
    assert board._live == {}


def test_events_delivered_during_a_read_are_applied_over_it() -> None:
    board = LiveBoard()
    # The read began before interaction 6 was queued (at 25) and did not see it.
    board.load(LiveSnapshot(at(30), (), ()), [_moved(6, "queued", at(25))])
    assert [(i.id, i.queued_at) for i in board._live.values()] == [(6, at(25))]
    # An offer keeps the time it was queued; a lapsed offer queues it anew.
    board.apply(_moved(6, "offered", at(40), agent=3))
    assert board._live[6].queued_at == at(25)
    board.apply(_moved(6, "queued", at(50)))
    assert board._live[6].queued_at == at(50)
