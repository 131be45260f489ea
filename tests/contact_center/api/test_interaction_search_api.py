"""GET /api/v1/interactions/search and its CSV: filters, paging, refusals, and a CSV that Excel
opens as written (BOM, quoting) and never runs (formula cells guarded)."""

from __future__ import annotations

import csv
import io
from typing import Any

from aiohttp.test_utils import TestClient

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent, CreateQueue, ReceiveInbound
from contact_center.domain.enums import Channel, Role
from contact_center.services.agents import create_token_for
from tests.conftest import unique
from tests.contact_center.api.conftest import Staff, error_of, new_agent, ok

Client = TestClient[Any, Any]
SEARCH, CSV = "/api/v1/interactions/search", "/api/v1/interactions/search.csv"
NASTY = ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", 'a "quoted", comma\nnew line', "王小明"]


async def team_world(container: Container) -> tuple[str, int, dict[str, str], list[int]]:
    """A queue of a new team with one interaction per nasty name, and its supervisor's headers."""
    team, queue = unique("team"), unique("q")
    queue_id = await container.bus.handle(CreateQueue(name=queue, channels=(Channel.CHAT,), team=team))
    ids = []
    for name in NASTY:
        received = await container.bus.handle(
            ReceiveInbound(
                channel=Channel.CHAT,
                sender=unique("v"),
                body="hi",
                sender_name=name,
                subject=name,
                queue=queue,
            )
        )
        ids.append(received.interaction_id)
    supervisor = await container.bus.handle(
        CreateAgent(username=unique("sup_"), role=Role.SUPERVISOR, team=team)
    )
    token = await create_token_for(container.uow(), supervisor, "test")
    return queue, queue_id, {"Authorization": f"Bearer {token}"}, ids


async def test_search_pages_newest_first_and_a_cursor_continues(container: Container, client: Client) -> None:
    _, queue_id, headers, ids = await team_world(container)
    first = await ok(await client.get(SEARCH, params={"queue_id": queue_id, "limit": 4}, headers=headers))
    assert [i["id"] for i in first["items"]] == ids[::-1][:4]
    assert first["items"][0]["customer"] == "王小明" and first["items"][0]["queue_id"] == queue_id
    rest = await ok(
        await client.get(
            SEARCH, params={"queue_id": queue_id, "limit": 4, "cursor": first["next_cursor"]}, headers=headers
        )
    )
    assert [i["id"] for i in rest["items"]] == ids[::-1][4:] and rest["next_cursor"] is None
    named = await ok(
        await client.get(SEARCH, params={"customer": "王小", "queue_id": queue_id}, headers=headers)
    )
    assert [i["id"] for i in named["items"]] == [ids[-1]]


async def test_the_csv_has_a_bom_every_row_and_no_formula(container: Container, client: Client) -> None:
    _, queue_id, headers, ids = await team_world(container)
    resp = await client.get(
        CSV, params={"queue_id": queue_id}, headers=headers | {"Accept-Language": "zh-CN"}
    )
    assert resp.status == 200, await resp.text()
    assert resp.content_type == "text/csv" and "attachment" in resp.headers["Content-Disposition"]
    raw = await resp.read()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "交互" and rows[0][6] == "客户"  # the header in the reader's language
    body = rows[1:]
    assert [int(r[0]) for r in body] == ids[::-1]
    customers = {int(r[0]): r[6] for r in body}
    assert customers[ids[0]] == "'" + NASTY[0]
    assert customers[ids[1]] == "'+1+1" and customers[ids[2]] == "'-2" and customers[ids[3]] == "'@SUM(A1)"
    assert customers[ids[4]] == NASTY[4]  # quoted by the writer, read back whole
    assert customers[ids[5]] == "王小明"
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in body for cell in r)


async def test_the_csv_applies_the_filters_and_the_scope(
    container: Container, client: Client, staff: Staff
) -> None:
    _, queue_id, headers, ids = await team_world(container)
    resp = await client.get(CSV, params={"queue_id": queue_id, "customer": "王"}, headers=headers)
    rows = list(csv.reader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
    assert [int(r[0]) for r in rows[1:]] == [ids[-1]]
    other = await container.bus.handle(
        CreateAgent(username=unique("sup_"), role=Role.SUPERVISOR, team=unique("t"))
    )
    token = await create_token_for(container.uow(), other, "test")
    resp = await client.get(CSV, params={"queue_id": queue_id}, headers={"Authorization": f"Bearer {token}"})
    assert (
        len(list(csv.reader(io.StringIO((await resp.read()).decode("utf-8-sig"))))) == 1
    )  # the header alone


async def test_bad_filters_are_400_before_anything_is_read(client: Client, staff: Staff) -> None:
    h = staff.admin.headers
    for path in (SEARCH, CSV):
        for params in (
            {"channel": "pigeon"},
            {"state": "asleep"},
            {"queue_id": "x"},
            {"agent_id": "-1"},
            {"created_after": "yesterday"},
            {"created_after": "2026-12-07T10:00:00"},
            {"created_after": "2026-12-08", "created_before": "2026-12-01"},
            {"customer": "x" * 201},
            {"wrap_up_code": "c" * 51},
        ):
            await error_of(await client.get(path, params=params, headers=h), 400)
    await error_of(await client.get(SEARCH, params={"cursor": "nonsense"}, headers=h), 400, "invalid_cursor")
    await error_of(await client.get(SEARCH, params={"limit": "500"}, headers=h), 400)


async def test_only_supervisors_and_admins_search(container: Container, client: Client, staff: Staff) -> None:
    await error_of(await client.get(SEARCH), 401)
    for user in (staff.agent, staff.planner, await new_agent(container, Role.INTEGRATION)):
        await error_of(await client.get(SEARCH, headers=user.headers), 403)
        await error_of(await client.get(CSV, headers=user.headers), 403)
    await ok(
        await client.get(SEARCH, params={"created_before": "2026-12-07"}, headers=staff.supervisor.headers)
    )
