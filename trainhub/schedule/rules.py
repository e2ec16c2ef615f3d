"""Due dates of a hire's track steps: pure functions over the track, the start date and pauses.

A track step may say ``due_day: N``: it is due by the end of the N-th day of onboarding, day 1
being the start date. Days are working days (Monday to Friday) unless the company counts
weekends (``TRAINHUB_DUE_COUNT_WEEKENDS``). Steps without a ``due_day`` are spread evenly, in
track order, between the fixed days around them, and the last ones end on ``target_days``.
While a hire is paused (leave, sickness) no day counts, so every later due date moves back by
the paused days; an open pause leaves the remaining steps without a date until it ends.

Nothing here reads the database or the clock: callers pass ``today`` (the company's date,
``clock.company_today``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal, Protocol

# How far a schedule is walked while pauses are in play: no track is longer than a year
# (catalog/tracks.py), and pauses add to it; this bounds a malformed pause list too.
MAX_WALK_DAYS = 3 * 366

ScheduleState = Literal["not_scheduled", "paused", "scheduled"]


class StepLike(Protocol):
    @property
    def due_day(self) -> int | None: ...


class TrackLike(Protocol):
    @property
    def target_days(self) -> int: ...

    @property
    def steps(self) -> Sequence[StepLike]: ...


@dataclass(frozen=True)
class Pause:
    """Days that do not count: from ``starts_on`` up to the day before ``resumes_on``
    (``None``: still paused)."""

    starts_on: date
    resumes_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.resumes_on is None or day < self.resumes_on)


def _spread(after: int, upto: int, count: int) -> list[int]:
    """``count`` days shared evenly over the span after day ``after`` up to day ``upto``."""
    span = max(0, upto - after)
    return [max(1, after + math.ceil(span * k / count)) for k in range(1, count + 1)]


def due_days(fixed: Sequence[int | None], target_days: int) -> tuple[int, ...]:
    """The onboarding day each step is due, in track order.

    ``fixed`` holds each step's ``due_day`` or None. A run of steps without one shares the
    span from the fixed day before it (or day 0) evenly with the fixed step after it, which
    comes last; a run at the end shares the span up to ``target_days``. Fixed days are kept
    as written; the linter checks that they never decrease and stay within ``target_days``.
    """
    result: list[int] = []
    previous, run = 0, 0
    for day in fixed:
        if day is None:
            run += 1
            continue
        # The run and the anchor share the span up to the anchor's day, the anchor last.
        result += _spread(previous, max(day, previous), run + 1)[:run]
        result.append(day)
        previous, run = day, 0
    result += _spread(previous, max(target_days, previous), run) if run else []
    return tuple(result)


def _first_counting_day(start: date, count_weekends: bool) -> date:
    if count_weekends:
        return start
    while start.weekday() >= 5:
        start += timedelta(days=1)
    return start


@lru_cache(maxsize=65_536)
def nth_day(start: date, n: int, count_weekends: bool) -> date:
    """The date of onboarding day ``n`` (1 = the start, or the first working day on or after
    it) with no pauses. Closed-form, and cached: most hires share a few start dates."""
    first = _first_counting_day(start, count_weekends)
    if count_weekends:
        return first + timedelta(days=n - 1)
    weeks, extra = divmod(n - 1, 5)
    day = first + timedelta(weeks=weeks)
    for _ in range(extra):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day


def _walk(
    start: date, days: Sequence[int], pauses: Sequence[Pause], count_weekends: bool
) -> tuple[date | None, ...]:
    """Dates of onboarding days ``days`` (non-decreasing) when pauses are in play."""
    wanted = sorted(set(days))
    found: dict[int, date] = {}
    counted = 0
    day = start
    for _ in range(MAX_WALK_DAYS):
        if not wanted:
            break
        if (count_weekends or day.weekday() < 5) and not any(p.covers(day) for p in pauses):
            counted += 1
            while wanted and wanted[0] == counted:
                found[wanted.pop(0)] = day
        elif any(p.covers(day) and p.resumes_on is None for p in pauses):
            break  # an open pause: nothing after it has a date yet
        day += timedelta(days=1)
    return tuple(found.get(n) for n in days)


def due_dates(
    track: TrackLike,
    started_on: date | None,
    pauses: Sequence[Pause] = (),
    *,
    count_weekends: bool = False,
) -> tuple[date | None, ...]:
    """Each step's due date, in track order; None for every step of a hire without a start
    date, and for the steps an open pause has stopped."""
    if started_on is None:
        return tuple(None for _ in track.steps)
    days = due_days(tuple(s.due_day for s in track.steps), track.target_days)
    if not pauses:
        return tuple(nth_day(started_on, n, count_weekends) for n in days)
    return _walk(started_on, days, pauses, count_weekends)


def schedule_state(started_on: date | None, pauses: Sequence[Pause], today: date) -> ScheduleState:
    """A hire without a start date is "not scheduled" (never "on track"); one inside a pause
    on ``today`` is "paused"."""
    if started_on is None:
        return "not_scheduled"
    if any(p.covers(today) for p in pauses):
        return "paused"
    return "scheduled"


def days_left(due_on: date, today: date) -> int:
    """Days until a step is due: 0 on the day, negative once it is overdue (calendar days,
    as a person counts them on a wall calendar)."""
    return (due_on - today).days


def overdue_days(due_on: date | None, today: date, done: bool) -> int:
    """How many days a step not done is past its due date; 0 when done, on time or undated."""
    if done or due_on is None:
        return 0
    return max(0, (today - due_on).days)
