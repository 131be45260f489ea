"""The CLI's human output in the language of CC_LANGUAGE (else LANG), in a real process."""

from __future__ import annotations

from tests.conftest import unique
from tests.contact_center.test_cli import run


def test_a_user_added_and_changed_from_the_cli_is_told_in_chinese(sqlite_url: str) -> None:
    username = unique("cli_zh")
    env = {"DATABASE_URL": sqlite_url, "CC_LANGUAGE": "zh-CN"}
    added = run(["users", "add", username, "--role", "agent", "--language", "zh-CN"], env=env)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"已创建 agent {username}（ID "), added.stdout
    changed = run(["users", "set", username, "--timezone", "Asia/Shanghai", "--language", "none"], env=env)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.strip() == f"已更新 {username}：language=none, timezone=Asia/Shanghai"
    refused = run(["users", "set", username, "--timezone", "Mars/Olympus"], env={**env, "CC_LANGUAGE": "en"})
    assert refused.returncode == 1
    assert (
        refused.stderr.strip()
        == "contact-center: timezone must be an IANA time zone name, e.g. Asia/Shanghai"
    )
    missing = run(["users", "set", unique("nobody"), "--language", "en"], env=env)
    assert missing.returncode == 1 and missing.stderr.strip() == "contact-center: 没有该用户"


def test_the_demo_guide_speaks_the_language_of_the_environment() -> None:
    from contact_center import i18n
    from contact_center.demo import demo_guide

    with i18n.speaking("zh-CN"):
        guide = demo_guide("http://127.0.0.1:8080")
    assert "试用一下：" in guide and "http://127.0.0.1:8080/demo/shop" in guide
    assert "Try it:" in demo_guide("http://127.0.0.1:8080")
