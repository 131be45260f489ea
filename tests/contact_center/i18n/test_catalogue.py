"""The catalogue against the source: every marked string is in it and translated, nothing in it is
stale. A string added to the code without `make messages` and a translation fails here."""

from __future__ import annotations

import copy

import pytest
from babel.messages.catalog import Catalog

from contact_center import i18n
from contact_center.i18n.extract import extracted, problems, read


@pytest.fixture(scope="module")
def source() -> Catalog:
    return extracted()


def test_every_string_of_the_source_is_translated_and_nothing_is_stale(source: Catalog) -> None:
    assert len(source) > 300  # the pages, scripts, errors and CLI were all read
    assert problems(source, read("zh-CN"), "zh-CN") == []


def test_the_source_covers_pages_scripts_widget_errors_mails_and_cli(source: Catalog) -> None:
    places = {
        filename.split("/")[0] + "/" + filename.rsplit(".", 1)[-1]
        for m in source
        for filename, _ in m.locations
    }
    assert {"agent_ui/html", "agent_ui/js", "channels/js", "channels/html", "contact_center/py"} <= places
    ids = {m.id for m in source}
    assert "wrong username or password" in ids  # a domain error people read
    assert "Chat with us" in ids  # the widget
    assert "Your chat transcript" in ids  # the mail
    assert "Try it:" in ids  # the demo guide the CLI prints


def test_a_missing_a_stale_and_a_fuzzy_entry_are_each_reported(source: Catalog) -> None:
    catalog = read("zh-CN")
    template = copy.deepcopy(source)
    template.add("A sentence nobody translated yet")
    template.delete("Teapot")
    catalog.get("Queues").flags.add("fuzzy")  # type: ignore[union-attr]
    found = problems(template, catalog, "zh-CN")
    assert "zh-CN: missing 'A sentence nobody translated yet'" in found
    assert "zh-CN: no longer in the source: 'Teapot'" in found
    assert "zh-CN: fuzzy 'Queues'" in found
    assert len(found) == 3


def test_a_translation_that_loses_a_placeholder_is_reported(source: Catalog) -> None:
    catalog = read("zh-CN")
    catalog.get("seeded %(counts)s").string = "已生成"  # type: ignore[union-attr]
    catalog.get("Flagged: {reason}").string = "已提醒主管"  # type: ignore[union-attr]
    assert problems(source, catalog, "zh-CN") == [
        "zh-CN: 'Flagged: {reason}' lost the placeholder {reason}",
        "zh-CN: 'seeded %(counts)s' lost the placeholder %(counts)s",
    ]


def test_the_loaded_catalogue_speaks_chinese_and_english_is_the_source() -> None:
    assert i18n.translate("Queues", "zh-CN") == "队列"
    assert i18n.translate(("to a customer", "Agent"), "zh-CN") == "客服"  # not the staff's 坐席
    assert i18n.translate("Agent", "zh-CN") == "坐席"
    assert i18n.translate("Queues", "en") == "Queues"
    assert i18n.translate("Queues", "fr") == "Queues"  # not ours: English
    with i18n.speaking("zh-CN"):
        assert i18n.gettext("Sign in") == "登录"
    assert i18n.gettext("Sign in") == "Sign in"  # the block's language ends with it
