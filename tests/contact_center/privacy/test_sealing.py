"""Sealed audit values: open only with their customer's key and id; read as erased without it.
And every event type's text fields are classified, so none carries personal text unnoticed."""

from __future__ import annotations

import dataclasses
import typing

import pytest
from cryptography.exceptions import InvalidTag

from contact_center.domain.events import registered_event_types
from contact_center.privacy.personal import (
    NON_PERSONAL_BY_TYPE,
    NON_PERSONAL_EVENT_TEXT,
    PERSONAL_EVENT_FIELDS,
    blanked,
    mentions,
    needles,
)
from contact_center.privacy.sealing import new_key, readable, seal, sealed_changes, unseal


def test_a_sealed_value_opens_with_its_key_and_customer_only() -> None:
    key = new_key()
    token = seal(key, 7, {"name": "王芳"})
    assert "王芳" not in token
    assert unseal(key, 7, token) == {"name": "王芳"}
    with pytest.raises(InvalidTag):
        unseal(key, 8, token)  # copied into another customer's entry
    with pytest.raises(InvalidTag):
        unseal(new_key(), 7, token)


def test_two_seals_of_one_value_differ() -> None:
    key = new_key()
    assert seal(key, 7, {"name": "a"}) != seal(key, 7, {"name": "a"})


def test_an_entry_keeps_the_fields_in_clear_and_reads_as_erased_without_its_key() -> None:
    key = new_key()
    changes = sealed_changes(key, 7, {"before": {"name": "Ann"}, "after": {"name": "Bob Smithers"}})
    assert changes["fields"] == ["name"] and "Smithers" not in str(changes)
    assert readable(changes, {7: key}) == {
        "fields": ["name"],
        "before": {"name": "Ann"},
        "after": {"name": "Bob Smithers"},
    }
    assert readable(changes, {}) == {"fields": ["name"], "erased": True}
    assert readable({"merged_id": 3}, {}) == {"merged_id": 3}  # nothing sealed, nothing changed


def test_copies_are_found_by_id_or_value_and_blanked() -> None:
    values = needles(["王芳", "wang.fang@example.com", "x"])
    assert "\\u738b\\u82b3" in values and "x" not in values
    assert mentions({"items": [{"customer_id": 5}]}, [5], values)
    assert mentions(["note", "mail wang.fang@example.com"], [5], values)
    assert not mentions({"customer_id": 6, "name": "王芳芳"}, [5], values)  # a short name: whole texts only
    assert blanked({"recent": [{"customer": "王芳", "queue": "sales"}]}, values) == {
        "recent": [{"customer": "", "queue": "sales"}]
    }


def _text_fields(cls: type) -> list[str]:
    hints = typing.get_type_hints(cls)
    return [f.name for f in dataclasses.fields(cls) if "str" in str(hints[f.name])]


@pytest.mark.parametrize("type_name", sorted(registered_event_types()))
def test_every_text_field_of_every_event_is_known_to_be_personal_or_not(type_name: str) -> None:
    cls = registered_event_types()[type_name]
    known = set(PERSONAL_EVENT_FIELDS.get(type_name, ())) | set(NON_PERSONAL_BY_TYPE.get(type_name, ()))
    unknown = [f for f in _text_fields(cls) if f not in known and f not in NON_PERSONAL_EVENT_TEXT]
    assert unknown == [], f"{type_name}: classify {unknown} in contact_center/privacy/personal.py"
