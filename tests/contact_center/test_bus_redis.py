"""The Redis stream broker against real Redis and PostgreSQL: groups, catch-up, sharing, live, dispatch."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import create_async_engine

from contact_center.bootstrap import Container
from contact_center.bus import RedisStreamBroker
from contact_center.dispatcher import OutboxDispatcher
from contact_center.domain.commands import CreateQueue
from contact_center.domain.events import Event, QueueCreated
from contact_center.storage.outbox import OutboxEvent
from tests.conftest import REDIS_TEST_URL, unique
from tests.contact_center.conftest import Collector, count_rows, eventually
from tests.contact_center.router.conftest import polled


async def create_queues(container: Container, prefix: str, n: int) -> list[str]:
    names = [f"{prefix}-{i:03d}" for i in range(n)]
    for name in names:
        await container.bus.handle(CreateQueue(name=name))
    return names


def names_seen(collector: Collector, prefix: str) -> list[str]:
    return [e.name for e in collector.events if isinstance(e, QueueCreated) and e.name.startswith(prefix)]


async def stream_entries(container: Container) -> list[dict[bytes, bytes]]:
    assert container.redis is not None
    entries = await container.redis.xrange(container.settings.redis.stream)
    return [fields for _id, fields in entries]


async def test_events_from_the_outbox_reach_a_group_subscriber_through_the_stream(
    redis_container: Container,
) -> None:
    assert isinstance(redis_container.broker, RedisStreamBroker)
    collector = Collector()
    redis_container.broker.subscribe("router", collector)
    await redis_container.start()  # the dispatcher runs in the background, woken by each commit
    prefix = unique("grp")
    names = await create_queues(redis_container, prefix, 3)
    await eventually(lambda: names_seen(collector, prefix) == names, what="the group to see three events")
    [row] = await pending_rows(redis_container, names[-1])
    [fields] = [f for f in await stream_entries(redis_container) if names[-1].encode() in f[b"payload"]]
    assert fields[b"type"] == b"queue.created"
    assert int(fields[b"outbox_id"]) == row.id  # consumers de-duplicate on the outbox row's id


async def test_a_group_that_was_down_catches_up_when_it_starts(
    make_redis_container: Callable[[], Container],
) -> None:
    web = make_redis_container()
    prefix = unique("late")
    names = await create_queues(web, prefix, 4)
    assert await web.dispatcher.drain() >= 4  # on the stream before any consumer exists

    router = make_redis_container()
    collector = Collector()
    router.broker.subscribe("late-router", collector)
    await router.start(dispatch=False)
    await eventually(lambda: names_seen(collector, prefix) == names, what="the late group to catch up")


async def test_two_consumers_in_one_group_share_the_work_without_duplicates(
    make_redis_container: Callable[[], Container],
) -> None:
    web, first, second = make_redis_container(), make_redis_container(), make_redis_container()
    prefix = unique("share")
    release = asyncio.Event()
    got_first: list[str] = []
    got_second: list[str] = []

    async def slow(event: Event) -> None:  # holds its first event until released
        if isinstance(event, QueueCreated) and event.name.startswith(prefix):
            got_first.append(event.name)
            await release.wait()

    async def quick(event: Event) -> None:
        if isinstance(event, QueueCreated) and event.name.startswith(prefix):
            got_second.append(event.name)

    first.broker.subscribe("workers", slow)
    await first.start(dispatch=False)
    names = await create_queues(web, prefix + "-a", 1)
    await web.dispatcher.drain()
    await eventually(lambda: len(got_first) == 1, what="the first consumer to take the first event")

    second.broker.subscribe("workers", quick)
    await second.start(dispatch=False)  # joins while the first consumer holds an unacknowledged entry
    names += await create_queues(web, prefix + "-b", 5)
    await web.dispatcher.drain()
    await eventually(
        lambda: sum(n.startswith(prefix + "-b") for n in got_second) == 5, what="the second consumer"
    )
    release.set()
    await eventually(lambda: len(got_first) + len(got_second) >= len(names), what="all events")
    await first.broker.stop()
    await second.broker.stop()
    assert sorted(got_first + got_second) == sorted(names)
    assert got_first == names[:1]


async def test_a_live_subscriber_sees_every_event_published_after_it_starts(
    redis_container: Container,
) -> None:
    broker = redis_container.broker
    live = Collector()
    broker.subscribe("ui", live, live=True)
    await broker.start()
    prefix = unique("live")
    payload = QueueCreated(queue_id=1, name=f"{prefix}-0", at=redis_container.clock())
    await broker.publish(payload.type, payload.to_json(), 1)  # before the follower had a chance to run
    names = [payload.name] + await create_queues(redis_container, prefix, 3)
    await redis_container.dispatcher.drain()
    await eventually(lambda: sorted(names_seen(live, prefix)) == sorted(names), what="live events")


async def test_live_subscribers_each_see_everything_next_to_a_group(
    make_redis_container: Callable[[], Container],
) -> None:
    web, ui_one, ui_two = make_redis_container(), make_redis_container(), make_redis_container()
    one, two, group = Collector(), Collector(), Collector()
    ui_one.broker.subscribe("ui", one, live=True)
    ui_one.broker.subscribe("router", group)
    ui_two.broker.subscribe("ui", two, live=True)
    await ui_one.start(dispatch=False)
    await ui_two.start(dispatch=False)
    prefix = unique("fan")
    names = await create_queues(web, prefix, 5)
    await web.dispatcher.drain()
    for collector in (one, two, group):
        await eventually(lambda c=collector: names_seen(c, prefix) == names, what="every subscriber")


async def test_a_consumer_that_died_mid_event_has_its_entries_taken_over(redis_container: Container) -> None:
    assert redis_container.redis is not None
    stream = redis_container.settings.redis.stream
    prefix = unique("orphan")
    names = await create_queues(redis_container, prefix, 3)
    dead = RedisStreamBroker(redis_container.redis, stream=stream)
    await dead.ensure_group("billing")
    await redis_container.dispatcher.drain()
    # A consumer read the entries and died before acknowledging them.
    taken = await redis_container.redis.xreadgroup("billing", "dead-consumer", {stream: ">"}, count=100)
    assert len(taken[0][1]) >= 3

    collector = Collector()
    survivor = RedisStreamBroker(redis_container.redis, stream=stream, claim_idle_ms=0)
    survivor.subscribe("billing", collector)
    await survivor.start()
    try:
        await eventually(lambda: names_seen(collector, prefix) == names, what="orphaned entries")
    finally:
        await survivor.stop()
    pending = await redis_container.redis.xpending(stream, "billing")
    assert pending["pending"] == 0


async def test_the_same_subscriber_function_works_with_both_brokers(
    container: Container, redis_container: Container
) -> None:
    prefix = unique("both")
    seen: dict[str, list[Event]] = {}
    for c in (container, redis_container):
        collector = Collector()
        c.broker.subscribe("audit", collector)
        await c.broker.start()
        await c.bus.handle(CreateQueue(name=f"{prefix}-{type(c.broker).__name__}"))
        await c.dispatcher.drain()
        await eventually(lambda col=collector: bool(names_seen(col, prefix)), what="the event")
        seen[type(c.broker).__name__] = [
            e for e in collector.events if getattr(e, "name", "").startswith(prefix)
        ]
    assert set(seen) == {"InProcessBroker", "RedisStreamBroker"}
    for name, events in seen.items():
        [event] = events
        assert isinstance(event, QueueCreated) and event.name == f"{prefix}-{name}"


async def test_concurrent_dispatchers_publish_each_outbox_row_exactly_once(
    redis_container: Container,
) -> None:
    prefix = unique("many")
    async with redis_container.uow() as uow:
        for i in range(300):
            uow.emit(QueueCreated(queue_id=i, name=f"{prefix}-{i}", at=uow.now()))
        await uow.commit()
    mine = {row.id for row in await pending_rows(redis_container, prefix)}
    assert len(mine) == 300
    dispatchers = [
        OutboxDispatcher(redis_container.sessions, redis_container.broker, batch=25) for _ in range(3)
    ]
    counts = await asyncio.gather(*(d.drain() for d in dispatchers))
    assert sum(counts) >= 300
    ids = Counter(int(f[b"outbox_id"]) for f in await stream_entries(redis_container))
    assert [i for i, n in ids.items() if n > 1] == []
    assert mine <= set(ids)
    assert await count_rows(redis_container, OutboxEvent, OutboxEvent.published_at.is_(None)) == 0  # type: ignore[union-attr]


async def pending_rows(container: Container, needle: str) -> list[OutboxEvent]:
    from sqlmodel import col, select

    async with container.uow() as uow:
        stmt = select(OutboxEvent).where(col(OutboxEvent.payload).contains(needle))
        return list((await uow.session.exec(stmt)).all())


async def test_redis_test_url_answers() -> None:
    client = Redis.from_url(REDIS_TEST_URL)
    try:
        assert await client.ping() is True
    finally:
        await client.aclose()


async def test_a_consumer_that_stops_cleanly_leaves_its_group(
    make_redis_container: Callable[[], Container],
) -> None:
    """A reader of Redis sees the live consumers only (routers that stopped used to stay listed)."""
    one, two = make_redis_container(), make_redis_container()
    group = unique("leavers")

    async def ignore(event: Event) -> None:
        return

    one.broker.subscribe(group, ignore)
    two.broker.subscribe(group, ignore)
    await one.start(dispatch=False)
    await two.start(dispatch=False)
    assert one.redis is not None
    stream = one.settings.redis.stream
    # Each broker joins its groups from its reading tasks, after start() returned: wait for both.
    await polled(lambda: consumers_are(one, stream, group, 2), within_s=10)
    await one.broker.stop()
    assert len(await one.redis.xinfo_consumers(stream, group)) == 1
    await two.broker.stop()
    assert await one.redis.xinfo_consumers(stream, group) == []


async def test_a_consumer_killed_without_a_goodbye_is_forgotten_once_its_entries_are_taken(
    redis_container: Container,
) -> None:
    """Routers killed with -9 used to stay listed in their groups for good."""
    assert redis_container.redis is not None
    redis = redis_container.redis
    stream = redis_container.settings.redis.stream
    group = unique("killed")
    await RedisStreamBroker(redis, stream=stream).ensure_group(group)
    await create_queues(redis_container, unique("k"), 1)
    await redis_container.dispatcher.drain()
    await redis.xreadgroup(group, "killed-consumer", {stream: ">"}, count=100)  # read, never acked
    await asyncio.sleep(1.1)  # silent past FORGET_AFTER claim periods of 0.1 s (and the minimum)
    survivor = RedisStreamBroker(redis, stream=stream, claim_idle_ms=100)
    survivor.subscribe(group, Collector())
    await survivor.start()
    try:

        async def forgotten() -> bool:
            names = {_name(c["name"]) for c in await redis.xinfo_consumers(stream, group)}
            return "killed-consumer" not in names

        await polled(forgotten, within_s=10)
    finally:
        await survivor.stop()
    assert (await redis.xpending(stream, group))["pending"] == 0


async def test_an_event_a_group_could_not_handle_for_an_outage_is_handed_over_again(
    redis_container: Container,
) -> None:
    """A subscriber that needs the database (the outbound replies do) while it is away: the event
    stays unacknowledged and comes back once the outage is over, instead of being logged and lost."""
    assert redis_container.redis is not None
    prefix = unique("outage")
    down = create_async_engine("postgresql+asyncpg://127.0.0.1:1/contact_center")
    tries: Counter[str] = Counter()
    collector = Collector()

    async def needs_the_database(event: Event) -> None:
        if isinstance(event, QueueCreated) and event.name.startswith(prefix) and tries[event.name] < 2:
            tries[event.name] += 1
            async with down.connect():  # refused: nothing listens there
                pass
        await collector(event)

    names = await create_queues(redis_container, prefix, 2)
    await redis_container.dispatcher.drain()
    broker = RedisStreamBroker(redis_container.redis, stream=redis_container.settings.redis.stream)
    broker.subscribe("replies", needs_the_database)
    await broker.start()
    try:
        await eventually(lambda: names_seen(collector, prefix) == names, timeout_s=20, what="handed over")
    finally:
        await broker.stop()
        await down.dispose()
    assert tries == dict.fromkeys(names, 2)
    pending = await redis_container.redis.xpending(redis_container.settings.redis.stream, "replies")
    assert pending["pending"] == 0


def _name(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def consumers_are(container: Container, stream: str, group: str, count: int) -> bool:
    assert container.redis is not None
    return len(await container.redis.xinfo_consumers(stream, group)) == count
