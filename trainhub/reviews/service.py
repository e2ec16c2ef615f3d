"""The mentor's review queue: submitted role-play answers waiting for a decision, in sections
by who they wait for, with the mentor's own numbers.

Whose answers are in it is ``auth.scope.reviewees_of`` (the hires a person looks after) plus
the hires of the managers whose review pool the mentor is in. Every list here is one
statement whatever the number of hires and answers; the queue page makes a fixed number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, aliased

from ..auth.models import Role, User
from ..auth.scope import reviewees_of
from ..db import DbSession
from ..permissions import Person, is_admin
from ..roleplays.claims import Claim, live_claim
from ..roleplays.models import Review, ReviewPoolMember, RoleplaySubmission
from .sla import ServiceLevel, overdue_before, week_start

SECTIONS = ("mine", "pool", "nobody", "others")
# How far back "median time to review" looks.
MEDIAN_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class QueueItem:
    submission: RoleplaySubmission
    hire: User
    section: str = "mine"  # one of SECTIONS
    claim: Claim | None = None
    holder: User | None = None  # who holds the live claim
    is_overdue: bool = False


@dataclass(frozen=True)
class MentorNumbers:
    waiting: int
    reviewed_this_week: int
    median_hours: float | None  # submitted -> decided, over MEDIAN_WINDOW


@dataclass(frozen=True)
class Queue:
    items: tuple[QueueItem, ...]
    unassigned_elsewhere: int  # answers waiting for nobody that this mentor cannot see

    def section(self, name: str) -> list[QueueItem]:
        return [i for i in self.items if i.section == name]


def _active_pool_of(manager_id: InstrumentedAttribute[int | None]) -> sa.Exists:
    pooled = aliased(User)
    return (
        sa.exists()
        .where(ReviewPoolMember.manager_id == manager_id)
        .where(
            pooled.id == ReviewPoolMember.mentor_id,
            pooled.is_active.is_(True),
            pooled.role == Role.MENTOR.value,
        )
    )


def _in_pool_of(viewer: Person, manager_id: InstrumentedAttribute[int | None]) -> sa.Exists:
    return sa.exists().where(
        ReviewPoolMember.manager_id == manager_id, ReviewPoolMember.mentor_id == viewer.id
    )


def _waiting() -> sa.ColumnElement[bool]:
    return sa.and_(
        RoleplaySubmission.status == "submitted",
        User.role == Role.HIRE.value,
        User.is_active.is_(True),
    )


def _orphan(mentor: type[User]) -> sa.ColumnElement[bool]:
    """SQL: the hire has no active mentor and their manager has no pool."""
    return sa.and_(
        sa.or_(mentor.id.is_(None), mentor.is_active.is_(False)),
        ~_active_pool_of(User.manager_id),
    )


def review_queue(session: DbSession, viewer: User, *, now: datetime, sla: ServiceLevel) -> Queue:
    """What waits for the viewer, their pool, and nobody (admins: and other mentors)."""
    mentor = aliased(User)
    holder = aliased(User)
    in_pool = _in_pool_of(viewer, User.manager_id)
    if is_admin(viewer):
        scope: sa.ColumnElement[bool] = sa.true()
    else:
        scope = sa.or_(
            User.id.in_(reviewees_of(viewer)),
            sa.and_(
                RoleplaySubmission.claimed_by_id == viewer.id,
                RoleplaySubmission.claimed_until > now,
            ),
            in_pool,
        )
    rows = session.execute(
        sa.select(
            RoleplaySubmission,
            User,
            holder,
            in_pool.label("in_pool"),
            _orphan(mentor).label("orphan"),
        )
        .join(User, User.id == RoleplaySubmission.user_id)
        .outerjoin(mentor, mentor.id == User.mentor_id)
        .outerjoin(holder, holder.id == RoleplaySubmission.claimed_by_id)
        .where(_waiting(), scope)
        .order_by(RoleplaySubmission.submitted_at, RoleplaySubmission.id)
    )
    cutoff = overdue_before(now, sla)
    items = []
    for sub, hire, claimer, pooled, orphan in rows:
        claim = live_claim(sub, now)
        if hire.mentor_id == viewer.id or (claim is not None and claim.holder_id == viewer.id):
            section = "mine"
        elif pooled:
            section = "pool"
        elif orphan:
            section = "nobody"
        else:
            section = "others"
        items.append(
            QueueItem(
                sub,
                hire,
                section,
                claim,
                claimer if claim is not None else None,
                sub.submitted_at is not None and sub.submitted_at < cutoff,
            )
        )
    elsewhere = 0
    if not is_admin(viewer):
        # A mentor is told that answers wait for nobody, without seeing whose they are.
        mentor_of_hire = aliased(User)
        elsewhere = (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(RoleplaySubmission)
                .join(User, User.id == RoleplaySubmission.user_id)
                .outerjoin(mentor_of_hire, mentor_of_hire.id == User.mentor_id)
                .where(_waiting(), _orphan(mentor_of_hire))
            )
            or 0
        )
    return Queue(tuple(items), elsewhere)


def queue_count(session: DbSession, user: User) -> int:
    """The nav badge: answers of the hires this person looks after that wait."""
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(RoleplaySubmission)
            .where(
                RoleplaySubmission.status == "submitted",
                RoleplaySubmission.user_id.in_(reviewees_of(user)),
            )
        )
        or 0
    )


def _seconds_between(session: DbSession, later: Any, earlier: Any) -> sa.ColumnElement[Any]:
    """SQL: seconds from ``earlier`` to ``later`` (SQLite keeps times as text)."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.extract("epoch", later - earlier)
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0


def mentor_numbers(
    session: DbSession, mentor: User, *, waiting: int, now: datetime, sla: ServiceLevel
) -> MentorNumbers:
    """Reviewed this (company) week and the median time to review, in one statement.

    The median is taken in SQL with window functions (SQLite has no percentile function):
    the middle row, or the two middle rows' mean, of the durations in order.
    """
    duration = _seconds_between(session, Review.created_at, RoleplaySubmission.submitted_at)
    ranked = (
        sa.select(
            duration.label("seconds"),
            sa.func.row_number().over(order_by=duration).label("rn"),
            sa.func.count().over().label("n"),
        )
        .select_from(Review)
        .join(RoleplaySubmission, RoleplaySubmission.id == Review.submission_id)
        .where(
            Review.mentor_id == mentor.id,
            Review.created_at >= now - MEDIAN_WINDOW,
            RoleplaySubmission.submitted_at.is_not(None),
        )
        .subquery()
    )
    # 2*rn in (n, n+1, n+2): the middle row when n is odd, the two middle rows when even.
    median = (
        sa.select(sa.func.avg(ranked.c.seconds))
        .where((ranked.c.rn * 2).in_([ranked.c.n, ranked.c.n + 1, ranked.c.n + 2]))
        .scalar_subquery()
    )
    this_week = (
        sa.select(sa.func.count())
        .select_from(Review)
        .where(Review.mentor_id == mentor.id, Review.created_at >= week_start(now, sla.zone))
        .scalar_subquery()
    )
    reviewed, median_seconds = session.execute(sa.select(this_week, median)).one()
    return MentorNumbers(
        waiting=waiting,
        reviewed_this_week=int(reviewed or 0),
        median_hours=None if median_seconds is None else float(median_seconds) / 3600.0,
    )


@dataclass(frozen=True)
class OverdueReview:
    submission_id: int
    hire_id: int
    mentor_id: int | None
    manager_id: int | None
    claimed_by_id: int | None
    submitted_at: datetime
    hire_name: str = ""
    case_slug: str = ""


def overdue_reviews(session: DbSession, *, now: datetime, sla: ServiceLevel) -> list[OverdueReview]:
    """Every answer past the service level at ``now``, oldest first: one statement.

    The queue, the dashboard and ``trainhub notify``'s escalation scan
    (``reminders.scans.review_overdue``) ask it the same question.
    """
    rows = session.execute(
        sa.select(
            RoleplaySubmission.id,
            User.id,
            User.mentor_id,
            User.manager_id,
            RoleplaySubmission.claimed_by_id,
            RoleplaySubmission.submitted_at,
            User.name,
            RoleplaySubmission.case_slug,
        )
        .join(User, User.id == RoleplaySubmission.user_id)
        .where(_waiting(), RoleplaySubmission.submitted_at < overdue_before(now, sla))
        .order_by(RoleplaySubmission.submitted_at, RoleplaySubmission.id)
    )
    return [
        OverdueReview(sub_id, hire_id, mentor_id, manager_id, holder_id, at, name, case)
        for sub_id, hire_id, mentor_id, manager_id, holder_id, at, name, case in rows
        if at is not None
    ]
