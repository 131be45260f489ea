"""Chat sites are stored records: an admin's change reaches the widget without a restart, and the
settings file seeds them without overriding what an admin changed. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from channels.webchat.sites import open_now
from contact_center.domain.commands import CreateQueue
from contact_center.domain.enums import Channel
from contact_center.domain.queues import Queue
from contact_center.domain.webchat_sites import (
    CreateWebchatSite,
    SeedWebchatSites,
    UpdateWebchatSite,
    WebchatSiteRecord,
)
from contact_center.services.webchat_sites import all_sites
from tests.channels.webchat.conftest import Served, Visitor
from tests.conftest import unique
from tests.contact_center.router.conftest import polled

NEW_SHOP = "https://new-shop.example"


async def test_a_site_an_admin_adds_and_changes_reaches_visitors_without_a_restart(served: Served) -> None:
    key = unique("site-").lower()
    queue = unique("siteq")
    await served.container.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,)))
    site = await served.container.bus.handle(
        CreateWebchatSite(key=key, settings=(("allowed_origins", [NEW_SHOP]),), actor="agent:root")
    )
    ws = await served.http.ws_connect(served.ws_url, headers={"Origin": NEW_SHOP})
    visitor = Visitor(ws)
    welcome = await visitor.hello(site=key)
    assert welcome["colour"] == "#0b57d0" and welcome["prechat"] == ["name", "email"]
    await visitor.close()

    changes = (("colour", "#2A9D8F"), ("prechat", ["name", "phone"]), ("topics", {"Billing": queue}))
    await served.container.bus.handle(UpdateWebchatSite(site_id=site.id or 0, changes=changes))

    async def changed() -> bool:
        ws = await served.http.ws_connect(served.ws_url, headers={"Origin": NEW_SHOP})
        try:
            frame = await Visitor(ws).hello(site=key)
        finally:
            await ws.close()
        return bool(frame["colour"] == "#2a9d8f" and frame["topics"] == ["Billing"])

    await polled(changed, within_s=10)

    await served.container.bus.handle(
        UpdateWebchatSite(site_id=site.id or 0, changes=(("allowed_origins", []),))
    )

    async def refused() -> bool:
        ws = await served.http.ws_connect(served.ws_url, headers={"Origin": NEW_SHOP})
        try:
            await ws.send_json({"type": "hello", "site": key})
            frame = await Visitor(ws).receive()
        finally:
            await ws.close()
        return bool(frame.get("code") == "origin_not_allowed")

    await polled(refused, within_s=10)


async def test_the_settings_file_seeds_sites_but_never_overrides_an_admins_change(served: Served) -> None:
    bus = served.container.bus
    seeded, edited = unique("seeded-").lower(), unique("edited-").lower()
    first = {"allowed_origins": ["https://a.example"], "topics": {}}
    await bus.handle(SeedWebchatSites(sites=((seeded, first), (edited, first))))
    stored = await _by_key(served)
    assert stored[seeded].allowed_origins == ["https://a.example"] and stored[seeded].from_settings
    await bus.handle(UpdateWebchatSite(site_id=stored[edited].id or 0, changes=(("colour", "#112233"),)))

    later = {"allowed_origins": ["https://b.example"], "topics": {}}
    await bus.handle(SeedWebchatSites(sites=((seeded, later), (edited, later))))
    stored = await _by_key(served)
    assert stored[seeded].allowed_origins == ["https://b.example"]  # as the file says now
    assert stored[edited].allowed_origins == ["https://a.example"]  # the admin's version stands
    assert (stored[edited].colour, stored[edited].from_settings) == ("#112233", False)
    assert await bus.handle(SeedWebchatSites(sites=((seeded, later), (edited, later)))) == 0


async def _by_key(served: Served) -> dict[str, WebchatSiteRecord]:
    async with served.container.uow() as uow:
        return {r.key: r for r in await all_sites(uow)}


def test_a_queue_is_closed_on_its_holidays_in_its_own_time_zone() -> None:
    queue = Queue(name="q", timezone="Asia/Shanghai", holidays=["2026-10-01"], business_hours={})
    assert not open_now(queue, datetime(2026, 9, 30, 17, 0, tzinfo=UTC))  # 01:00 on Oct 1 in Shanghai
    assert open_now(queue, datetime(2026, 9, 30, 15, 0, tzinfo=UTC))  # 23:00 on Sep 30 there
    hours = Queue(name="h", timezone="UTC", business_hours={"thu": [["09:00", "17:00"]]}, holidays=[])
    assert open_now(hours, datetime(2026, 10, 1, 10, 0, tzinfo=UTC))
    hours.holidays = ["2026-10-01"]
    assert not open_now(hours, datetime(2026, 10, 1, 10, 0, tzinfo=UTC))
