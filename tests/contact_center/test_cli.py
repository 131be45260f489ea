"""The `contact-center` command as a user runs it: help, bad config, users, queues, check."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from contact_center.cli import main
from contact_center.i18n.formatting import pad
from tests.conftest import unique

COMMANDS = [
    ["serve"],
    ["migrate"],
    ["seed-demo"],
    ["simulate"],
    ["users", "add"],
    ["queues", "list"],
    ["check"],
]


def run(
    args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CC_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "contact_center.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_explains_itself_with_an_example(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "Example:" in out
    assert "contact-center" in out


def test_invalid_config_stops_with_one_line_naming_the_key(tmp_path: Path) -> None:
    result = run(["check"], env={"CC_HTTP__PORT": "not-a-port"}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "http.port" in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_redis_without_postgres_is_refused(tmp_path: Path) -> None:
    result = run(["check"], env={"REDIS_URL": "redis://127.0.0.1:6379/0"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "redis.url" in result.stderr and "PostgreSQL" in result.stderr


def test_users_and_queues_on_a_fresh_sqlite_database(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    assert run(["migrate"], env=env).returncode == 0
    name = unique("u")
    added = run(
        ["users", "add", name, "--role", "supervisor", "--skill", "billing=7", "--password", "pw-12345"],
        env=env,
    )
    assert added.returncode == 0, added.stderr
    assert f"created supervisor {name}" in added.stdout
    again = run(["users", "add", name], env=env)
    assert again.returncode == 1 and "taken" in again.stderr
    listed = run(["queues", "list"], env=env)
    assert listed.returncode == 0 and "waiting" in listed.stdout
    checked = run(["check"], env=env)
    assert checked.returncode == 0 and "single process" in checked.stdout


def test_check_reports_an_unreachable_database_without_a_trace(tmp_path: Path) -> None:
    result = run(["check"], env={"DATABASE_URL": "postgresql://127.0.0.1:1/nothing"}, cwd=tmp_path)
    assert result.returncode == 1
    assert "database   FAIL" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_seed_demo_creates_customers_with_history_and_refuses_twice(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}
    assert run(["migrate"], env=env).returncode == 0
    seeded = run(["seed-demo", "--customers", "12"], env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert "12 customers" in seeded.stdout and "password" in seeded.stdout
    # This week's schedule for the support queue is published, so adherence and My schedule show it.
    assert "1 published schedule" in seeded.stdout
    with sqlite3.connect(tmp_path / "demo.db") as db:
        published = db.execute(
            "SELECT count(DISTINCT f.agent_id) FROM schedule s JOIN schedule_shift f ON f.schedule_id = s.id"
            " JOIN queue q ON q.id = s.queue_id WHERE s.status = 'published' AND q.name = 'support'"
        ).fetchone()[0]
    assert published >= 2
    assert run(["seed-demo", "--if-empty"], env=env).stdout.startswith("demo data already present")
    assert run(["seed-demo"], env=env).returncode == 1


def test_serve_refuses_an_unmigrated_or_unreachable_database_in_one_line(tmp_path: Path) -> None:
    stale = run(["serve"], env={"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}, cwd=tmp_path)
    assert stale.returncode == 2
    assert stale.stderr.strip().splitlines()[-1].endswith("run `contact-center migrate`")
    down = run(["serve"], env={"DATABASE_URL": "postgresql://127.0.0.1:1/nothing"}, cwd=tmp_path)
    assert down.returncode == 2 and "cannot reach the database" in down.stderr
    assert "Traceback" not in stale.stderr + down.stderr


def test_the_human_output_speaks_chinese_when_asked(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "CC_LANGUAGE": "zh-CN"}
    assert run(["migrate"], env=env).returncode == 0
    listed = run(["queues", "list"], env=env)
    assert listed.returncode == 0 and listed.stdout.splitlines()[0].split() == [
        "编号", "名称", "渠道", "服务水平目标", "排队中", "最长等待",
    ]  # fmt: skip
    checked = run(["check"], env=env)
    assert "模式：单进程" in checked.stdout
    refused = run(["customers", "erase", "1"], env=env)
    assert refused.returncode == 2 and "擦除无法撤销" in refused.stderr
    purged = run(["privacy", "purge-messages", "--days", "30"], env=env)
    assert purged.returncode == 0 and "30 天前的 0 条消息和 0 条悄悄话" in purged.stdout, purged.stderr


def test_columns_line_up_under_chinese_names() -> None:
    assert pad("客服", 6) == "客服  " and pad("vip", 6) == "vip   " and pad("很长的名字", 4) == "很长的名字"
