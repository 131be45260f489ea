"""`Touched` behaves as a dict from record to trigger, whichever of its two forms it is in."""

from __future__ import annotations

from routing.touched import Touched


class Rec:
    """Records are compared by identity, as the engine's are."""


def test_one_record_is_taken_alone_with_its_latest_trigger() -> None:
    touched: Touched[Rec] = Touched()
    a = Rec()
    touched.add(a, "first")
    touched.add(a, "second")
    assert not touched.is_empty()
    assert touched.take_one() is a
    assert touched.one_trigger == "second"
    assert touched.is_empty()


def test_several_records_keep_first_touch_order_and_latest_triggers() -> None:
    touched: Touched[Rec] = Touched()
    a, b, c = Rec(), Rec(), Rec()
    touched.add(a, "a1")
    touched.add(b, "b1")
    touched.add(c, "c1")
    touched.add(a, "a2")
    assert touched.take_one() is None  # more than one: none is taken alone
    assert touched.take_all() == [(a, "a2"), (b, "b1"), (c, "c1")]
    assert touched.is_empty()
    assert touched.take_all() == []


def test_discarded_records_are_not_taken() -> None:
    touched: Touched[Rec] = Touched()
    a, b = Rec(), Rec()
    touched.add(a, "a")
    touched.discard(b)  # not touched: nothing happens
    touched.discard(a)
    assert touched.is_empty()
    touched.add(a, "a")
    touched.add(b, "b")
    touched.discard(a)
    assert touched.take_all() == [(b, "b")]
    assert touched.is_empty()


def test_a_record_touched_after_a_take_starts_afresh() -> None:
    touched: Touched[Rec] = Touched()
    a, b = Rec(), Rec()
    touched.add(a, "a")
    assert touched.take_all() == [(a, "a")]
    touched.add(b, "b")
    assert touched.take_one() is b
