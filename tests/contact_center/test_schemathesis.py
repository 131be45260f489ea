"""schemathesis against /api/v1/openapi.json: a real server on SQLite, seeded with the demo data,
fuzzed as an administrator within a time budget. No answer may be a 5xx, and every answer must
conform to the document (status, content type, headers, body schema).

Three operations stay out of the run because they end the run's own session (then every later
request is a 401 and nothing is tested): signing out, revoking an agent's tokens, and PATCHing an
agent (which may deactivate the administrator or change their password). The API tests cover
them, and the hypothesis fuzzing (`api/test_fuzz_bodies.py`) sends PATCH bodies to an agent of its
own.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from contact_center.api.openapi import OPERATIONS
from tests.contact_center.server_process import clean_env, cli, free_port, run_cli, wait_ready

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
SELF_ENDING = ("delete_auth_token", "post_agents_id_revoke-tokens", "patch_agents_id")
BUDGET_S = 45


@pytest.mark.slow
async def test_the_api_answers_as_its_document_says_and_never_5xx(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    env = clean_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cc.db'}",
            "CC_HTTP__PORT": str(port),
            "CC_ENVIRONMENT": "test",
            "CC_LOG_LEVEL": "WARNING",
        }
    )
    for step in (("migrate",), ("seed-demo", "--customers", "10", "--history-weeks", "2")):
        done = await run_cli(*step, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
    processes.append(cli("serve", env=env, log=tmp_path / "server.log"))
    base = f"http://127.0.0.1:{port}"
    await wait_ready(base)
    async with aiohttp.ClientSession() as http:
        credentials = {"username": "admin", "password": "demo-password"}
        async with http.post(base + "/api/v1/auth/token", json=credentials) as resp:
            assert resp.status == 201, await resp.text()
            token = (await resp.json())["token"]

    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        base + "/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--max-examples",
        "10",
        "--max-time",
        str(BUDGET_S),
        "--workers",
        "1",
        "--request-timeout",
        "20",
        *(arg for op in SELF_ENDING for arg in ("--exclude-operation-id", op)),
    ]
    done = await _run(command, tmp_path)
    report = done.stdout + done.stderr
    server_log = (tmp_path / "server.log").read_text(errors="replace")
    assert done.returncode == 0, report[-20_000:] + "\n--- server log ---\n" + server_log[-5_000:]
    selected = re.search(r"Selected: (\d+)/(\d+)", report)
    tested = re.search(r"Tested: (\d+)", report)
    assert selected and tested, report[-5_000:]
    chosen, total = int(selected[1]), int(selected[2])
    assert total >= len(OPERATIONS) - 1  # all of the document (it leaves out its own operation)
    assert chosen == total - len(SELF_ENDING) and int(tested[1]) == chosen, report[-5_000:]


async def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run,
        command,
        cwd=cwd,  # its report directory goes to the test's temporary directory
        capture_output=True,
        text=True,
        timeout=BUDGET_S + 120,
        check=False,
        env=clean_env({"NO_COLOR": "1"}),
    )
