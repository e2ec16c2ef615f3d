"""Service levels in working hours: weekends do not count, in the company's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from trainhub.reviews.sla import ServiceLevel, is_past_sla, overdue_before, week_start

UTC_2_DAYS = ServiceLevel(48, ZoneInfo("UTC"))
KYIV = ServiceLevel(48, ZoneInfo("Europe/Kyiv"))


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)  # 23 Nov 2026 is a Monday


def test_two_working_days_within_a_week():
    submitted = at(24, 10)  # Tuesday 10:00
    assert not is_past_sla(submitted, at(26, 10), UTC_2_DAYS)  # Thursday 10:00: exactly
    assert is_past_sla(submitted, at(26, 10, 1), UTC_2_DAYS)


def test_a_weekend_does_not_count():
    submitted = at(27, 17)  # Friday 17:00
    assert not is_past_sla(submitted, datetime(2026, 12, 1, 17, tzinfo=UTC), UTC_2_DAYS)
    assert is_past_sla(submitted, datetime(2026, 12, 1, 17, 1, tzinfo=UTC), UTC_2_DAYS)


def test_an_answer_sent_on_saturday_starts_counting_on_monday():
    submitted = at(28, 12)  # Saturday noon
    assert not is_past_sla(submitted, datetime(2026, 12, 1, 23, 59, tzinfo=UTC), UTC_2_DAYS)
    assert is_past_sla(submitted, datetime(2026, 12, 2, 0, 1, tzinfo=UTC), UTC_2_DAYS)


def test_the_company_time_zone_decides_where_the_weekend_is():
    # Friday 23:30 UTC is already Saturday 01:30 in Kyiv: no working time left that week.
    submitted = at(27, 23, 30)
    monday_kyiv_midnight = at(29, 22)  # Monday 00:00 in Kyiv
    saturday_kyiv_midnight = at(27, 22)
    assert (
        overdue_before(monday_kyiv_midnight + timedelta(hours=48), KYIV) == saturday_kyiv_midnight
    )
    assert not is_past_sla(submitted, monday_kyiv_midnight + timedelta(hours=48), KYIV)


def test_no_submission_time_is_never_overdue():
    assert not is_past_sla(None, at(30), UTC_2_DAYS)


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    st.floats(min_value=1, max_value=200),
)
def test_the_cutoff_is_never_later_than_now_minus_the_hours(now, hours):
    now = now.replace(tzinfo=UTC)
    sla = ServiceLevel(hours, ZoneInfo("Europe/Kyiv"))
    assert overdue_before(now, sla) <= now - timedelta(hours=hours)


def test_the_company_week_starts_on_monday_in_its_time_zone():
    assert week_start(at(25, 12), ZoneInfo("UTC")) == at(23)
    assert week_start(at(25, 12), ZoneInfo("Europe/Kyiv")) == at(22, 22)


@given(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 1, 1)),
    st.integers(min_value=0, max_value=10 * 24 * 60),
)
def test_the_cutoff_agrees_with_counting_weekday_minutes(now, back):
    """is_past_sla against a slow, obvious count of weekday minutes (UTC zone)."""
    now = now.replace(tzinfo=UTC, second=0, microsecond=0)
    submitted = now - timedelta(minutes=back)
    minutes, t = 0, submitted
    while t < now:
        if t.weekday() < 5:
            minutes += 1
        t += timedelta(minutes=1)
    sla = ServiceLevel(10, ZoneInfo("UTC"))
    assert is_past_sla(submitted, now, sla) == (minutes > 600)
