"""Script and markup in everything a user or customer controls, then every page in real Chromium
as each role that sees it: the payload shows as text, and no script of it runs.

Each field gets its own payload, tagged, so a failure names the field. A payload tries the usual
ways out: closing a `<script>` block (the dashboard's data sits in one), breaking out of an
attribute, an `<img onerror>` and an `<svg onload>`; each sets `window.__xss` if it ever runs.
To cover a new page or role, add it to `PAGES`; a new field, to `seed`.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from playwright.async_api import Browser, ConsoleMessage, Dialog, Page

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from tests.agent_ui.conftest import PASSWORD, sign_in
from tests.conftest import unique

pytestmark = pytest.mark.browser

#: Pages each role sees, and the seeded fields its `/` shows (customer name, subject, queue name):
#: planners get the dashboard's figures without the latest contacts; an agent's `/` is their own
#: work, and the agent here is the one the seeded interaction was assigned to.
PAGES: dict[Role, tuple[str, ...]] = {
    Role.ADMIN: ("/", "/planner", "/my-schedule", "/my-settings"),
    Role.SUPERVISOR: ("/", "/planner", "/my-schedule", "/my-settings"),
    Role.PLANNER: ("/", "/planner", "/my-schedule", "/my-settings"),
    Role.AGENT: ("/", "/my-schedule", "/my-settings"),
}
SHOWN_ON_HOME: dict[Role, set[str]] = {
    Role.ADMIN: {"xc", "xs", "xq"},
    Role.SUPERVISOR: {"xc", "xs", "xq"},
    Role.PLANNER: {"xq"},
    Role.AGENT: {"xs"},
}
#: Roles that open the console's pages (agent_ui/console.py), on what `seed` made.
CONSOLE_ROLES = (Role.ADMIN, Role.SUPERVISOR)
AGENT_PASSWORD = "kettle-drum-49"
INJECTED = """() => document.querySelectorAll(
  'img[src="x"], svg[onload], [onerror], [onload], script:not([src]):not([type="application/json"])'
).length"""


def payload(tag: str, *, short: bool = False) -> str:
    """Markup that would set window.__xss to `tag` if a page ever ran it."""
    if short:  # for 50-character fields
        return f'{tag}"><img src=x onerror=window.__xss="{tag}">'
    return (
        f"{tag}</script><script>window.__xss='{tag}'</script>"
        f"\"><img src=x onerror=window.__xss='{tag}'><svg onload=window.__xss='{tag}'>"
    )[:100]


async def seed(base: str, headers: dict[str, str]) -> tuple[dict[str, str], str, dict[str, str]]:
    """Every field the pages could show, filled with a payload; returns tag -> payload, the
    username of the agent the payload-laden interaction was assigned to, and the console's pages
    of what was seeded, with the tags each must show as text."""
    values: dict[str, str] = {}

    def value(tag: str, *, short: bool = False) -> str:
        values[tag] = payload(tag, short=short)
        return values[tag]

    async with aiohttp.ClientSession(base, headers=headers) as http:

        async def post(path: str, body: dict[str, Any], status: int = 201) -> Any:
            async with http.post(path, json=body) as resp:
                assert resp.status == status, (path, await resp.text())
                return await resp.json()

        queue = await post("/api/v1/queues", {"name": value("xq" + unique())[:100]})
        customer = await post("/api/v1/customers", {"name": value("xc"), "company": value("xco")})
        interaction = await post(
            "/api/v1/interactions",
            {
                "customer_id": customer["id"],
                "channel": "chat",
                "queue": queue["name"],
                "subject": value("xs"),
                "body": value("xb"),
            },
        )
        inbound = await post(
            "/api/v1/inbound",
            {
                "channel": "chat",
                "sender": unique("visitor"),
                "sender_name": value("xn"),
                "subject": value("xis"),
                "body": value("xib"),
                "queue": queue["name"],
            },
        )
        agent = await post(
            "/api/v1/agents",
            {
                "username": unique("xa"),
                "display_name": value("xd"),
                "role": "agent",
                "password": AGENT_PASSWORD,
            },
        )
        url = f"/api/v1/interactions/{interaction['id']}/transitions"
        for step in (
            {"to": "active", "agent_id": agent["id"]},  # an admin assigns; only the router offers
            {"to": "wrap_up", "wrap_up_code": value("xw", short=True)},
        ):
            await post(url, step, 200)
        await post(
            f"/api/v1/customers/{customer['id']}/notes",
            {"body": value("xo"), "interaction_id": interaction["id"]},
        )
        week = "2026-01-05"
        await post(
            f"/api/v1/planning/queues/{queue['id']}/overrides",
            {
                "starts_at": f"{week}T00:00:00+00:00",
                "ends_at": f"{week}T12:00:00+00:00",
                "value": 5.0,
                "reason": value("xr"),
            },
        )
    console = {
        f"/console/queues/{queue['id']}": "xc",
        f"/console/interactions/{interaction['id']}": "xc xs xb xw xo xd",
        f"/console/interactions/{inbound['interaction_id']}": "xn xib",
        f"/console/customers/{customer['id']}": "xc xco xs",
        f"/console/customers/{inbound['customer_id']}": "xn xis",
        "/console/search": "xc xs xw xn xis",
    }
    return values, agent["username"], console


async def admin_headers(base: str, container: Container) -> dict[str, str]:
    username = unique("xadm")
    await container.bus.handle(CreateAgent(username=username, role=Role.ADMIN, password=PASSWORD))
    async with (
        aiohttp.ClientSession() as http,
        http.post(base + "/api/v1/auth/token", json={"username": username, "password": PASSWORD}) as resp,
    ):
        assert resp.status == 201, await resp.text()
        return {"Authorization": f"Bearer {(await resp.json())['token']}"}


class Watch:
    """What a page did that it must not: dialogs, script errors, console errors, a set
    `window.__xss`. An API answer of 4xx the page fetched (a queue with no history yet, a page a
    role may not see) is logged by Chromium as a failed load: that is no script, and is ignored."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    async def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        await dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    async def check(self, page: Page, where: str) -> None:
        await page.wait_for_timeout(300)  # let the page's own scripts render what they fetched
        assert await page.evaluate("() => window.__xss") is None, where
        assert await page.evaluate(INJECTED) == 0, where
        assert self.dialogs == [] and self.errors == [], (where, self.dialogs, self.errors)


async def test_payloads_in_every_field_render_as_text_on_every_page_for_every_role(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    values, assigned_agent, console = await seed(base, await admin_headers(base, container))
    for role, paths in PAGES.items():
        if role in CONSOLE_ROLES:
            paths = (*paths, *console)
        if role is Role.AGENT:
            username, password = assigned_agent, AGENT_PASSWORD
        else:
            username, password = unique(role.value[:3] + "x"), PASSWORD
            await container.bus.handle(CreateAgent(username=username, role=role, password=password))
        page = await browser.new_page()
        watch = Watch(page)
        try:
            await sign_in(page, base, username, password)
            for path in paths:
                await page.goto(base + path)
                await watch.check(page, f"{role.value} {path}")
                text = await page.locator("body").inner_text()
                for tag in console.get(path, "").split():
                    shown = next(v for t, v in values.items() if t.startswith(tag))
                    assert shown[:40] in text, (tag, role, path)  # there, as the characters typed
                if path == "/":
                    for tag in SHOWN_ON_HOME[role]:
                        shown = next(v for t, v in values.items() if t.startswith(tag))
                        assert shown[:60] in text, (tag, role)  # there, as the characters typed
        finally:
            await page.close()


async def test_a_payload_as_the_username_at_sign_in_runs_nothing(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, _ = served
    page = await browser.new_page()
    watch = Watch(page)
    try:
        await page.goto(base + "/login")
        await page.fill("input[name=username]", payload("xl"))
        await page.fill("input[name=password]", payload("xp"))
        await page.click("button[type=submit]")
        await page.wait_for_selector("p.error")
        await watch.check(page, "/login after a failed sign-in")
    finally:
        await page.close()
