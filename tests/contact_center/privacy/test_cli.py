"""The privacy commands as an operator runs them, on a SQLite file: export, erase, purge."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

from contact_center.bootstrap import build_container
from contact_center.cli import main
from contact_center.domain.commands import CreateCustomer, ReceiveInbound
from contact_center.domain.enums import Channel
from contact_center.storage.migrate import upgrade
from tests.conftest import make_settings, unique
from tests.contact_center.test_cli import run

COMMANDS = [["customers", "export"], ["customers", "erase"], ["privacy", "purge-messages"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_privacy_command_explains_itself_with_an_example(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    assert "Example: contact-center" in capsys.readouterr().out


async def customer_with_a_message(url: str) -> str:
    container = build_container(make_settings(url))
    try:
        name = unique("Shell Customer ")
        await container.bus.handle(CreateCustomer(name=name, emails=(f"{unique('sh')}@example.com",)))
        async with container.read_uow() as uow:
            [identity] = await uow.customers.identities(1)
        await container.bus.handle(
            ReceiveInbound(channel=Channel.EMAIL, sender=identity.address, body="Hello from the shell")
        )
        return name
    finally:
        await container.close()


def test_export_then_erase_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cc.db'}"
    upgrade(url)
    env = {"DATABASE_URL": url}
    name = asyncio.run(customer_with_a_message(url))
    out = tmp_path / "customer.json"
    exported = run(["customers", "export", "1", "--out", str(out)], env=env, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["customer"]["name"] == name and document["identities"]
    assert document["interactions"][0]["messages"][0]["body"] == "Hello from the shell"
    assert document["access_log"][-1]["kind"] == "export" and document["access_log"][-1]["actor"] == "cli"

    erased = run(["customers", "erase", "1", "--yes"], env=env, cwd=tmp_path)
    assert erased.returncode == 0 and "erased customer 1" in erased.stdout, erased.stderr
    again = run(["customers", "export", "1"], env=env, cwd=tmp_path)
    after = json.loads(again.stdout)
    assert after["customer"]["name"] == "" and after["customer"]["erased_at"] and after["identities"] == []
    assert name not in again.stdout and "Hello from the shell" not in again.stdout

    purged = run(["privacy", "purge-messages", "--days", "1"], env=env, cwd=tmp_path)
    assert purged.returncode == 0 and "purged the bodies of" in purged.stdout, purged.stderr


def test_erasure_needs_a_yes_and_purging_a_retention(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")  # never opened
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))  # main() configures logging: undone after
    level = root.level
    try:
        assert main(["customers", "erase", "1"]) == 2
        assert "--yes" in capsys.readouterr().err
        assert main(["privacy", "purge-messages"]) == 2
        assert "privacy.message_retention_days" in capsys.readouterr().err
    finally:
        root.setLevel(level)
    assert not (tmp_path / "none.db").exists()
