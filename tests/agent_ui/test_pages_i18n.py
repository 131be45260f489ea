"""The pages' jinja2 environment: gettext under the names templates use (`_`, `gettext`,
`ngettext`, `{% trans %}`), the locale filters in the user's zone, and the scripts' strings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from agent_ui.pages import page_environment, render_page, script_messages
from contact_center import i18n
from contact_center.domain.enums import Role
from contact_center.domain.principal import Principal

TEMPLATE = "|".join(
    [
        '{{ _("Queues") }}',
        '{{ gettext("Sign out") }}',
        '{{ ngettext("%(num)d queue", "%(num)d queues", 2) }}',
        "{% trans %}Desk{% endtrans %}",
        '{{ _("Published shifts, breaks and lunches, in your time zone (%(zone)s).", zone="X") }}',
        "{{ when | datetime }}",
        "{{ when | time }}",
        "{{ 1234.5 | number }}",
        "{{ 0.8 | percent }}",
        "{{ lang }}",
        "{{ i18n_data | tojson }}",
    ]
)

AT = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)


def render(tmp_path: Path, **context: object) -> list[str]:
    (tmp_path / "page.html").write_text(TEMPLATE, encoding="utf-8")
    return render_page(page_environment(tmp_path), "page.html", when=AT, **context).split("|")


def test_a_chinese_user_gets_the_page_in_chinese_in_their_zone(tmp_path: Path) -> None:
    user = Principal(1, "li", Role.AGENT, None, "zh-CN", "Asia/Shanghai")
    with i18n.speaking("zh-CN"):  # what signing the request in sets
        parts = render(tmp_path, user=user)
    assert parts[:5] == [
        "队列",
        "退出登录",
        "2 queues",
        "工作台",
        "已发布的班次、休息和午餐，按您的时区（X）显示。",
    ]
    assert parts[5:10] == ["2026年12月7日 19:00:00", "19:00", "1,234.5", "80.0%", "zh-CN"]
    data = json.loads(parts[10])
    assert data["language"] == "zh-CN" and data["timeZone"] == "Asia/Shanghai"
    assert data["messages"]["Presence"] == "状态"  # a desk script's string
    assert set(data["messages"]) <= script_messages()  # nothing the scripts cannot show


def test_without_a_language_of_their_own_the_page_speaks_the_requests(tmp_path: Path) -> None:
    user = Principal(1, "bo", Role.AGENT, None)
    parts = render(tmp_path, user=user)
    assert parts[:4] == ["Queues", "Sign out", "2 queues", "Desk"]
    assert parts[5:7] == ["Dec 7, 2026, 11:00:00\u202fAM", "11:00\u202fAM"]  # no zone: UTC
    data = json.loads(parts[10])
    assert data == {"language": "en", "timeZone": None, "messages": {}}  # English needs no catalogue
    parts = render(tmp_path, user=None, language="zh-CN")  # a signed-out page, by Accept-Language
    assert parts[0] == "队列"
