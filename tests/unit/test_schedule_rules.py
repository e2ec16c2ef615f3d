"""Due dates from a track, a start date and pauses (schedule/rules.py), and the linter's
checks of ``due_day`` in track files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from trainhub.catalog.tracks import parse_track
from trainhub.clock import company_today
from trainhub.schedule.rules import (
    Pause,
    days_left,
    due_dates,
    due_days,
    nth_day,
    overdue_days,
    schedule_state,
)

MONDAY = date(2026, 11, 30)


@dataclass(frozen=True)
class Step:
    due_day: int | None = None


@dataclass(frozen=True)
class Track:
    target_days: int
    steps: tuple[Step, ...]


def test_steps_without_due_days_are_spread_over_the_target_in_order() -> None:
    assert due_days([None, None, None, None], 30) == (8, 15, 23, 30)


def test_a_run_before_a_fixed_day_shares_the_span_up_to_it() -> None:
    assert due_days([None, 5, None, None], 20) == (3, 5, 13, 20)
    assert due_days([3, None], 10) == (3, 10)


def test_working_days_skip_the_weekend() -> None:
    assert nth_day(MONDAY, 5, False) == date(2026, 12, 4)  # Friday
    assert nth_day(MONDAY, 6, False) == date(2026, 12, 7)  # next Monday
    assert nth_day(date(2026, 11, 28), 1, False) == MONDAY  # a Saturday start begins Monday
    assert nth_day(MONDAY, 6, True) == date(2026, 12, 5)  # weekends counted


def test_a_pause_moves_later_due_dates_back_by_the_paused_working_days() -> None:
    track = Track(10, (Step(), Step(), Step()))
    assert due_dates(track, MONDAY) == (date(2026, 12, 3), date(2026, 12, 8), date(2026, 12, 11))
    paused = [Pause(date(2026, 12, 2), date(2026, 12, 7))]  # Wed-Fri off: three working days
    assert due_dates(track, MONDAY, paused) == (
        date(2026, 12, 8),
        date(2026, 12, 11),
        date(2026, 12, 16),
    )


def test_an_open_pause_leaves_later_steps_without_a_date_and_keeps_earlier_ones() -> None:
    track = Track(10, (Step(1), Step(), Step()))
    assert due_dates(track, MONDAY, [Pause(date(2026, 12, 2))]) == (MONDAY, None, None)


def test_a_hire_without_a_start_date_is_not_scheduled() -> None:
    track = Track(10, (Step(), Step()))
    assert due_dates(track, None) == (None, None)
    assert schedule_state(None, [], MONDAY) == "not_scheduled"
    assert schedule_state(MONDAY, [Pause(MONDAY)], MONDAY) == "paused"
    assert schedule_state(MONDAY, [Pause(MONDAY, MONDAY + timedelta(days=1))], MONDAY) == "paused"
    assert schedule_state(MONDAY, [], MONDAY) == "scheduled"


def test_days_left_and_overdue_days() -> None:
    assert days_left(date(2026, 12, 3), MONDAY) == 3
    assert overdue_days(date(2026, 11, 27), MONDAY, done=False) == 3
    assert overdue_days(date(2026, 11, 27), MONDAY, done=True) == 0
    assert overdue_days(None, MONDAY, done=False) == 0


def test_the_company_date_is_taken_in_its_time_zone() -> None:
    late_evening_utc = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)
    assert company_today(late_evening_utc, "UTC") == MONDAY
    assert company_today(late_evening_utc, "Europe/Kyiv") == date(2026, 12, 1)


fixed_days = st.lists(st.one_of(st.none(), st.integers(1, 60)), min_size=1, max_size=12)


@given(fixed_days, st.integers(1, 90))
def test_due_days_never_decrease_and_keep_fixed_days(fixed: list[int | None], target: int) -> None:
    # Make the fixed days valid the way the linter demands: non-decreasing, within target.
    last = 0
    valid: list[int | None] = []
    for day in fixed:
        if day is not None:
            day = min(max(day, last), target)
            last = day
        valid.append(day)
    days = due_days(valid, target)
    assert len(days) == len(valid)
    assert list(days) == sorted(days)
    assert all(d == f for d, f in zip(days, valid, strict=True) if f is not None)
    assert all(1 <= d <= target for d in days)
    if valid[-1] is None:
        assert days[-1] == target


@given(st.dates(date(2020, 1, 1), date(2030, 1, 1)), st.integers(1, 300), st.booleans())
def test_nth_day_counts_exactly_n_onboarding_days(start: date, n: int, weekends: bool) -> None:
    counted = [
        start + timedelta(days=i)
        for i in range(0, (nth_day(start, n, weekends) - start).days + 1)
        if weekends or (start + timedelta(days=i)).weekday() < 5
    ]
    assert len(counted) == n
    assert counted[-1] == nth_day(start, n, weekends)


TRACK = b"""title: T
role: t
target_days: 10
steps:
  - course: a
    due_day: 5
  - course: b
    due_day: 3
  - course: c
    due_day: 12
"""


def test_the_linter_points_at_due_days_out_of_order_or_past_the_target() -> None:
    track, problems = parse_track("content/tracks/t.yaml", "t", TRACK)
    messages = [(p.line, p.message) for p in problems.items]
    assert (7, "step 2 (course b): 'due_day' 3 comes before day 5 of step 1 (course a) above "
            "it: steps are due in track order") in messages  # fmt: skip
    assert (9, "step 3 (course c): 'due_day' 12 is after the track's target_days (10)") in messages
    # The steps stay; their wrong due days are dropped, and the track says it has an error.
    assert track is not None and track.has_errors
    assert [s.due_day for s in track.steps] == [5, None, None]
