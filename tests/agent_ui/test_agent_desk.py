"""An agent signing in gets their own work, never the supervisor's floor, on both databases."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

import agent_ui
from agent_ui.desk import FEATURES
from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateQueue, ReceiveInbound
from contact_center.domain.enums import Channel, CustomerClass, InteractionState, Presence, Role
from tests.agent_ui.test_event_filtering import account, web
from tests.conftest import unique
from tests.contact_center.conftest import offer_and_accept

__all__ = ["web"]  # the fixture, used here by name

#: Keys the scripts build from a value: every value they can meet needs its words.
DYNAMIC = {
    "state": [s.value for s in InteractionState],
    "channel": [c.value for c in Channel],
    "class": [c.value for c in CustomerClass],
    "presence": [p.value for p in Presence],
    "panel": ["name", "company", "region", "tags"],
}


async def test_an_agent_gets_their_desk_and_no_dashboard(web: tuple[TestClient[Any, Any], Container]) -> None:
    client, container = web
    queue = unique("q")
    await container.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,)))
    agent, agent_headers = await account(container, Role.AGENT, None)
    _, boss_headers = await account(container, Role.SUPERVISOR, None)
    subject = unique("Refund for order ")
    mine = await container.bus.handle(
        ReceiveInbound(channel=Channel.CHAT, sender=unique("v"), body="hi", subject=subject, queue=queue)
    )
    other_subject = unique("Someone else ")
    await container.bus.handle(
        ReceiveInbound(
            channel=Channel.CHAT, sender=unique("v"), body="hi", subject=other_subject, queue=queue
        )
    )
    await offer_and_accept(container, mine.interaction_id, agent)
    page = await client.get("/", headers=agent_headers)
    text = await page.text()
    assert page.status == 200 and 'id="desk"' in text and f'data-agent-id="{agent}"' in text
    assert '<script type="module" src="/static/desk.js">' in text  # the work comes from the API
    assert 'id="recent"' not in text and other_subject not in text
    listed = await client.get("/api/v1/interactions", headers=agent_headers)
    assert [i["subject"] for i in (await listed.json())["items"]] == [subject]
    board = await client.get("/", headers=boss_headers)
    assert 'id="recent"' in await board.text()
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws/dashboard", headers=agent_headers)
    assert refused.value.status == 403
    ws = await client.ws_connect("/ws/dashboard", headers=boss_headers)
    assert "queues" in await ws.receive_json(timeout=10)
    await ws.close()


async def test_the_desk_page_names_the_features_this_server_serves(
    web: tuple[TestClient[Any, Any], Container],
) -> None:
    """The page turns a part on when its endpoint exists, and knows which channels can send."""
    client, container = web
    agent, headers = await account(container, Role.AGENT, None)
    text = await (await client.get("/", headers=headers)).text()
    found = re.search(r'<script id="desk-config" type="application/json">(.*?)</script>', text, re.S)
    assert found is not None
    config = json.loads(found.group(1))
    assert config["agent_id"] == agent and config["role"] == "agent"
    served = {(r.method, r.resource.canonical) for r in client.app.router.routes() if r.resource}
    assert config["features"] == {name: route in served for name, route in FEATURES.items()}
    assert config["features"]["send"] and config["features"]["messages"]  # the lead's API is here
    assert config["sending"] == sorted(c.value for c in container.outbound.sending())


def test_every_word_of_the_desk_is_in_its_english_dictionary() -> None:
    """The page's words live in one dictionary: every key the page or its scripts name is in it,
    marked for the catalogue (a typo would show as a key; the catalogue test checks that each
    marked string is translated)."""
    static = Path(agent_ui.__file__).parent / "static"
    source = (static / "desk_strings.js").read_text(encoding="utf-8")
    keys = set(re.findall(r'^\s+"([a-z_.]+)": N_\("', source, re.M))
    assert len(keys) == len(re.findall(r'^\s+"[a-z_.]+":', source, re.M))  # every word marked
    template = (static.parent / "templates" / "desk.html").read_text(encoding="utf-8")
    named = set(re.findall(r'data-i18n="([^"]+)"', template))
    for script in static.glob("desk*.js"):
        named |= set(re.findall(r'\bt\("([a-z_.]+[a-z_])"', script.read_text(encoding="utf-8")))
    named |= {f"{kind}.{value}" for kind, values in DYNAMIC.items() for value in values}
    assert named - keys == set()
