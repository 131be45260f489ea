"""Every registered event type survives a JSON round trip, built from sample values by field type."""

from __future__ import annotations

import dataclasses
import json
import typing
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from contact_center.domain.events import (
    TRANSITION_EVENTS,
    Event,
    event_from_dict,
    event_from_json,
    registered_event_types,
)

EVENT_TYPES = registered_event_types()
AT = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))


def sample(annotation: Any, name: str) -> Any:
    """A non-default value of the annotated type, so a field dropped on the way shows up."""
    if annotation is datetime:
        return AT
    if annotation is int:
        return 4242
    if annotation is str:
        return f"{name} 值"
    if annotation is float:
        return 2.5
    if annotation is bool:
        return True
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list:
        return [sample(args[0], name), sample(args[0], name + "2")]
    if origin is dict:
        return {"k": sample(args[1], name)}
    if type(None) in args:
        return sample(next(a for a in args if a is not type(None)), name)
    raise AssertionError(f"no sample for {annotation!r} ({name})")


def build(cls: type[Event], *, none_for_optionals: bool = False) -> Event:
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        annotation = hints[f.name]
        if none_for_optionals and type(None) in typing.get_args(annotation):
            values[f.name] = None
        else:
            values[f.name] = sample(annotation, f.name)
    return cls(**values)


def test_event_types_are_registered() -> None:
    assert len(EVENT_TYPES) >= 15
    assert set(TRANSITION_EVENTS.values()) <= set(EVENT_TYPES.values())
    for name, cls in EVENT_TYPES.items():
        assert cls.type == name
        assert "." in name and name == name.lower()


@pytest.mark.parametrize("type_name", sorted(EVENT_TYPES))
def test_every_event_type_survives_a_json_round_trip(type_name: str) -> None:
    cls = EVENT_TYPES[type_name]
    for none_for_optionals in (False, True):
        event = build(cls, none_for_optionals=none_for_optionals)
        payload = event.to_json()
        json.loads(payload)  # plain JSON, readable by any consumer
        again = event_from_json(type_name, payload)
        assert type(again) is cls
        assert again == event
        assert again.to_json() == payload


@pytest.mark.parametrize("type_name", sorted(EVENT_TYPES))
def test_datetimes_come_back_aware_and_equal(type_name: str) -> None:
    event = build(EVENT_TYPES[type_name])
    again = event_from_json(type_name, event.to_json())
    for f in dataclasses.fields(again):
        value = getattr(again, f.name)
        if isinstance(value, datetime):
            assert value.tzinfo is not None
            assert value == AT.astimezone(UTC)


def test_chinese_text_is_kept_readable_in_the_payload() -> None:
    event = build(EVENT_TYPES["queue.created"])
    assert "值" in event.to_json()


def test_an_unknown_event_type_is_refused() -> None:
    with pytest.raises(KeyError):
        event_from_dict("no.such_event", {})


def test_a_payload_missing_a_field_is_refused() -> None:
    payload = json.loads(build(EVENT_TYPES["queue.created"]).to_json())
    del payload["name"]
    with pytest.raises((TypeError, ValueError)):
        event_from_dict("queue.created", payload)


def test_a_message_written_before_its_placement_fields_existed_still_reads() -> None:
    """Payloads in an outbox or a stream at an upgrade lack the fields added since (with defaults)."""
    payload = json.loads(build(EVENT_TYPES["message.added"]).to_json())
    for later in ("customer_id", "agent_id", "queue_id"):
        del payload[later]
    event = event_from_dict("message.added", payload)
    assert event.customer_id is None and event.agent_id is None and event.queue_id is None  # type: ignore[attr-defined]
    del payload["interaction_id"]  # a field it always had is still required
    with pytest.raises((TypeError, ValueError)):
        event_from_dict("message.added", payload)
