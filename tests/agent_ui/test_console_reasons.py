"""The decision log's offer reason in the reader's words, counted right in each language."""

from __future__ import annotations

import pytest

from agent_ui.console_reasons import offer_reason
from contact_center.i18n import speaking


def stored(considered: int) -> str:
    return (
        f"agent 7 became available; longest_idle among {considered} candidate(s) (); "
        "meets support>=3 at escalation step 0; waited 4.0s, effective priority 1.00"
    )


@pytest.mark.parametrize(
    ("considered", "first_line"),
    [
        (1, "Chosen as the agent idle longest among 1 candidate."),
        (3, "Chosen as the agent idle longest among 3 candidates."),
    ],
)
def test_one_candidate_is_one_candidate(considered: int, first_line: str) -> None:
    with speaking("en"):
        assert offer_reason(stored(considered), "en", "UTC")[0] == first_line


def test_chinese_has_one_form_for_any_count() -> None:
    with speaking("zh-CN"):
        lines = [offer_reason(stored(n), "zh-CN", "UTC")[0] for n in (1, 3)]
    assert lines == [f"在 {n} 名候选坐席中按“空闲最久的坐席”选出。" for n in (1, 3)]
