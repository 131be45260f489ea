"""A real headless Chromium (Debian's), driven by async playwright inside pytest-asyncio tests."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright, expect

from contact_center.api.protocol_errors import ApiRunner
from contact_center.bootstrap import Container, build_container, build_web_app
from contact_center.storage.migrate import upgrade
from tests.conftest import make_settings

CHROMIUM = "/usr/bin/chromium"
#: The password the page tests give the accounts they sign in with.
PASSWORD = "pw-123456"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: What a page must come to show, it may take this long to: an expectation is about what it shows,
#: never how fast (bench/ measures that), and a CI machine under load is slower than Playwright's 5 s.
expect.set_options(timeout=15_000)


@pytest.fixture
def page_sqlite_url(tmp_path: Path) -> str:
    """A database of each page test's own: the session's shared one holds what earlier tests left
    (agents, sites, leases, jobs), and a page that shows whatever is there, or a router that
    routes whatever waits, made these tests pass alone and fail after the rest of the suite."""
    url = f"sqlite:///{tmp_path / 'pages.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            await browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def served(page_sqlite_url: str) -> AsyncIterator[tuple[str, Container]]:
    """The whole web app (API and pages) on a free local port, over the session's SQLite database."""
    container = build_container(make_settings(page_sqlite_url))
    app = build_web_app(container)
    await container.start()
    runner = ApiRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}", container
    finally:
        await runner.cleanup()
        await container.close()


async def sign_in(page: Page, base: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and land on the first page."""
    await page.goto(base + "/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await expect(page).to_have_url(base + "/")
