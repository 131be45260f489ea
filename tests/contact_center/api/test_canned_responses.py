"""Canned responses over the API, on both databases: personal and shared, searched (Chinese too),
kept by whom the policy says, and filled in on the server for one interaction."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent, CreateCustomer, CreateQueue, ReceiveInbound
from contact_center.domain.enums import Channel, Role
from contact_center.services.agents import create_token_for
from tests.conftest import unique
from tests.contact_center.api.conftest import User, error_of, ok
from tests.contact_center.conftest import offer_and_accept

Client = TestClient[Any, Any]
URL = "/api/v1/canned-responses"


async def member(container: Container, role: Role = Role.AGENT, display_name: str = "") -> User:
    username = unique(role.value[:3] + "_")
    agent_id = await container.bus.handle(
        CreateAgent(username=username, role=role, display_name=display_name)
    )
    return User(agent_id, username, await create_token_for(container.uow(), agent_id, "test"))


async def create(client: Client, user: User, status: int = 201, **body: Any) -> Any:
    body = {"title": unique("t"), "body": "Hello", **body}
    answer = await ok(await client.post(URL, json=body, headers=user.headers), status)
    return answer["canned_response"]


async def listed(client: Client, user: User, q: str = "") -> list[int]:
    answer = await ok(await client.get(URL, params={"q": q} if q else {}, headers=user.headers))
    return [c["id"] for c in answer["canned_responses"]]


async def test_an_agent_sees_their_own_and_the_shared_ones_only(client: Client, container: Container) -> None:
    agent, other, supervisor = (
        await member(container),
        await member(container),
        await member(container, Role.SUPERVISOR),
    )
    mine = await create(client, agent, shortcut="bye")
    theirs = await create(client, other)
    shared = await create(client, supervisor, shared=True)
    assert (mine["shared"], mine["owner_agent_id"], mine["shortcut"]) == (False, agent.agent_id, "bye")
    seen = await listed(client, agent)
    assert mine["id"] in seen and shared["id"] in seen and theirs["id"] not in seen
    await error_of(
        await client.post(URL, json={"title": "x", "body": "y", "shared": True}, headers=agent.headers), 403
    )


async def test_search_matches_title_shortcut_and_body_in_any_case_and_in_chinese(
    client: Client, container: Container
) -> None:
    agent = await member(container)
    tag = unique("Q")
    refund = await create(
        client, agent, title=f"{tag} Refund policy", body="您好，退款将在三个工作日内到账。"
    )
    greeting = await create(
        client, agent, title=f"{tag} Greeting", shortcut=f"{tag.lower()}hi", body="Hello!"
    )
    assert await listed(client, agent, "退款") == [refund["id"]]
    assert await listed(client, agent, f"{tag.upper()} REFUND") == [refund["id"]]
    assert await listed(client, agent, f"{tag.lower()}hi") == [greeting["id"]]
    assert sorted(await listed(client, agent, tag)) == sorted([refund["id"], greeting["id"]])
    assert await listed(client, agent, f"{tag}%") == []  # a wildcard is matched as written


async def test_owners_keep_personal_ones_and_supervisors_the_shared_ones(
    client: Client, container: Container
) -> None:
    agent, other, supervisor = (
        await member(container),
        await member(container),
        await member(container, Role.SUPERVISOR),
    )
    mine = await create(client, agent)
    shared = await create(client, supervisor, shared=True)
    url, shared_url = f"{URL}/{mine['id']}", f"{URL}/{shared['id']}"
    changed = await ok(
        await client.patch(url, json={"title": "Mine", "body": "Hi {customer_name}"}, headers=agent.headers)
    )
    assert (changed["canned_response"]["title"], changed["canned_response"]["body"]) == (
        "Mine",
        "Hi {customer_name}",
    )
    await error_of(await client.patch(url, json={"title": "x"}, headers=other.headers), 404)
    await error_of(await client.delete(url, headers=other.headers), 404)
    await error_of(await client.patch(url, json={"shared": True}, headers=agent.headers), 403)
    await error_of(await client.patch(shared_url, json={"title": "x"}, headers=agent.headers), 403)
    await error_of(await client.delete(shared_url, headers=agent.headers), 403)
    await ok(await client.patch(shared_url, json={"body": "Shared text"}, headers=supervisor.headers))
    for bad in ({"title": ""}, {"title": "x" * 201}, {"body": ""}, {"shared": "yes"}, {"owner_agent_id": 1}):
        await error_of(await client.patch(url, json=bad, headers=agent.headers), 422)
    assert (await listed(client, agent, "Mine")) == [mine["id"]]
    resp = await client.delete(url, headers=agent.headers)
    assert resp.status == 204
    await error_of(await client.delete(url, headers=agent.headers), 404)
    assert mine["id"] not in await listed(client, agent)


async def test_render_fills_the_variables_for_an_interaction_of_the_caller(
    client: Client, container: Container
) -> None:
    agent = await member(container, display_name="李娜")
    other = await member(container)
    queue = unique("q")
    await container.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,)))
    received = await container.bus.handle(
        ReceiveInbound(
            channel=Channel.CHAT, sender=unique("visitor"), sender_name="王芳", body="hi", queue=queue
        )
    )
    iid = received.interaction_id
    await offer_and_accept(container, iid, agent.agent_id)
    async with container.uow() as uow:
        customer = await uow.customers.get(received.customer_id)
        customer.name = "王芳 {agent_name}"  # a value is never expanded again
        uow.session.add(customer)
        await uow.commit()
    canned = await create(
        client, agent, body="您好 {customer_name}，我是{agent_name}。Ref {reference} {order_id} {Agent_Name}"
    )
    render = f"{URL}/{canned['id']}/render"
    answer = await ok(await client.post(render, json={"interaction_id": iid}, headers=agent.headers))
    assert answer == {"text": f"您好 王芳 {{agent_name}}，我是李娜。Ref #{iid} {{order_id}} {{Agent_Name}}"}
    await error_of(await client.post(render, json={"interaction_id": iid}, headers=other.headers), 404)
    theirs = await create(client, other, body="{customer_name}")
    await error_of(
        await client.post(
            f"{URL}/{theirs['id']}/render", json={"interaction_id": iid}, headers=other.headers
        ),
        404,
    )
    await error_of(
        await client.post(render, json={"interaction_id": 2_000_000_000}, headers=agent.headers), 404
    )
    await error_of(await client.post(render, json={}, headers=agent.headers), 422)


async def test_a_customer_without_a_name_renders_empty(client: Client, container: Container) -> None:
    supervisor = await member(container, Role.SUPERVISOR)
    customer_id = await container.bus.handle(CreateCustomer(name="Anon"))
    resp = await client.post(
        "/api/v1/interactions",
        json={"customer_id": customer_id, "channel": "email"},
        headers=supervisor.headers,
    )
    iid = (await ok(resp, 201))["id"]
    async with container.uow() as uow:
        customer = await uow.customers.get(customer_id)
        customer.name = ""
        uow.session.add(customer)
        await uow.commit()
    canned = await create(client, supervisor, body="Dear {customer_name},")
    answer = await ok(
        await client.post(
            f"{URL}/{canned['id']}/render", json={"interaction_id": iid}, headers=supervisor.headers
        )
    )
    assert answer == {"text": "Dear ,"}
