"""Hypothesis strategies for request bodies: arbitrary JSON, and documents shaped like a model.

Arbitrary JSON rarely names a model's fields, so `shaped_like(model)` walks the model's JSON schema
and builds objects with its field names whose values are sometimes plausible (an enum's member, a
string at the length bound, an int at the 32-bit edge) and sometimes anything at all. Both feed the
fuzz tests of every request model, at the model and through the app.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel

from contact_center.api import app  # noqa: F401  (imports every route module, so every model exists)
from contact_center.api.validation import Body

EDGE_INTS = st.sampled_from(
    [0, 1, -1, 7, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**30]
)
EDGE_FLOATS = st.sampled_from([0.0, -0.0, 0.5, 1.0, 1e-300, 1e300, 1.7976931348623157e308, -1e308])
EDGE_STRINGS = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "x" * 65,
        "x" * 201,
        "é" * 100,
        "\ud7ff\U0010ffff",
        "<script>alert(1)</script>",
        "2026-01-05T00:00:00+00:00",
        "2026-01-05T00:00:00",
        "9999-12-31T23:59:59-12:00",
        "0001-01-01T00:00:00+14:00",
        "2026-01-05",
        "+14155550123",
        "00",
        "alice@example.com",
        "a@b",
        "UTC",
        "Europe/Paris",
        "Not/AZone",
        "09:00",
        "24:00",
        "chat",
        "voice",
        "admin",
        "queued",
        "https://example.com/a.png",
        "javascript:alert(1)",
        "1e999",
        "NaN",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | EDGE_INTS
    | st.floats(allow_nan=False, allow_infinity=False)
    | EDGE_FLOATS
    | st.text(max_size=30)
    | EDGE_STRINGS
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def request_models() -> list[type[BaseModel]]:
    """Every request model of the API: all subclasses of `Body`, found rather than listed, so a new
    model is fuzzed without anyone remembering to add it."""
    found: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [Body]
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub not in found:
                found.append(sub)
                pending.append(sub)
    return sorted(found, key=lambda m: m.__name__)


@functools.cache
def shaped_like(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    schema = model.model_json_schema()
    return _object(schema, schema.get("$defs", {}))


def _object(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    fields = {name: _value(sub, defs) for name, sub in properties.items()}
    return st.fixed_dictionaries(
        {name: fields[name] for name in properties if name in required},
        optional={name: fields[name] for name in properties if name not in required},
    )


def _value(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Mostly a value the schema allows, else one at or past its bounds, now and then anything:
    whole documents are then often valid, and reach the handlers and the database."""
    fitting = _typed(schema, defs)
    return st.one_of(fitting, fitting, fitting, fitting, fitting, _edgy(schema, defs), JSON)


def _typed(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        return _typed(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return st.one_of([_typed(sub, defs) for sub in schema[key]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "object":
        if "properties" in schema:
            return _object(schema, defs)
        values = schema.get("additionalProperties")
        value = _value(values, defs) if isinstance(values, dict) else JSON
        names = {"type": "string", **schema.get("propertyNames", {})}  # JSON keys are strings
        return st.dictionaries(_typed(names, defs), value, max_size=4)
    if kind == "array":
        items = schema.get("prefixItems") or schema.get("items")
        if isinstance(items, list):
            return st.tuples(*(_value(item, defs) for item in items)).map(list)
        return st.lists(_value(items or {}, defs), min_size=schema.get("minItems", 0), max_size=4)
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        low, high = _range(schema, -1000, 1000)
        return st.integers(min_value=int(low), max_value=int(high))
    if kind == "number":
        low, high = _range(schema, -1e6, 1e6)
        return st.floats(
            min_value=low,
            max_value=high,
            exclude_min="exclusiveMinimum" in schema,
            exclude_max="exclusiveMaximum" in schema,
            allow_nan=False,
            allow_infinity=False,
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    return JSON


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    if schema.get("format") == "date-time":
        offsets = st.sampled_from(["Z", "+00:00", "+14:00", "-12:00", "+05:30", ""])
        return st.builds(lambda at, offset: at.isoformat() + offset, st.datetimes(), offsets)
    if schema.get("format") == "date":
        return st.dates().map(date.isoformat)
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    low, high = schema.get("minLength", 0), schema.get("maxLength", 40)
    return st.text(min_size=low, max_size=max(low, min(high, 40)))


def _range(schema: dict[str, Any], low: float, high: float) -> tuple[float, float]:
    low = schema.get("minimum", schema.get("exclusiveMinimum", low))
    high = schema.get("maximum", schema.get("exclusiveMaximum", high))
    return low, high


def _edgy(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values at and just past the schema's bounds, and the usual suspects of each kind."""
    if "$ref" in schema:
        return _edgy(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    kind = schema.get("type")
    if kind == "string" or "enum" in schema:
        low, high = schema.get("minLength", 0), schema.get("maxLength", 40)
        bounds = st.sampled_from(sorted({low, max(low - 1, 0), high, high + 1}))
        return EDGE_STRINGS | bounds.map(lambda n: "x" * n)
    if kind in ("integer", "number"):
        cast = int if kind == "integer" else float
        edges = [
            cast(schema[k] + d)
            for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
            if k in schema
            for d in (-1, 0, 1)
        ]
        return st.sampled_from(edges) | EDGE_INTS | EDGE_FLOATS if edges else EDGE_INTS | EDGE_FLOATS
    return JSON


def encoded(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
