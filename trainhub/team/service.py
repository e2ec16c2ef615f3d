"""The team's readiness: one row per hire, built with a fixed number of statements.

``team_rows`` reads the viewer's hires in one query and their records through
``gather_facts`` (one query per kind of record), so the dashboard, the CSV and the API cost
the same number of statements for ten hires or a thousand. Filtering and sorting are pure
functions over the rows. ``clear_for_clients`` is the manager's one write here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..audit.service import record_event
from ..auth.models import User
from ..auth.scope import hires_of
from ..catalog import Catalog
from ..db import DbSession, insert_ignore
from ..messages import N_
from ..readiness.gather import NO_FACTS, gather_raw
from ..readiness.results import STATUSES, Readiness, StepResult
from ..readiness.service import evaluate_raw, items_of
from ..refresh import refresh
from ..schedule.rules import schedule_state
from ..schedule.service import NOT_SCHEDULED, Schedule, StepDue, pauses_of, schedule_of
from .models import Clearance

# Kinds of step whose wait is a mentor's review (sign-offs wait on the mentor too, but they
# are practice to be seen, not work handed in).
REVIEW_KINDS = frozenset({"quiz", "roleplay"})
NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class HireRow:
    id: int
    email: str
    name: str
    track: str | None
    track_title: str
    target_days: int | None
    mentor_id: int | None
    mentor_name: str | None
    mentor_email: str | None
    started_on: date | None
    days_in: int | None
    readiness: Readiness
    cleared_at: datetime | None = None
    cleared_by: str | None = None
    clearance_note: str = ""
    # Due dates per step (in the order of ``readiness.steps``) and the schedule's state.
    schedule: Schedule = NOT_SCHEDULED
    # The kept readiness was judged against other content (or is not written yet): the
    # dashboard says "updating" rather than show a status that may be wrong.
    is_updating: bool = False
    # Derived once here: sorting, filtering, the summary and the charts read them many times
    # for every row (a cached_property takes a lock on each read in Python 3.11).
    # Work handed in that waits for a mentor's review or grading, and since when.
    waiting: tuple[StepResult, ...] = field(init=False)
    waiting_since: datetime | None = field(init=False)
    # A step not done is past its due date (never for a paused or unscheduled hire).
    is_behind: bool = field(init=False)
    days_to_ready: int | None = field(init=False)
    start_month: str = field(init=False)

    def __post_init__(self) -> None:
        readiness = self.readiness
        waiting = tuple(
            s
            for s in readiness.steps
            if not s.done and s.waiting_on_mentor and s.kind in REVIEW_KINDS
        )
        since, started = readiness.ready_since, self.started_on
        derived = {
            "waiting": waiting,
            "waiting_since": min(
                (s.waiting_since for s in waiting if s.waiting_since), default=None
            ),
            "is_behind": readiness.status != "ready" and self.schedule.is_behind,
            "days_to_ready": max(0, (since.date() - started).days)
            if since is not None and started is not None
            else None,
            "start_month": started.isoformat()[:7] if started else "",
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    @property
    def schedule_state(self) -> str:
        return self.schedule.state

    def steps_with_due(self) -> list[tuple[StepResult, StepDue | None]]:
        """Each step with its due date (None when the hire has no schedule)."""
        dues = self.schedule.steps
        return [(s, dues[i] if i < len(dues) else None) for i, s in enumerate(self.readiness.steps)]

    @property
    def status(self) -> str:
        return self.readiness.status

    @property
    def is_ready(self) -> bool:
        return self.readiness.status == "ready"

    @property
    def next_step(self) -> StepResult | None:
        return self.readiness.next_step


def _no_track(track: str | None) -> Readiness:
    reason = (
        N_("track %(slug)s: not in the catalog", slug=track)
        if track
        else N_("no onboarding track assigned")
    )
    return Readiness("not_started", (), (reason,), 0.0, None)


def person_columns(mentor: Any, clearer: Any) -> tuple[Any, ...]:
    """What a team row shows of a hire, their mentor and their clearance: one list for the
    rows read here and the page read from the kept readiness (``pages.py``)."""
    return (
        User.id,
        User.email,
        User.name,
        User.track,
        User.started_on,
        User.mentor_id,
        mentor.name.label("mentor_name"),
        mentor.email.label("mentor_email"),
        Clearance.cleared_at,
        Clearance.note.label("clearance_note"),
        clearer.name.label("cleared_by"),
    )


def rows_of(
    session: DbSession, cat: Catalog, viewer: User, today: date, *, count_weekends: bool = False
) -> list[HireRow]:
    """Every active hire the viewer looks after, evaluated against the current catalog."""
    return team_rows(session, cat, hires_of(viewer), today, count_weekends=count_weekends)


def row_of(
    session: DbSession, cat: Catalog, hire: User, today: date, *, count_weekends: bool = False
) -> HireRow:
    """One hire's row (the caller has authorized the viewer for this hire)."""
    return team_rows(session, cat, User.id == hire.id, today, count_weekends=count_weekends)[0]


def team_rows(
    session: DbSession,
    cat: Catalog,
    scope: sa.ColumnElement[bool],
    today: date,
    *,
    count_weekends: bool = False,
) -> list[HireRow]:
    """The rows of the users that ``scope`` selects: one query for the people with their
    mentors and clearances, then one per kind of record, and one for pauses. ``today`` is
    the company's date (``clock.today``): due dates are compared with it."""
    mentor = aliased(User)
    clearer = aliased(User)
    query = (
        sa.select(*person_columns(mentor, clearer))
        .outerjoin(mentor, mentor.id == User.mentor_id)
        .outerjoin(Clearance, Clearance.user_id == User.id)
        .outerjoin(clearer, clearer.id == Clearance.cleared_by_id)
        .where(scope)
        .order_by(User.name, User.id)
    )
    people = session.execute(query).all()
    ids = sa.select(User.id).where(scope)
    raw = gather_raw(session, ids) if people else {}
    paused = pauses_of(session, ids) if people else {}
    items = items_of(cat)
    rows = []
    for p in people:
        track = cat.track_of(p)
        pauses = paused.get(p.id, ())
        if track is None:
            readiness = _no_track(p.track)
            schedule = Schedule(schedule_state(p.started_on, pauses, today), ())
        else:
            readiness = evaluate_raw(cat, track, items, raw.get(p.id, NO_FACTS))
            schedule = schedule_of(
                track,
                p.started_on,
                pauses,
                [s.done for s in readiness.steps],
                today,
                count_weekends=count_weekends,
            )
        rows.append(
            HireRow(
                id=p.id,
                email=p.email,
                name=p.name,
                track=p.track,
                track_title=track.title if track else (p.track or ""),
                target_days=track.target_days if track else None,
                mentor_id=p.mentor_id,
                mentor_name=p.mentor_name,
                mentor_email=p.mentor_email,
                started_on=p.started_on,
                days_in=(today - p.started_on).days if p.started_on else None,
                readiness=readiness,
                cleared_at=p.cleared_at,
                cleared_by=p.cleared_by,
                clearance_note=p.clearance_note or "",
                schedule=schedule,
            )
        )
    return rows


# --- filters and sorting (pure) ---------------------------------------------------------


@dataclass(frozen=True)
class TeamFilters:
    track: str | None = None
    mentor_id: int | None = None
    status: str | None = None
    month: str | None = None  # YYYY-MM of the start date
    query: str | None = None  # part of a name or an e-mail address
    sort: str = "name"
    descending: bool = False

    def matches(self, row: HireRow) -> bool:
        return (
            (not self.track or row.track == self.track)
            and (self.mentor_id is None or row.mentor_id == self.mentor_id)
            and (not self.status or row.status == self.status)
            and (not self.month or row.start_month == self.month)
            and (
                not self.query
                or self.query.casefold() in row.name.casefold()
                or self.query.casefold() in row.email.casefold()
            )
        )


def _status_rank(row: HireRow) -> int:
    return STATUSES.index(row.readiness.status)


# Each key sorts rows without a value last in either direction, then by name.
SORT_KEYS: dict[str, Callable[[HireRow], tuple[Any, ...]]] = {
    "name": lambda r: (r.name.casefold(),),
    "track": lambda r: (r.track_title.casefold(),),
    "mentor": lambda r: ((r.mentor_name or "").casefold(),),
    "started": lambda r: (r.started_on or date.min,),
    "days": lambda r: (r.days_in if r.days_in is not None else -1,),
    "progress": lambda r: (r.readiness.progress,),
    "status": lambda r: (_status_rank(r), r.readiness.progress),
    "waiting": lambda r: (len(r.waiting), -(r.waiting_since or NEVER).timestamp()),
    "overdue": lambda r: (r.schedule.most_overdue if r.is_behind else -1,),
}


def select_rows(rows: list[HireRow], filters: TeamFilters) -> list[HireRow]:
    key = SORT_KEYS.get(filters.sort, SORT_KEYS["name"])
    chosen = [r for r in rows if filters.matches(r)]
    return sorted(
        chosen,
        key=lambda r: (*key(r), r.name.casefold(), r.id),
        reverse=filters.descending,
    )


def hire_steps_in_order(row: HireRow) -> list[tuple[int, StepResult, StepDue | None]]:
    """The hire's steps as their home lists them: overdue ones first (most overdue first),
    then the rest in track order; each with its number in the track."""
    numbered = [(i + 1, step, due) for i, (step, due) in enumerate(row.steps_with_due())]
    return sorted(numbered, key=lambda e: (-(e[2].overdue_days if e[2] else 0), e[0]))


# --- summary for the homes --------------------------------------------------------------


@dataclass(frozen=True)
class TeamSummary:
    total: int
    by_status: dict[str, int]
    behind: int
    paused: int
    not_scheduled: int
    waiting_reviews: int
    oldest_wait: datetime | None
    cleared: int
    updating: int = 0


def summarize(rows: list[HireRow]) -> TeamSummary:
    by_status: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for row in rows:
        by_status[row.status] += 1
    waits = [r.waiting_since for r in rows if r.waiting_since]
    return TeamSummary(
        total=len(rows),
        by_status=by_status,
        behind=sum(1 for r in rows if r.is_behind),
        paused=sum(1 for r in rows if r.schedule_state == "paused" and not r.is_ready),
        not_scheduled=sum(1 for r in rows if r.schedule_state == "not_scheduled"),
        waiting_reviews=sum(len(r.waiting) for r in rows),
        oldest_wait=min(waits, default=None),
        cleared=sum(1 for r in rows if r.cleared_at),
    )


def needs_attention(rows: list[HireRow]) -> list[HireRow]:
    """Hires a manager should act on, most urgent first: ready but not yet cleared, then
    behind schedule (longest first), then work waiting on a mentor (oldest first)."""

    def urgency(row: HireRow) -> tuple[int, float]:
        if row.is_ready and not row.cleared_at:
            return (0, 0.0)
        if row.is_behind:
            return (1, -float(row.schedule.most_overdue))
        return (2, row.waiting_since.timestamp() if row.waiting_since else 0.0)

    chosen = [r for r in rows if (r.is_ready and not r.cleared_at) or r.is_behind or r.waiting]
    return sorted(chosen, key=lambda r: (*urgency(r), r.name.casefold()))


def waiting_reviews(rows: list[HireRow]) -> list[tuple[HireRow, StepResult]]:
    """Every piece of work waiting on a mentor, oldest first."""
    pairs = [(r, s) for r in rows for s in r.waiting]
    return sorted(pairs, key=lambda p: p[1].waiting_since or NEVER)


# --- clearing a ready hire for clients ----------------------------------------------------


class NotReadyError(ValueError):
    pass


def clear_for_clients(
    session: DbSession,
    hire: User,
    readiness: Readiness,
    *,
    actor: User,
    now: datetime,
    note: str = "",
) -> bool:
    """Record that a ready hire may meet clients. Returns False if they already were cleared.

    The unique clearance per hire makes a double click (or two managers at once) one record
    and one audit event.
    """
    if readiness.status != "ready":
        raise NotReadyError(f"{hire.email} is not ready: {readiness.status}")
    inserted = insert_ignore(
        session,
        Clearance,
        {"user_id": hire.id, "cleared_by_id": actor.id, "note": note, "cleared_at": now},
        ["user_id"],
    )
    if inserted:
        record_event(
            session,
            actor=actor,
            action="readiness.cleared",
            now=now,
            subject=hire,
            object_type="clearance",
            object_id=hire.id,
            data={
                "note": note,
                "track": hire.track,
                "ready_since": readiness.ready_since.isoformat() if readiness.ready_since else None,
            },
        )
    refresh(session, [hire.id], now)
    return inserted
