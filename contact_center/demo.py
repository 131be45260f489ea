"""The demo data `make run` seeds: queues, agents of every role, and 200 customers with a history.

History goes through the service layer with a movable clock, so seeded interactions have the
same rows, transitions, audit entries and events as live ones, only dated in the past weeks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from contact_center.bus import MessageBus
from contact_center.domain.commands import (
    CreateAgent,
    CreateCustomer,
    CreateQueue,
    ReceiveInbound,
    TransitionInteraction,
    UpdateAgent,
)
from contact_center.domain.enums import Channel, CustomerClass, InteractionState, Role
from contact_center.i18n import _
from contact_center.planning.seed import seed_history
from contact_center.storage.uow import UnitOfWork

DEMO_PASSWORD = "demo-password"

QUEUES: tuple[tuple[str, tuple[Channel, ...], dict[str, int], int], ...] = (
    # First, so the web chat of the demo shop (a site without topics) lands here: only the
    # people's agents have its skill, and the simulator leaves it to them.
    ("web", (Channel.CHAT,), {"web": 3}, 2),
    ("support", (Channel.VOICE, Channel.CHAT, Channel.EMAIL, Channel.SMS), {"support": 3}, 0),
    ("sales", (Channel.VOICE, Channel.CHAT), {"sales": 3}, 1),
    ("billing", (Channel.EMAIL, Channel.SMS), {"billing": 4}, 0),
    ("vip", (Channel.VOICE, Channel.CHAT, Channel.EMAIL), {"support": 7}, 5),
)

STAFF: tuple[tuple[str, str, Role, dict[str, int]], ...] = (
    ("admin", "Ada Admin", Role.ADMIN, {}),
    ("supervisor", "Sam Supervisor", Role.SUPERVISOR, {"support": 8, "sales": 6, "web": 5}),
    ("planner", "Pat Planner", Role.PLANNER, {}),
    ("alice", "Alice Chen", Role.AGENT, {"web": 8}),
    ("bob", "Bob Martin", Role.AGENT, {"web": 6}),
    ("li.wei", "李伟", Role.AGENT, {"support": 7, "billing": 8}),
    ("wang.fang", "王芳", Role.AGENT, {"sales": 8, "support": 4}),
    ("carlos", "Carlos Diaz", Role.AGENT, {"billing": 6, "support": 6}),
    ("zhang.min", "张敏", Role.AGENT, {"support": 9, "sales": 5}),
)
#: The agents the demo's simulator works as (`simulator.py`); between them they cover every
#: queue but "web", so `serve --simulate` shows traffic. The other agents (alice, bob, with the
#: "web" skill alone: the demo shop's chats and nothing of the simulated traffic) are for a person to
#: sign in as: the simulator never answers for them.
SIMULATED = frozenset({"li.wei", "wang.fang", "carlos", "zhang.min"})

ENGLISH_FIRST = [
    "James",
    "Mary",
    "John",
    "Linda",
    "Robert",
    "Susan",
    "Michael",
    "Karen",
    "David",
    "Emma",
    "Oliver",
    "Sophia",
    "Daniel",
    "Grace",
    "Henry",
    "Chloe",
    "Samuel",
    "Lucy",
    "Jack",
    "Ava",
]
ENGLISH_LAST = [
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Wilson",
    "Evans",
    "Walker",
    "Wright",
    "Hughes",
    "Green",
    "Hall",
    "Clarke",
    "Turner",
    "Baker",
    "Hill",
    "Moore",
]
CHINESE_SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
]
CHINESE_GIVEN = [
    "小明",
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明华",
    "晓红",
    "建国",
    "海燕",
]
COMPANIES = [
    "Acme Ltd",
    "Globex",
    "Initech",
    "北京星辰科技",
    "上海华东贸易",
    "Umbrella plc",
    "Stark Industries",
    "深圳前海物流",
    "Wayne Enterprises",
    "",
    "",
    "",
]
REGIONS = ["North", "South", "East", "West", "华北", "华东", "华南"]
INDUSTRIES = ["retail", "manufacturing", "finance", "logistics", "software", "healthcare"]
SUBJECTS = {
    Channel.VOICE: ["Call about an order", "Phone: delivery date", "Call: invoice question"],
    Channel.SMS: ["SMS: where is my parcel?", "SMS: change appointment", "SMS: 退款进度"],
    Channel.EMAIL: ["Invoice 2026-114 is wrong", "Request for a quote", "投诉：服务态度", "Contract renewal"],
    Channel.CHAT: ["Chat: cannot log in", "Chat: product question", "在线咨询：价格"],
}
CLASS_WEIGHTS = [
    (CustomerClass.VIP, 0.1),
    (CustomerClass.REGULAR, 0.6),
    (CustomerClass.POTENTIAL, 0.2),
    (CustomerClass.COMPLAINT, 0.1),
]


class MovableClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    name: str
    phone: str
    email: str
    chat_id: str


def demo_customers(count: int, rng: random.Random) -> list[DemoCustomer]:
    out = []
    for i in range(count):
        if i % 2:
            name = rng.choice(CHINESE_SURNAMES) + rng.choice(CHINESE_GIVEN)
            mailbox = f"kehu{i:03d}"
        else:
            first, last = rng.choice(ENGLISH_FIRST), rng.choice(ENGLISH_LAST)
            name, mailbox = f"{first} {last}", f"{first}.{last}{i:03d}".lower()
        out.append(DemoCustomer(name, f"+1415555{i:04d}", f"{mailbox}@example.com", f"visitor-{i:04d}"))
    return out


async def seed_demo(
    bus: MessageBus,
    uow: Callable[[], UnitOfWork],
    clock: MovableClock,
    *,
    customers: int = 200,
    seed: int = 7,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    history_weeks: int = 8,
) -> dict[str, int]:
    """Create the demo; returns counts. Safe to call on an empty database only (`is_seeded` tells).

    `bus` and `uow` must run on `clock`, which this moves through the past four weeks so the
    history is dated then, and leaves at `now`. `history_weeks` whole weeks of planning history
    are then written in bulk (planning/seed.py), so the planner pages forecast from something; 0
    skips them."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    clock.at = now - timedelta(days=28)
    counts = await _seed(bus, clock, rng, customers, now, progress)
    if history_weeks > 0:
        counts["history_interactions"] = await seed_history(uow, weeks=history_weeks, now=now)
    return counts


async def is_seeded(uow: UnitOfWork) -> bool:
    async with uow:
        return await uow.agents.by_username("admin") is not None


async def mark_simulated(bus: MessageBus, uow: Callable[[], UnitOfWork]) -> int:
    """Mark the demo's simulated agents in a demo seeded before agents had the flag (a database
    kept from an earlier `make run`), so the simulator still has agents to drive; returns how many
    were marked. Only the demo's own usernames are touched."""
    async with uow() as reading:
        unmarked = [
            a.id or 0 for a in await reading.agents.list() if a.username in SIMULATED and not a.simulated
        ]
    for agent_id in unmarked:
        await bus.handle(UpdateAgent(agent_id=agent_id, changes=(("simulated", True),), actor="demo"))
    return len(unmarked)


async def _seed(
    bus: MessageBus,
    clock: MovableClock,
    rng: random.Random,
    count: int,
    now: datetime,
    progress: Callable[[int, int], None] | None,
) -> dict[str, int]:
    for name, channels, skills, priority in QUEUES:
        await bus.handle(
            CreateQueue(
                name=name,
                channels=channels,
                required_skills=tuple(skills.items()),
                priority=priority,
                sl_threshold_s=20 if Channel.VOICE in channels else 60,
            )
        )
    agent_ids = []
    for username, display, role, skills in STAFF:
        agent_id = await bus.handle(
            CreateAgent(
                username=username,
                display_name=display,
                role=role,
                password=DEMO_PASSWORD,
                skills=tuple(skills.items()),
                simulated=username in SIMULATED,
            )
        )
        if role is Role.AGENT:
            agent_ids.append(agent_id)
    interactions = 0
    people = demo_customers(count, rng)
    for done, person in enumerate(people, start=1):
        customer_class = rng.choices([c for c, _ in CLASS_WEIGHTS], [w for _, w in CLASS_WEIGHTS])[0]
        await bus.handle(
            CreateCustomer(
                name=person.name,
                company=rng.choice(COMPANIES),
                region=rng.choice(REGIONS),
                industry=rng.choice(INDUSTRIES),
                customer_class=customer_class,
                size_band=rng.choice(["large", "medium", "small", "sole_trader"]),
                tags=tuple(rng.sample(["newsletter", "loyal", "b2b", "trial", "renewal-due"], 2)),
                value=round(rng.lognormvariate(7, 1.2), 2),
                consent=(("sms", True), ("email", True), ("voice", True)),
                phones=(person.phone,),
                emails=(person.email,),
                chat_ids=(person.chat_id,),
            )
        )
        contacted = list(Channel)
        rng.shuffle(contacted)
        for channel in contacted[: rng.randint(1, 4)]:
            clock.at = now - timedelta(days=rng.uniform(1, 27), hours=rng.uniform(0, 8))
            await _history(bus, clock, rng, person, channel, agent_ids)
            interactions += 1
        if progress:
            progress(done, len(people))
    clock.at = now
    return {
        "queues": len(QUEUES),
        "agents": len(STAFF),
        "customers": len(people),
        "interactions": interactions,
    }


def demo_guide(base_url: str) -> str:
    """What `make run` prints under the server's address: where to write as a customer and who to
    sign in as, so a newcomer talks to themself within a minute."""
    people = ", ".join(u for u, _, role, _ in STAFF if role is Role.AGENT and u not in SIMULATED)
    values = {"url": base_url, "people": people, "password": DEMO_PASSWORD}
    return "\n".join(
        (
            "",
            _("Try it:"),
            _("  1. open the demo shop and chat as a customer:   %(url)s/demo/shop") % values,
            _("  2. in another tab, sign in as an agent (%(people)s):  %(url)s/login") % values,
            _("     go available, accept the offer, and answer yourself"),
            _("  also: supervisor (queues and agents live), planner (forecasts, staffing, shifts), admin"),
            _("  password for every demo account: %(password)s") % values,
            "",
        )
    )


async def _history(
    bus: MessageBus,
    clock: MovableClock,
    rng: random.Random,
    person: DemoCustomer,
    channel: Channel,
    agent_ids: list[int],
) -> None:
    sender = {Channel.EMAIL: person.email, Channel.CHAT: person.chat_id}.get(channel, person.phone)
    received = await bus.handle(
        ReceiveInbound(
            channel=channel,
            sender=sender,
            sender_name=person.name,
            body=rng.choice(SUBJECTS[channel]),
            subject=rng.choice(SUBJECTS[channel]),
            received_at=clock.at,
            # Past chats came from the shop's widget ("web") or support's: both have a history
            # for the planner to forecast from.
            queue=rng.choice(["web", "support"]) if channel is Channel.CHAT else None,
            actor="customer",
        )
    )
    if rng.random() < 0.06:  # some customers give up before an agent answers
        clock.at += timedelta(seconds=rng.uniform(10, 120))
        await _move(bus, received.interaction_id, InteractionState.ABANDONED, None)
        return
    agent_id = rng.choice(agent_ids)
    # Past contacts are assigned straight to an agent: offers are the live router's alone, and a
    # seed claiming a router epoch would fence a router that is running.
    clock.at += timedelta(seconds=rng.expovariate(1 / 25) + rng.uniform(2, 8))
    await _move(bus, received.interaction_id, InteractionState.ACTIVE, agent_id)
    clock.at += timedelta(seconds=rng.lognormvariate(5.3, 0.5))
    await _move(bus, received.interaction_id, InteractionState.WRAP_UP, agent_id)
    clock.at += timedelta(seconds=rng.uniform(10, 60))
    await _move(bus, received.interaction_id, InteractionState.CLOSED, agent_id)


async def _move(bus: MessageBus, interaction_id: int, target: InteractionState, agent_id: int | None) -> None:
    await bus.handle(
        TransitionInteraction(interaction_id=interaction_id, target=target, agent_id=agent_id, actor="demo")
    )
