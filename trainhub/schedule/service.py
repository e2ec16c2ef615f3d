"""Schedules of hires: pauses read for many hires at once, due dates per step, and the
manager's three writes (move the start, pause, resume), each with its audit event.

``pauses_of`` reads the pauses of any number of hires in one statement (the hires given as a
subquery, as ``readiness.gather`` does), so a dashboard's cost does not grow with the team.
The writes take ``session``, ``actor`` and ``now`` and never commit; they refuse what makes no
sense (an overlapping pause, a resume before the pause began) with a ``ScheduleError`` whose
message a page shows in the reader's language. Moving a start date changes only
``users.started_on``: what a hire did, and when, is never touched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from ..audit.models import AuditEvent
from ..audit.service import record_event
from ..auth.models import User
from ..db import DbSession
from ..messages import N_, Text
from ..refresh import refresh
from .models import SchedulePause
from .rules import (
    Pause,
    ScheduleState,
    TrackLike,
    days_left,
    due_dates,
    overdue_days,
    schedule_state,
)

HireIds = sa.Select[Any] | Iterable[int]
# The audit actions this module writes; the hire's page lists them as the schedule's history.
MOVED, PAUSED, RESUMED = "schedule.start_moved", "schedule.paused", "schedule.resumed"
ACTIONS = (MOVED, PAUSED, RESUMED)
MAX_REASON = 500


class ScheduleError(ValueError):
    """A schedule change that makes no sense; ``message`` is shown next to ``field``."""

    def __init__(self, message: Text, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass(frozen=True)
class StepDue:
    """When one step is due, as the pages and the API show it."""

    due_on: date | None
    overdue_days: int
    days_left: int | None  # None: no date; negative once overdue


@dataclass(frozen=True)
class Schedule:
    state: ScheduleState
    steps: tuple[StepDue, ...]  # in track order

    @property
    def is_behind(self) -> bool:
        """A scheduled hire with a step not done past its due date (a paused or unscheduled
        hire is neither behind nor on track)."""
        return self.state == "scheduled" and any(s.overdue_days > 0 for s in self.steps)

    @property
    def most_overdue(self) -> int:
        return max((s.overdue_days for s in self.steps), default=0)


NOT_SCHEDULED = Schedule("not_scheduled", ())


def schedule_of(
    track: TrackLike,
    started_on: date | None,
    pauses: Sequence[Pause],
    done: Sequence[bool],
    today: date,
    *,
    count_weekends: bool = False,
) -> Schedule:
    """Due dates of each step against what is done (pure): ``done`` is in track order."""
    state = schedule_state(started_on, pauses, today)
    dates = due_dates(track, started_on, pauses, count_weekends=count_weekends)
    steps = tuple(
        StepDue(
            due_on,
            overdue_days(due_on, today, is_done),
            None if due_on is None or is_done else days_left(due_on, today),
        )
        for due_on, is_done in zip(dates, done, strict=True)
    )
    return Schedule(state, steps)


def pauses_of(session: DbSession, hire_ids: HireIds) -> dict[int, tuple[Pause, ...]]:
    """Every pause of these hires, oldest first, in one statement (hires without any are
    left out)."""
    ids = hire_ids if isinstance(hire_ids, sa.Select) else list(hire_ids)
    found: dict[int, list[Pause]] = defaultdict(list)
    rows = session.execute(
        sa.select(SchedulePause.user_id, SchedulePause.starts_on, SchedulePause.resumes_on)
        .where(SchedulePause.user_id.in_(ids))
        .order_by(SchedulePause.user_id, SchedulePause.starts_on)
    )
    for user_id, starts_on, resumes_on in rows:
        found[user_id].append(Pause(starts_on, resumes_on))
    return {user_id: tuple(pauses) for user_id, pauses in found.items()}


def pause_rows(session: DbSession, hire: User) -> list[SchedulePause]:
    """One hire's pauses with their reasons, newest first (the hire page's history)."""
    return list(
        session.scalars(
            sa.select(SchedulePause)
            .where(SchedulePause.user_id == hire.id)
            .order_by(SchedulePause.starts_on.desc(), SchedulePause.id.desc())
        )
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str  # one of ACTIONS
    actor: str | None
    data: dict[str, object]


def schedule_history(session: DbSession, hire: User) -> list[HistoryEntry]:
    """Moves, pauses and resumes of one hire, newest first, from the audit log."""
    actor = sa.table("users", sa.column("id", sa.Integer), sa.column("name", sa.String)).alias()
    rows = session.execute(
        sa.select(AuditEvent.created_at, AuditEvent.action, actor.c.name, AuditEvent.data)
        .outerjoin(actor, actor.c.id == AuditEvent.actor_id)
        .where(AuditEvent.subject_id == hire.id, AuditEvent.action.in_(ACTIONS))
        .order_by(AuditEvent.id.desc())
    )
    return [HistoryEntry(at, action, name, dict(data or {})) for at, action, name, data in rows]


# --- the manager's writes ---------------------------------------------------------------


def _reason(reason: str, *, required: bool = True) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise ScheduleError(N_("Give a reason."), "reason")
    if len(text) > MAX_REASON:
        raise ScheduleError(N_("Keep the reason under %(n)d characters.", n=MAX_REASON), "reason")
    return text


def _overlaps(a: Pause, b: Pause) -> bool:
    a_end, b_end = a.resumes_on or date.max, b.resumes_on or date.max
    return a.starts_on < b_end and b.starts_on < a_end


def _require_hire(hire: User) -> date:
    if not hire.is_hire:
        raise ScheduleError(N_("Only a new hire has an onboarding schedule."))
    if hire.started_on is None:
        raise ScheduleError(N_("Set a start date first."), "starts_on")
    return hire.started_on


def move_start(
    session: DbSession, hire: User, new_date: date, reason: str, *, actor: User, now: datetime
) -> None:
    """Give the hire a new start date: every due date follows, nothing done is rewritten."""
    if not hire.is_hire:
        raise ScheduleError(N_("Only a new hire has an onboarding schedule."))
    why = _reason(reason)
    old = hire.started_on
    if old == new_date:
        raise ScheduleError(N_("This is already the start date."), "started_on")
    first_pause = session.scalar(
        sa.select(sa.func.min(SchedulePause.starts_on)).where(SchedulePause.user_id == hire.id)
    )
    if first_pause is not None and first_pause < new_date:
        raise ScheduleError(
            N_("A pause begins before this date: the start must come first."), "started_on"
        )
    hire.started_on = new_date
    record_event(
        session,
        actor=actor,
        action=MOVED,
        now=now,
        subject=hire,
        object_type="user",
        object_id=hire.id,
        data={
            "from": old.isoformat() if old else None,
            "to": new_date.isoformat(),
            "reason": why,
        },
    )
    refresh(session, [hire.id], now)


def pause_hire(
    session: DbSession,
    hire: User,
    starts_on: date,
    resumes_on: date | None,
    reason: str,
    *,
    actor: User,
    now: datetime,
) -> SchedulePause:
    """Stop the hire's days from counting from ``starts_on`` (to the day before
    ``resumes_on``; open-ended without it)."""
    started_on = _require_hire(hire)
    why = _reason(reason)
    if starts_on < started_on:
        raise ScheduleError(N_("A pause cannot begin before the start date."), "starts_on")
    if resumes_on is not None and resumes_on <= starts_on:
        raise ScheduleError(N_("The resume date must come after the pause begins."), "resumes_on")
    wanted = Pause(starts_on, resumes_on)
    if any(_overlaps(wanted, p) for p in pauses_of(session, [hire.id]).get(hire.id, ())):
        raise ScheduleError(N_("This pause overlaps another pause."), "starts_on")
    pause = SchedulePause(
        user_id=hire.id,
        starts_on=starts_on,
        resumes_on=resumes_on,
        reason=why,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(pause)
    session.flush()
    record_event(
        session,
        actor=actor,
        action=PAUSED,
        now=now,
        subject=hire,
        object_type="schedule_pause",
        object_id=pause.id,
        data={
            "starts_on": starts_on.isoformat(),
            "resumes_on": resumes_on.isoformat() if resumes_on else None,
            "reason": why,
        },
    )
    refresh(session, [hire.id], now)
    return pause


def current_pause(session: DbSession, hire: User, today: date) -> SchedulePause | None:
    """The pause a resume would end: the open one, else the one covering ``today``."""
    for pause in pause_rows(session, hire):
        if pause.resumes_on is None or (pause.starts_on <= today < pause.resumes_on):
            return pause
    return None


def resume_hire(
    session: DbSession,
    hire: User,
    resumes_on: date,
    reason: str,
    *,
    today: date,
    actor: User,
    now: datetime,
) -> SchedulePause:
    """End the hire's current pause: days count again from ``resumes_on``."""
    _require_hire(hire)
    why = _reason(reason, required=False)
    pause = current_pause(session, hire, today)
    if pause is None:
        raise ScheduleError(N_("This hire is not paused."))
    if resumes_on <= pause.starts_on:
        raise ScheduleError(N_("The resume date must come after the pause begins."), "resumes_on")
    later = session.scalar(
        sa.select(sa.func.min(SchedulePause.starts_on)).where(
            SchedulePause.user_id == hire.id, SchedulePause.starts_on > pause.starts_on
        )
    )
    if later is not None and resumes_on > later:
        raise ScheduleError(N_("This pause overlaps another pause."), "resumes_on")
    previous = pause.resumes_on
    pause.resumes_on = resumes_on
    record_event(
        session,
        actor=actor,
        action=RESUMED,
        now=now,
        subject=hire,
        object_type="schedule_pause",
        object_id=pause.id,
        data={
            "starts_on": pause.starts_on.isoformat(),
            "resumes_on": resumes_on.isoformat(),
            "planned": previous.isoformat() if previous else None,
            "reason": why,
        },
    )
    refresh(session, [hire.id], now)
    return pause
