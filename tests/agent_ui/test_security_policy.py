"""The pages under their Content-Security-Policy in a real browser: they work with no violation,
and a script that markup smuggled in would not run."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, ConsoleMessage, expect

from contact_center.bootstrap import Container
from contact_center.domain.commands import CreateAgent
from contact_center.domain.enums import Role
from tests.agent_ui.conftest import PASSWORD, sign_in
from tests.conftest import unique

pytestmark = pytest.mark.browser

VIOLATIONS = """() => new Promise(resolve => {
  const seen = [];
  document.addEventListener('securitypolicyviolation', e => seen.push(e.violatedDirective));
  setTimeout(() => resolve(seen), 300);
})"""


async def test_every_page_works_under_the_policy_and_inline_script_is_refused(
    browser: Browser, served: tuple[str, Container]
) -> None:
    base, container = served
    username = unique("adm")
    await container.bus.handle(CreateAgent(username=username, role=Role.ADMIN, password=PASSWORD))
    page = await browser.new_page()
    refused: list[str] = []  # what the browser reports refusing under the policy

    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", console)
    try:
        await sign_in(page, base, username)
        await expect(page.locator("#live.on")).to_have_count(1)  # its script ran, its socket is open
        nav = page.locator("header.top .links")
        assert await nav.evaluate("n => getComputedStyle(n).display") == "flex"  # styled from style.css
        for path in ("/planner", "/my-schedule", "/my-settings", "/"):
            await page.goto(base + path)
            assert await page.evaluate(VIOLATIONS) == [], path
        smuggled = await page.evaluate(
            """() => {
              const s = document.createElement('script');
              s.textContent = 'window.__smuggled = true';
              document.body.appendChild(s);
              return window.__smuggled === true;
            }"""
        )
        assert smuggled is False
        assert len(refused) == 1 and "inline script" in refused[0], refused  # that one, and nothing else
    finally:
        await page.close()
