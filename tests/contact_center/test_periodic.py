"""Due times of periodic jobs, and the table built from settings."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from contact_center.periodic import Periodic, periodic_jobs
from contact_center.privacy.retention import PURGE_JOB
from contact_center.services.follow_up_deadlines import OVERDUE_JOB
from contact_center.services.queue_alerts import ALERTS_JOB
from contact_center.settings import Settings


def utc(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2030, 1, day, hour, minute, second, tzinfo=UTC)


def test_an_every_rhythm_is_due_at_the_latest_multiple_since_the_epoch() -> None:
    hourly = Periodic("p", "j", every=timedelta(hours=1))
    assert hourly.due(utc(7, 10, 59, 59)) == utc(7, 10)
    assert hourly.due(utc(7, 11)) == utc(7, 11)
    assert hourly.after(utc(7, 11)) == utc(7, 12)


def test_a_slot_is_the_same_in_every_time_zone() -> None:
    every_90_s = Periodic("p", "j", every=timedelta(seconds=90))
    local = utc(7, 10, 1, 40).astimezone(ZoneInfo("Asia/Shanghai"))
    assert every_90_s.due(local) == every_90_s.due(utc(7, 10, 1, 40)) == utc(7, 10, 1, 30)


def test_a_daily_rhythm_is_due_today_after_its_time_and_yesterday_before() -> None:
    nightly = Periodic("p", "j", at=time(3, 30))
    assert nightly.due(utc(7, 3, 30)) == utc(7, 3, 30)
    assert nightly.due(utc(7, 3, 29)) == utc(6, 3, 30)
    assert nightly.after(utc(7, 3, 30)) == utc(8, 3, 30)


def test_a_periodic_job_has_exactly_one_rhythm() -> None:
    with pytest.raises(ValueError):
        Periodic("p", "j")
    with pytest.raises(ValueError):
        Periodic("p", "j", every=timedelta(seconds=5), at=time(1, 0))


def test_the_retention_purge_is_periodic_only_when_a_retention_is_set() -> None:
    assert [p.job for p in periodic_jobs(Settings())] == [OVERDUE_JOB, ALERTS_JOB]
    kept = Settings.model_validate({"privacy": {"message_retention_days": 30, "retention_interval_s": 600}})
    retention = next(p for p in periodic_jobs(kept) if p.job == PURGE_JOB)
    assert retention.every == timedelta(minutes=10)


def test_settings_choose_a_rhythm_or_switch_a_periodic_job_off() -> None:
    settings = Settings.model_validate(
        {
            "privacy": {"message_retention_days": 30},
            "scheduler": {
                "retention": {"at": "02:15"},
                "overdue_follow_ups": {"enabled": False},
                "wallboard_alerts": {"enabled": False},
            },
        }
    )
    assert [(p.name, p.at, p.every) for p in periodic_jobs(settings)] == [("retention", time(2, 15), None)]


@pytest.mark.parametrize(
    "bad", [{"at": "25:00"}, {"at": "3:00"}, {"every_s": 0}, {"every_s": 5, "at": "01:00"}]
)
def test_a_bad_rhythm_is_refused_by_the_settings(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Settings.model_validate({"scheduler": {"retention": bad}})
