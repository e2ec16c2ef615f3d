"""The team views read a page of kept readiness (``readiness_rows``), never the whole team.

The dashboard's rows are sorted, filtered and paged in SQL; its cards and charts are counts
over the kept rows; the API pages with a keyset cursor; the CSV streams its rows as it reads
them. Each statement returns at most a page, a row of counts or a row per track, so a page
reads the same at 10 hires and at 100,000 (``tests/integration/test_team_statement_count.py``).

A kept row judged against other content than today's (a new version of a track, quiz or
case) is *updating*: the dashboard says so instead of showing a status that may be wrong,
while the CSV and the API, which hand the figures on, evaluate those few rows afresh.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..catalog import Catalog
from ..db import DbSession, as_utc
from ..readiness.kept import (
    MISSING,
    current_fingerprints,
    evaluate_hires,
    read_kept,
)
from ..readiness.models import KeptReadiness
from ..readiness.results import STATUSES, Readiness
from ..schedule.models import SchedulePause
from ..schedule.rules import days_left, overdue_days, schedule_state
from ..schedule.service import Schedule, StepDue
from . import charts
from .models import Clearance
from .service import HireRow, TeamFilters, TeamSummary, person_columns

UPDATING = Readiness("not_started", (), (), 0.0, None)


@dataclass(frozen=True)
class Listing:
    """What the team views ask of the kept rows: the viewer's scope, the filters, today's
    date and the current content's fingerprints."""

    scope: sa.ColumnElement[bool]
    filters: TeamFilters
    today: date
    fingerprints: dict[str, str]

    @property
    def current(self) -> sa.ColumnElement[bool]:
        # Written as "track t and fingerprint f, or ..." rather than "fingerprint = CASE
        # track ...": PostgreSQL estimates each pair from its statistics, where it took the
        # CASE for one row in all and scanned whole tables for the homes' short lists.
        known = sorted(self.fingerprints.items())
        return sa.or_(
            *(
                sa.and_(User.track == track, KeptReadiness.fingerprint == fingerprint)
                for track, fingerprint in known
            ),
            sa.and_(
                sa.or_(User.track.is_(None), User.track.not_in([t for t, _f in known])),
                KeptReadiness.fingerprint == MISSING,
            ),
        )

    def where(self) -> list[sa.ColumnElement[bool]]:
        f = self.filters
        found = [self.scope]
        if f.track:
            found.append(User.track == f.track)
        if f.mentor_id is not None:
            found.append(User.mentor_id == f.mentor_id)
        if f.status:
            # A row that is updating has no status to match yet.
            found += [KeptReadiness.status == f.status, self.current]
        if f.month:
            year, month = (int(x) for x in f.month.split("-"))
            first = date(year, month, 1)
            following = date(year + month // 12, month % 12 + 1, 1)
            found += [User.started_on >= first, User.started_on < following]
        if f.query:
            # Case-insensitive on both databases; the pattern's own % and _ are literal.
            needle = f.query.casefold().replace("\\", "\\\\").replace("%", "\\%")
            pattern = "%" + needle.replace("_", "\\_") + "%"
            found.append(
                sa.or_(
                    sa.func.lower(User.name).like(pattern, escape="\\"),
                    sa.func.lower(User.email).like(pattern, escape="\\"),
                )
            )
        return found


def listing(
    cat: Catalog,
    scope: sa.ColumnElement[bool],
    filters: TeamFilters,
    today: date,
    *,
    count_weekends: bool,
) -> Listing:
    return Listing(scope, filters, today, current_fingerprints(cat, count_weekends))


_mentor = aliased(User)
_clearer = aliased(User)


def _paused_today(today: date) -> sa.Exists:
    return (
        sa.select(SchedulePause.id)
        .where(
            SchedulePause.user_id == User.id,
            SchedulePause.starts_on <= today,
            sa.or_(SchedulePause.resumes_on.is_(None), SchedulePause.resumes_on > today),
        )
        .exists()
    )


def _rows_query(lst: Listing) -> sa.Select[Any]:
    query = (
        sa.select(
            *person_columns(_mentor, _clearer),
            KeptReadiness.user_id.label("kept"),
            sa.case((lst.current, True), else_=False).label("is_current"),
            KeptReadiness.status,
            KeptReadiness.progress,
            KeptReadiness.steps,
            KeptReadiness.reasons,
            KeptReadiness.ready_since,
            KeptReadiness.pauses,
        )
        .select_from(User)
        .outerjoin(KeptReadiness, KeptReadiness.user_id == User.id)
        .outerjoin(_mentor, _mentor.id == User.mentor_id)
        .outerjoin(Clearance, Clearance.user_id == User.id)
        .outerjoin(_clearer, _clearer.id == Clearance.cleared_by_id)
        .where(*lst.where())
    )
    return cast("sa.Select[Any]", query)


_STATUS_RANK = sa.case({s: i for i, s in enumerate(STATUSES)}, value=KeptReadiness.status)


def _order(lst: Listing) -> list[Any]:
    f = lst.filters
    keys: dict[str, list[Any]] = {
        "name": [],
        "track": [User.track],
        "mentor": [_mentor.name],
        "started": [User.started_on],
        "days": [User.started_on],
        "progress": [KeptReadiness.progress],
        "status": [_STATUS_RANK, KeptReadiness.progress],
        "waiting": [KeptReadiness.waiting_reviews, KeptReadiness.waiting_since],
        "overdue": [KeptReadiness.first_open_due],
    }
    chosen = keys.get(f.sort, [])
    # "Days since start" runs the other way from the start date; the most overdue hire is the
    # one with the earliest open due date.
    flip = f.sort in {"days", "overdue"}
    down = f.descending != flip
    ordered = [sa.nulls_last(c.desc() if down else c.asc()) for c in chosen]
    ties = [User.name.desc(), User.id.desc()] if f.descending else [User.name, User.id]
    return [*ordered, *ties]


def _schedule(
    kept_dues: Sequence[date | None],
    done: Sequence[bool],
    started_on: date | None,
    pauses: Any,
    today: date,
) -> Schedule:
    state = schedule_state(started_on, pauses, today)
    return Schedule(
        state,
        tuple(
            StepDue(
                due_on,
                overdue_days(due_on, today, is_done),
                None if due_on is None or is_done else days_left(due_on, today),
            )
            for due_on, is_done in zip(kept_dues, done, strict=False)
        ),
    )


def _hire_row(
    r: Any,
    cat: Catalog,
    today: date,
    fresh: dict[int, dict[str, Any]] | None = None,
) -> HireRow:
    track = cat.tracks.get(r.track or "")
    updating = not r.kept or not r.is_current
    values = (fresh or {}).get(r.id)
    if values is not None:
        status, progress, steps, reasons = (
            values["status"],
            values["progress"],
            values["steps"],
            values["reasons"],
        )
        ready_since, pauses, updating = values["ready_since"], values["pauses"], False
    elif r.kept:
        status, progress, steps, reasons = r.status, r.progress, r.steps, r.reasons
        ready_since, pauses = r.ready_since, r.pauses
    else:
        status, progress, steps, reasons, ready_since, pauses = (
            "not_started",
            0.0,
            [],
            [],
            None,
            [],
        )
    kept = read_kept(status, progress, steps, reasons, ready_since, pauses, track, cat)
    readiness = kept.readiness
    schedule = _schedule(
        kept.due_on, [s.done for s in readiness.steps], r.started_on, kept.pauses, today
    )
    return HireRow(
        id=r.id,
        email=r.email,
        name=r.name,
        track=r.track,
        track_title=track.title if track else (r.track or ""),
        target_days=track.target_days if track else None,
        mentor_id=r.mentor_id,
        mentor_name=r.mentor_name,
        mentor_email=r.mentor_email,
        started_on=r.started_on,
        days_in=(today - r.started_on).days if r.started_on else None,
        readiness=readiness,
        cleared_at=as_utc(r.cleared_at) if r.cleared_at else None,
        cleared_by=r.cleared_by,
        clearance_note=r.clearance_note or "",
        schedule=schedule,
        is_updating=updating,
    )


def page_rows(
    session: DbSession, cat: Catalog, lst: Listing, *, offset: int, limit: int
) -> list[HireRow]:
    """One page of the dashboard, in the chosen order."""
    query = _rows_query(lst).order_by(*_order(lst)).offset(offset).limit(limit)
    return [_hire_row(r, cat, lst.today) for r in session.execute(query)]


def _fresh(
    session: DbSession, cat: Catalog, records: Sequence[Any], now: datetime, weekends: bool
) -> dict[int, dict[str, Any]]:
    """Rows that are updating, evaluated afresh (not written: the rebuild does that)."""
    stale = [r.id for r in records if not r.kept or not r.is_current]
    if not stale:
        return {}
    found = evaluate_hires(session, cat, stale, now, count_weekends=weekends)
    return {v["user_id"]: v for v in found}


# --- the API: keyset pages by name ------------------------------------------------------


class BadCursor(ValueError):
    pass


def encode_cursor(name: str, user_id: int) -> str:
    raw = json.dumps([name, user_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, user_id = json.loads(raw)
    except (ValueError, binascii.Error, TypeError) as exc:
        raise BadCursor(cursor) from exc
    if not isinstance(name, str) or not isinstance(user_id, int) or isinstance(user_id, bool):
        raise BadCursor(cursor)
    return name, user_id


def keyset_rows(
    session: DbSession,
    cat: Catalog,
    lst: Listing,
    *,
    after: tuple[str, int] | None,
    limit: int,
    now: datetime,
    count_weekends: bool,
) -> tuple[list[HireRow], str | None]:
    """Up to ``limit`` hires by name after the cursor's, and the cursor of the next page
    (None on the last). One statement for the rows (and one set for any that are updating)."""
    query = _rows_query(lst)
    if after is not None:
        query = query.where(sa.tuple_(User.name, User.id) > sa.tuple_(*after))
    records = session.execute(query.order_by(User.name, User.id).limit(limit + 1)).all()
    more = len(records) > limit
    records = records[:limit]
    fresh = _fresh(session, cat, records, now, count_weekends)
    rows = [_hire_row(r, cat, lst.today, fresh) for r in records]
    last = records[-1] if records else None
    return rows, encode_cursor(last.name, last.id) if more and last is not None else None


# --- the CSV: every matching row, streamed ------------------------------------------------

STREAM_BATCH = 500


def stream_rows(
    session: DbSession, cat: Catalog, lst: Listing, *, now: datetime, count_weekends: bool
) -> Iterator[HireRow]:
    """Every matching hire in the chosen order, read ``STREAM_BATCH`` rows at a time from a
    server-side cursor, so memory stays flat whatever the team's size."""
    query = _rows_query(lst).order_by(*_order(lst)).execution_options(yield_per=STREAM_BATCH)
    result = session.execute(query)
    for batch in result.partitions():
        fresh = _fresh(session, cat, batch, now, count_weekends)
        for r in batch:
            yield _hire_row(r, cat, lst.today, fresh)


# --- the cards and the charts: counts over the kept rows ---------------------------------


def _count(cond: sa.ColumnElement[bool]) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)


def summary(
    session: DbSession, lst: Listing, *, overdue_cutoff: datetime | None = None
) -> tuple[TeamSummary, int, int]:
    """The cards over the matching hires, how many the viewer has in all, and how many
    matching hires have work waiting past ``overdue_cutoff``: one statement."""
    # The filters in WHERE, so a name search is matched once per row rather than in every
    # count; how many the viewer has in all is a count of its own.
    matched = sa.true()
    current = sa.and_(KeptReadiness.user_id.is_not(None), lst.current)
    paused = _paused_today(lst.today)
    everyone = sa.select(sa.func.count()).select_from(User).where(lst.scope).scalar_subquery()
    columns = [
        _count(matched),
        *(_count(sa.and_(matched, current, KeptReadiness.status == s)) for s in STATUSES),
        _count(sa.and_(matched, sa.not_(current))),
        _count(
            sa.and_(
                matched,
                current,
                KeptReadiness.status != "ready",
                User.started_on.is_not(None),
                KeptReadiness.first_open_due < lst.today,
                sa.not_(paused),
            )
        ),
        _count(
            sa.and_(
                matched,
                paused,
                User.started_on.is_not(None),
                sa.or_(KeptReadiness.status.is_(None), KeptReadiness.status != "ready"),
            )
        ),
        _count(sa.and_(matched, User.started_on.is_(None))),
        sa.func.coalesce(
            sa.func.sum(sa.case((matched, KeptReadiness.waiting_reviews), else_=0)), 0
        ),
        sa.func.min(sa.case((matched, KeptReadiness.waiting_since))),
        _count(sa.and_(matched, Clearance.cleared_at.is_not(None))),
        _count(
            sa.and_(matched, KeptReadiness.waiting_since < overdue_cutoff)
            if overdue_cutoff is not None
            else sa.false()
        ),
        everyone,
    ]
    row = session.execute(
        sa.select(*columns)
        .select_from(User)
        .outerjoin(KeptReadiness, KeptReadiness.user_id == User.id)
        .outerjoin(Clearance, Clearance.user_id == User.id)
        .where(*lst.where())
    ).one()
    (
        total,
        *by,
        updating,
        behind,
        paused_n,
        unscheduled,
        waiting,
        oldest,
        cleared,
        late,
        everyone,
    ) = row
    oldest_at = (
        as_utc(oldest)
        if isinstance(oldest, datetime)
        else (as_utc(datetime.fromisoformat(oldest)) if oldest else None)
    )
    return (
        TeamSummary(
            total=int(total),
            by_status={s: int(n) for s, n in zip(STATUSES, by, strict=True)},
            behind=int(behind),
            paused=int(paused_n),
            not_scheduled=int(unscheduled),
            waiting_reviews=int(waiting),
            oldest_wait=oldest_at,
            cleared=int(cleared),
            updating=int(updating),
        ),
        int(everyone),
        int(late),
    )


def filter_choices(
    session: DbSession, scope: sa.ColumnElement[bool]
) -> tuple[list[tuple[int, str]], tuple[date | None, date | None]]:
    """The mentors of the viewer's hires, and the first and last start dates (the month
    filter's range): a row per mentor and one row."""
    mentors = session.execute(
        sa.select(_mentor.id, _mentor.name)
        .where(_mentor.id.in_(sa.select(User.mentor_id).where(scope, User.mentor_id.is_not(None))))
        .order_by(_mentor.name)
    ).all()
    first, last = session.execute(
        sa.select(sa.func.min(User.started_on), sa.func.max(User.started_on)).where(scope)
    ).one()
    return [(m.id, m.name) for m in mentors], (_day(first), _day(last))


def _day(value: Any) -> date | None:
    # SQLite's min() of a date column answers the stored text.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _charted(lst: Listing, by_track: bool) -> Any:
    """The matching hires with their days to ready and where each stands among those of
    its track (or of all) by that number: the median's rank, without a percentile function
    (SQLite has none)."""
    current = sa.and_(KeptReadiness.user_id.is_not(None), lst.current)
    days = sa.case((current, KeptReadiness.days_to_ready)).label("days")
    part: list[Any] = [User.track] if by_track else []
    status = KeptReadiness.status
    return (
        sa.select(
            User.track.label("track"),
            days,
            sa.case((sa.and_(current, status != "not_started"), 1), else_=0).label("started"),
            sa.case((sa.and_(current, status.in_(("awaiting_review", "ready"))), 1), else_=0).label(
                "handed_in"
            ),
            sa.case((sa.and_(current, status == "ready"), 1), else_=0).label("ready"),
            sa.case(
                (sa.and_(current, status == "ready", Clearance.cleared_at.is_not(None)), 1),
                else_=0,
            ).label("cleared"),
            sa.func.row_number()
            .over(partition_by=[*part, days.is_(None)], order_by=days)
            .label("rank"),
            sa.func.count(days).over(partition_by=part).label("ranked"),
        )
        .select_from(User)
        .outerjoin(KeptReadiness, KeptReadiness.user_id == User.id)
        .outerjoin(Clearance, Clearance.user_id == User.id)
        .where(*lst.where(), *([User.track.is_not(None)] if by_track else []))
        .subquery()
    )


def _median(inner: Any) -> Any:
    # Integer division (//): SQLAlchemy 2.0's "/" is true division, so for an even count
    # rank == 2.5 matched nothing and the median was the upper middle value alone.
    middle = sa.and_(
        inner.c.days.is_not(None),
        sa.or_(
            inner.c.rank == (inner.c.ranked + 1) // 2, inner.c.rank == (inner.c.ranked + 2) // 2
        ),
    )
    return sa.func.avg(sa.case((middle, inner.c.days)))


def funnels(
    cat: Catalog, rows: Sequence[Any]
) -> tuple[list[charts.Funnel], list[tuple[str, float, int]]]:
    """The funnels, and each track's median days to ready with how many it is of, from rows of
    (track, counts of each funnel stage..., median, how many have a time to ready)."""
    found, per_track = [], []
    for track, *counts, median, timed in rows:
        known = cat.tracks.get(track)
        title = known.title if known else track
        values = dict(zip((key for key, _ in charts.FUNNEL_STAGES), counts, strict=True))
        pairs = [(str(label), int(values[key] or 0)) for key, label in charts.FUNNEL_STAGES]
        found.append(charts.Funnel(track, title, charts.bars(pairs)))
        if timed:
            per_track.append((title, float(median), int(timed)))
    return found, per_track


def charts_of(
    session: DbSession, cat: Catalog, lst: Listing
) -> tuple[list[charts.Funnel], charts.DaysToReady]:
    """The funnels (a row per track) and the days to ready (one row): two statements."""
    inner = _charted(lst, by_track=True)
    rows = session.execute(
        sa.select(
            inner.c.track,
            sa.func.count(),
            sa.func.sum(inner.c.started),
            sa.func.sum(inner.c.handed_in),
            sa.func.sum(inner.c.ready),
            sa.func.sum(inner.c.cleared),
            _median(inner),
            sa.func.max(inner.c.ranked),
        ).group_by(inner.c.track)
    ).all()
    found, per_track = funnels(cat, rows)
    every = _charted(lst, by_track=False)
    *counts, median, ranked = session.execute(
        sa.select(*day_buckets(every.c.days, 1), _median(every), sa.func.max(every.c.ranked))
    ).one()
    return sorted(found, key=lambda f: f.title), days_chart(counts, median, ranked, per_track)


def day_buckets(days: Any, weight: Any) -> list[Any]:
    """The days-to-ready chart's bars as sums of ``weight`` (1 a hire, or a tally's count)
    over the rows whose ``days`` fall in each bucket, the last one open-ended."""
    tops = charts.DAY_BUCKETS
    inside = [sa.and_(days > (tops[i - 1] if i else -1), days <= top) for i, top in enumerate(tops)]
    return [
        sa.func.coalesce(sa.func.sum(sa.case((where, weight))), 0)
        for where in [*inside, days > tops[-1]]
    ]


def days_chart(
    counts: Sequence[Any], median: Any, timed: Any, per_track: list[tuple[str, float, int]]
) -> charts.DaysToReady:
    return charts.DaysToReady(
        bars=charts.bars(list(zip(charts.day_labels(), (int(c) for c in counts), strict=True))),
        count=int(timed or 0),
        median_days=float(median) if timed else None,
        by_track=tuple(sorted(per_track)),
    )


# --- the homes: only what they show ------------------------------------------------------


def attention_rows(session: DbSession, cat: Catalog, lst: Listing, limit: int) -> list[HireRow]:
    """The hires a manager should act on, most urgent first: ready but not cleared (by
    name), then behind (most overdue first), then with work waiting on a mentor (oldest
    first), as ``service.needs_attention`` orders them.

    One UNION ALL of three selects, each the first ``limit`` of its kind in its own order
    (by name; the earliest open due date; the oldest wait, each along an index), so the
    statement reads at most three times ``limit`` rows whatever the team's size. The kinds
    are disjoint (a behind hire is not counted as waiting too), as the urgency says."""
    current = sa.and_(KeptReadiness.user_id.is_not(None), lst.current)
    # Not cleared as NOT EXISTS, not "the outer-joined clearance is null": PostgreSQL took
    # the latter for a handful of rows and scanned every hire to find them.
    cleared = aliased(Clearance)
    uncleared = ~sa.select(cleared.id).where(cleared.user_id == User.id).exists()
    ready = sa.and_(current, KeptReadiness.status == "ready", uncleared)
    behind = sa.and_(
        current,
        KeptReadiness.status != "ready",
        User.started_on.is_not(None),
        KeptReadiness.first_open_due < lst.today,
        sa.not_(_paused_today(lst.today)),
    )
    waiting = sa.and_(current, KeptReadiness.waiting_reviews > 0)
    overdue_key = sa.case((behind, KeptReadiness.first_open_due)).label("overdue_key")
    waiting_key = sa.case((waiting, KeptReadiness.waiting_since)).label("waiting_key")
    kinds = (
        (0, ready, [User.name, User.id]),
        (1, behind, [KeptReadiness.first_open_due, waiting_key, User.name, User.id]),
        (
            2,
            sa.and_(waiting, sa.not_(ready), sa.not_(behind)),
            [KeptReadiness.waiting_since, User.name, User.id],
        ),
    )
    branches = [
        sa.select(
            _rows_query(lst)
            .add_columns(sa.literal(urgency).label("urgency"), overdue_key, waiting_key)
            .where(cond)
            .order_by(*order)
            .limit(limit)
            .subquery()
        )
        for urgency, cond, order in kinds
    ]
    every = sa.union_all(*branches).subquery()
    query = (
        sa.select(every)
        .order_by(
            every.c.urgency,
            every.c.overdue_key,
            every.c.waiting_key,
            every.c.name,
            every.c.id,
        )
        .limit(limit)
    )
    return [_hire_row(r, cat, lst.today) for r in session.execute(query)]


def waiting_rows(session: DbSession, cat: Catalog, lst: Listing, limit: int) -> list[HireRow]:
    """The hires whose work has waited longest for a mentor: enough rows for the ``limit``
    oldest pieces of work (each row's wait is its oldest piece's)."""
    # Stale rows too: what waits for a mentor is the hire's own work, whatever the content
    # (the cards count it the same way).
    query = (
        _rows_query(lst)
        .where(KeptReadiness.waiting_reviews > 0)
        .order_by(sa.nulls_last(KeptReadiness.waiting_since.asc()), User.name, User.id)
        .limit(limit)
    )
    return [_hire_row(r, cat, lst.today) for r in session.execute(query)]


def first_rows(session: DbSession, cat: Catalog, lst: Listing, limit: int) -> list[HireRow]:
    """The first ``limit`` hires by name (a mentor's home)."""
    query = _rows_query(lst).order_by(User.name, User.id).limit(limit)
    return [_hire_row(r, cat, lst.today) for r in session.execute(query)]
