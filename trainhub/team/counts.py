"""The team views' numbers (cards, charts, filter choices) read from the tallies
(``readiness.tallies``): a few rows per scope, whatever the team's size.

A view asks ``summary``, ``charts_of`` and ``filter_choices`` here. Whatever the tallies are
counted by (the viewer's scope, track, mentor, status, start month) is answered from them;
a name or e-mail search is not, and falls back to counting the matching kept rows
(``pages``), which stays right, just slower.

The viewer's scope is ``auth.scope.hires_of``, written once over the person's columns; here
it is asked of the tallies by moving each of those columns to the tally's column of the same
name, so there is still one rule of who sees whom.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql import visitors

from ..auth.models import User
from ..catalog import Catalog
from ..db import DbSession, as_utc
from ..readiness.models import KeptReadiness, ReadinessDayTally, ReadinessTally
from ..readiness.results import STATUSES
from . import charts, pages
from .service import TeamSummary

TALLY = cast(sa.Table, ReadinessTally.__table__)
DAYS = cast(sa.Table, ReadinessDayTally.__table__)
_SOURCES = (cast(sa.Table, User.__table__), cast(sa.Table, KeptReadiness.__table__))


def on_tallies(table: sa.Table, clause: sa.ColumnElement[Any]) -> sa.ColumnElement[Any] | None:
    """``clause`` (over the person's and the kept row's columns) asked of a tally table, or
    None when it names a column the tallies are not counted by."""
    unknown: list[str] = []

    def swap(element: Any, **_kw: Any) -> Any:
        if isinstance(element, sa.Column) and any(element.table is s for s in _SOURCES):
            found = table.c.get(element.name)
            if found is None:
                unknown.append(element.name)
            return found
        return None

    moved = visitors.replacement_traverse(clause, {}, swap)
    return None if unknown else moved


def _where(lst: pages.Listing, table: sa.Table) -> tuple[Any, list[Any], Any] | None:
    """The scope, the filters and "current" on a tally table; None when the filters cannot
    be answered from the tallies (a search by name)."""
    f = lst.filters
    scope = on_tallies(table, lst.scope)
    current = on_tallies(table, lst.current)
    if f.query or scope is None or current is None:
        return None
    found: list[Any] = []
    if f.track:
        found.append(table.c.track == f.track)
    if f.mentor_id is not None:
        found.append(table.c.mentor_id == f.mentor_id)
    if f.status:
        found += [table.c.status == f.status, current]
    if f.month:
        found.append(table.c.start_month == f.month)
    return scope, found, current


def _hires(cond: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((cond, TALLY.c.hires), else_=0)), 0)


def _changes(lst: pages.Listing, kind: str, up_to: date, *, current: bool) -> Any | None:
    """The count today of a by-day tally: its changes summed up to ``up_to``."""
    parts = _where(lst, DAYS)
    if parts is None:
        return None
    scope, found, is_current = parts
    return (
        sa.select(sa.func.coalesce(sa.func.sum(DAYS.c.n), 0))
        .where(
            scope,
            *found,
            *([is_current] if current else []),
            DAYS.c.kind == kind,
            DAYS.c.day <= up_to,
        )
        .scalar_subquery()
    )


def _oldest_wait(lst: pages.Listing) -> Any:
    # Walks the waiting_since index from the oldest and stops at the first hire in scope.
    return (
        sa.select(KeptReadiness.waiting_since)
        .select_from(User)
        .join(KeptReadiness, KeptReadiness.user_id == User.id)
        .where(*lst.where(), KeptReadiness.waiting_since.is_not(None))
        .order_by(KeptReadiness.waiting_since)
        .limit(1)
        .scalar_subquery()
    )


def _late(lst: pages.Listing, cutoff: datetime) -> Any | None:
    """Hires whose oldest wait began before ``cutoff``: whole days from the tallies, and the
    cutoff's own day from the kept rows (a range of the waiting_since index)."""
    day = cutoff.date()
    before = _changes(lst, "waiting", day - date.resolution, current=False)
    if before is None:
        return None
    midnight = datetime.combine(day, time.min, cutoff.tzinfo)
    same_day = (
        sa.select(sa.func.count())
        .select_from(User)
        .join(KeptReadiness, KeptReadiness.user_id == User.id)
        .where(
            *lst.where(),
            KeptReadiness.waiting_since >= midnight,
            KeptReadiness.waiting_since < cutoff,
        )
        .scalar_subquery()
    )
    return before + same_day


def summary(
    session: DbSession, lst: pages.Listing, *, overdue_cutoff: datetime | None = None
) -> tuple[TeamSummary, int, int]:
    """The cards over the matching hires, how many the viewer has in all, and how many
    matching hires have work waiting past ``overdue_cutoff``: one statement."""
    parts = _where(lst, TALLY)
    behind = _changes(lst, "behind", lst.today, current=True)
    paused = _changes(lst, "paused", lst.today, current=False)
    late = _late(lst, overdue_cutoff) if overdue_cutoff is not None else sa.literal(0)
    if parts is None or behind is None or paused is None or late is None:
        return pages.summary(session, lst, overdue_cutoff=overdue_cutoff)
    scope, found, current = parts
    matched = sa.and_(sa.true(), *found)
    t = TALLY
    row = session.execute(
        sa.select(
            _hires(matched),
            *(_hires(sa.and_(matched, current, t.c.status == s)) for s in STATUSES),
            _hires(sa.and_(matched, sa.not_(current))),
            behind,
            paused,
            _hires(sa.and_(matched, sa.not_(t.c.is_scheduled))),
            sa.func.coalesce(sa.func.sum(sa.case((matched, t.c.waiting_reviews), else_=0)), 0),
            _oldest_wait(lst),
            _hires(sa.and_(matched, t.c.is_cleared)),
            late,
            sa.func.coalesce(sa.func.sum(t.c.hires), 0),
        ).where(scope)
    ).one()
    (total, *by, updating, behind_n, paused_n, unscheduled, waiting, oldest, cleared) = row[:-2]
    late_n, everyone = row[-2:]
    return (
        TeamSummary(
            total=int(total),
            by_status={s: int(n) for s, n in zip(STATUSES, by, strict=True)},
            behind=int(behind_n),
            paused=int(paused_n),
            not_scheduled=int(unscheduled),
            waiting_reviews=int(waiting),
            oldest_wait=_moment(oldest),
            cleared=int(cleared),
            updating=int(updating),
        ),
        int(everyone),
        int(late_n),
    )


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return as_utc(value)
    return as_utc(datetime.fromisoformat(value)) if value else None


def filter_choices(
    session: DbSession, scope: sa.ColumnElement[bool]
) -> tuple[list[tuple[int, str]], tuple[date | None, date | None]]:
    """The mentors of the viewer's hires, and the first and last start months (the month
    filter's range): a row per mentor and one row."""
    tallied = on_tallies(TALLY, scope)
    if tallied is None:
        return pages.filter_choices(session, scope)
    counted = sa.and_(tallied, TALLY.c.hires > 0)
    mentor = aliased(User)
    mentors = session.execute(
        sa.select(mentor.id, mentor.name)
        .where(
            mentor.id.in_(
                sa.select(TALLY.c.mentor_id).where(counted, TALLY.c.mentor_id.is_not(None))
            )
        )
        .order_by(mentor.name)
    ).all()
    first, last = session.execute(
        sa.select(sa.func.min(TALLY.c.start_month), sa.func.max(TALLY.c.start_month)).where(counted)
    ).one()
    return [(m.id, m.name) for m in mentors], (_month(first), _month(last))


def _month(value: str | None) -> date | None:
    return date.fromisoformat(f"{value}-01") if value else None


# --- the charts ----------------------------------------------------------------------------


def _ranked(lst: pages.Listing, by_track: bool) -> Any | None:
    """Tally rows summed by (track and) days to ready, each with the running count of hires
    by days and the count in all: where the median falls, without a percentile function
    (SQLite has none)."""
    parts = _where(lst, TALLY)
    if parts is None:
        return None
    scope, found, current = parts
    t = TALLY
    days = sa.case((current, t.c.days_to_ready)).label("days")
    status = t.c.status
    group: list[Any] = [t.c.track] if by_track else []
    inner = (
        sa.select(
            *group,
            days,
            sa.func.sum(t.c.hires).label("n"),
            _hires(sa.and_(current, status != "not_started")).label("started"),
            _hires(sa.and_(current, status.in_(("awaiting_review", "ready")))).label("handed_in"),
            _hires(sa.and_(current, status == "ready")).label("ready"),
            _hires(sa.and_(current, status == "ready", t.c.is_cleared)).label("cleared"),
        )
        .where(scope, *found, t.c.hires > 0, *([t.c.track.is_not(None)] if by_track else []))
        .group_by(*group, days)
        .subquery()
    )
    timed = sa.case((inner.c.days.is_not(None), inner.c.n), else_=0)
    part = [inner.c.track] if by_track else []
    return sa.select(
        *inner.c,
        sa.func.sum(timed).over(partition_by=part, order_by=inner.c.days).label("cum"),
        sa.func.sum(timed).over(partition_by=part).label("timed"),
    ).subquery()


def _median(ranked: Any) -> Any:
    """The middle value (the mean of the two middle ones for an even count): the smallest
    days whose running count reaches each middle rank."""
    total = sa.cast(ranked.c.timed, sa.Integer)
    cum = sa.cast(ranked.c.cum, sa.Integer)
    known = ranked.c.days.is_not(None)

    def at(rank: Any) -> Any:
        return sa.func.min(sa.case((sa.and_(known, cum >= rank), ranked.c.days)))

    return (at((total + 1) // 2) + at((total + 2) // 2)) / 2.0


def charts_of(
    session: DbSession, cat: Catalog, lst: pages.Listing
) -> tuple[list[charts.Funnel], charts.DaysToReady]:
    """The funnels (a row per track) and the days to ready (one row): two statements."""
    per_track = _ranked(lst, by_track=True)
    every = _ranked(lst, by_track=False)
    if per_track is None or every is None:
        return pages.charts_of(session, cat, lst)
    r = per_track
    rows = session.execute(
        sa.select(
            r.c.track,
            sa.func.sum(r.c.n),
            sa.func.sum(r.c.started),
            sa.func.sum(r.c.handed_in),
            sa.func.sum(r.c.ready),
            sa.func.sum(r.c.cleared),
            _median(r),
            sa.func.max(r.c.timed),
        ).group_by(r.c.track)
    ).all()
    found, medians = pages.funnels(cat, rows)
    *counts, median, timed = session.execute(
        sa.select(
            *pages.day_buckets(every.c.days, every.c.n), _median(every), sa.func.max(every.c.timed)
        )
    ).one()
    return sorted(found, key=lambda f: f.title), pages.days_chart(counts, median, timed, medians)
