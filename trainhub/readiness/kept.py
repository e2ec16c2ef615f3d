"""The kept readiness: one ``readiness_rows`` row per hire, written in the transaction of
every event that changes the hire's facts, read by the team views a page at a time.

How it stays right:
- ``refresh(session, hire_ids, now)`` evaluates the hires again from their rows (the same
  ``gather_raw`` and ``evaluate`` a fresh look uses) and upserts their kept rows. Every
  service that records a fact calls it (through ``trainhub.refresh``) before its caller
  commits, so the row commits or rolls back with the event. On PostgreSQL it first locks the
  hires' user rows (``FOR NO KEY UPDATE``, which foreign-key checks do not wait for), so two
  events of one hire at once are judged one after the other, the second seeing the first's
  rows; SQLite's writers are one at a time already.
- Each row keeps the fingerprint of what it was judged against: the track file and every
  item it names (``track_fingerprint``). A new content version changes the fingerprint, so
  the row is stale at once, without a write: the views say "updating" for it, and
  ``rebuild`` (``trainhub readiness rebuild``, and the worker in the background) brings it
  current.
- What a person reads is kept as codes and values (``readiness.codes``), rendered when shown.
- The tallies (``readiness.tallies``) that the cards and charts read follow the rows: each
  refresh takes off what the row added before (``tallied``) and adds what it adds now.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..auth.models import Role, User
from ..catalog import Catalog
from ..catalog.tracks import Track
from ..content import catalog as current_catalog
from ..courses.models import LessonCompletion
from ..db import DbSession, as_utc, utcnow
from ..messages import N_
from ..quizzes.models import QuizAttempt
from ..refresh import refresh as refresh_hook
from ..roleplays.models import RoleplaySubmission
from ..schedule.models import SchedulePause
from ..schedule.rules import Pause, due_dates
from ..schedule.service import pauses_of
from ..signoffs.models import SignOff
from ..stale.models import StaleDecision
from . import codes, tallies
from .gather import NO_FACTS, RawFacts, gather_raw
from .models import KeptReadiness
from .results import Readiness, StepResult
from .rules import Items, evaluate

# Hires refreshed per statement batch by the rebuild (and per commit).
BATCH = 500
# The worker (``trainhub notify --loop``) rebuilds at most this many stale rows a round, so a
# content change at 100,000 hires is caught up over a few rounds without hogging the database.
REBUILD_PER_ROUND = 5000
# Kinds of step whose wait is a mentor's review (sign-offs wait on the mentor too, but they
# are practice to be seen, not work handed in).
REVIEW_KINDS = frozenset({"quiz", "roleplay"})
MISSING = "missing"


def track_fingerprint(track: Track | None, cat: Catalog, count_weekends: bool) -> str:
    """What a hire's readiness depends on besides their own rows: the track file, each item
    it names (its content hash, or its absence) and how due dates count days."""
    if track is None:
        return MISSING
    digest = hashlib.sha256()
    parts = [track.role, track.content_hash, "weekends" if count_weekends else "workdays"]
    for step in track.steps:
        item = cat.item(step.kind, step.slug)
        parts += [step.kind, step.slug, item.content_hash if item is not None else "-"]
    digest.update("\0".join(parts).encode())
    return digest.hexdigest()


def current_fingerprints(cat: Catalog, count_weekends: bool) -> dict[str, str]:
    return {role: track_fingerprint(t, cat, count_weekends) for role, t in cat.tracks.items()}


def expected_fingerprint(fingerprints: dict[str, str]) -> sa.ColumnElement[str]:
    """SQL for the fingerprint a user's row should have now (by the user's track)."""
    if not fingerprints:
        return sa.literal(MISSING)
    return sa.case(fingerprints, value=User.track, else_=sa.literal(MISSING))


def is_current(fingerprints: dict[str, str]) -> sa.ColumnElement[bool]:
    return KeptReadiness.fingerprint == expected_fingerprint(fingerprints)


# --- a readiness as stored, and back -----------------------------------------------------


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _unstamp(value: str | None) -> datetime | None:
    return as_utc(datetime.fromisoformat(value)) if value else None


def _step_data(step: StepResult, due_on: date | None) -> dict[str, Any]:
    return {
        "kind": step.kind,
        "slug": step.slug,
        "done": step.done,
        "progress": step.progress,
        "detail": codes.encode(step.detail),
        "reason": codes.encode(step.reason) if step.reason else None,
        "waiting": step.waiting_on_mentor,
        "waiting_since": _stamp(step.waiting_since),
        "done_at": _stamp(step.done_at),
        "outdated": step.outdated,
        "redo": step.redo,
        "due_on": due_on.isoformat() if due_on else None,
    }


def no_track(slug: str | None) -> Readiness:
    reason = (
        N_("track %(slug)s: not in the catalog", slug=slug)
        if slug
        else N_("no onboarding track assigned")
    )
    return Readiness("not_started", (), (reason,), 0.0, None)


def _last_activity(raw: RawFacts) -> datetime | None:
    facts = raw.facts()
    stamps: list[datetime | None] = [c.last_completed_at for c in facts.courses.values()]
    stamps += [a.submitted_at for attempts in facts.attempts.values() for a in attempts]
    for versions in facts.submissions.values():
        stamps += [s.submitted_at for s in versions] + [s.reviewed_at for s in versions]
    stamps += [s.signed_at for s in facts.signoffs.values()]
    found = [s for s in stamps if s is not None]
    return max(found) if found else None


def row_values(
    user_id: int,
    started_on: date | None,
    readiness: Readiness,
    dues: Sequence[date | None],
    pauses: Sequence[Pause],
    fingerprint: str,
    raw: RawFacts,
    now: datetime,
) -> dict[str, Any]:
    """The kept row's columns for one evaluated hire."""
    steps = readiness.steps
    nxt = readiness.next_step
    waiting = [s for s in steps if not s.done and s.waiting_on_mentor and s.kind in REVIEW_KINDS]
    open_dues = [d for s, d in zip(steps, dues, strict=False) if not s.done and d is not None]
    since = readiness.ready_since
    return {
        "user_id": user_id,
        "fingerprint": fingerprint,
        "status": readiness.status,
        "progress": readiness.progress,
        "steps_done": readiness.done_count,
        "steps_total": len(steps),
        "steps": [_step_data(s, dues[i] if i < len(dues) else None) for i, s in enumerate(steps)],
        "reasons": [codes.encode(r) for r in readiness.reasons],
        "next_step": steps.index(nxt) if nxt is not None else None,
        "pauses": [[p.starts_on.isoformat(), _iso(p.resumes_on)] for p in pauses],
        "ready_since": since,
        "days_to_ready": max(0, (since.date() - started_on).days)
        if since is not None and started_on is not None
        else None,
        "first_open_due": min(open_dues) if open_dues and readiness.status != "ready" else None,
        "waiting_reviews": len(waiting),
        "waiting_since": min((s.waiting_since for s in waiting if s.waiting_since), default=None),
        "last_activity_at": _last_activity(raw),
        "refreshed_at": now,
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True)
class Kept:
    """A kept row read back: the readiness as ``evaluate`` made it, and the step due dates."""

    readiness: Readiness
    due_on: tuple[date | None, ...]
    pauses: tuple[Pause, ...]


def _title(kind: str, slug: str, track: Track | None, cat: Catalog) -> str:
    if kind == "signoff":
        step = track.step(kind, slug) if track else None
        return (step.title if step else None) or slug
    item = cat.item(kind, slug)
    return item.title if item is not None else slug


def read_kept(
    status: str,
    progress: float,
    steps: list[dict[str, Any]],
    reasons: list[dict[str, Any]],
    ready_since: datetime | None,
    pauses: list[list[str | None]] | None,
    track: Track | None,
    cat: Catalog,
) -> Kept:
    """The readiness a kept row holds, its words made again from their codes and its titles
    from the catalog (as the views show them)."""
    results = tuple(
        StepResult(
            s["kind"],
            s["slug"],
            _title(s["kind"], s["slug"], track, cat),
            s["done"],
            codes.decode(s["detail"]),
            s["progress"],
            reason=codes.decode(s["reason"]) if s["reason"] else None,
            waiting_on_mentor=s["waiting"],
            waiting_since=_unstamp(s["waiting_since"]),
            done_at=_unstamp(s["done_at"]),
            outdated=s["outdated"],
            redo=s.get("redo", False),
        )
        for s in steps
    )
    readiness = Readiness(
        status,  # type: ignore[arg-type]
        results,
        tuple(codes.decode(r) for r in reasons),
        progress,
        as_utc(ready_since) if ready_since else None,
    )
    dues = tuple(date.fromisoformat(s["due_on"]) if s["due_on"] else None for s in steps)
    kept_pauses = tuple(
        Pause(date.fromisoformat(a or ""), date.fromisoformat(b) if b else None)
        for a, b in (pauses or [])
    )
    return Kept(readiness, dues, kept_pauses)


# --- writing ------------------------------------------------------------------------------


def _counts_weekends() -> bool:
    return has_app_context() and bool(current_app.config.get("DUE_COUNT_WEEKENDS", False))


def _upsert(session: DbSession, values: list[dict[str, Any]]) -> None:
    if not values:
        return
    dialect = session.get_bind().dialect.name
    # Core on the table, not the ORM entity: the ORM's bulk bookkeeping cost more than the
    # upsert itself at thousands of rows.
    table = cast(sa.Table, KeptReadiness.__table__)
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    columns = [c for c in values[0] if c != "user_id"]
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id"], set_={c: stmt.excluded[c] for c in columns}
    )
    session.connection().execute(stmt, values)


def _evaluate(
    session: DbSession,
    cat: Catalog,
    user_ids: Sequence[int],
    now: datetime,
    *,
    count_weekends: bool,
    lock: bool,
) -> tuple[list[dict[str, Any]], dict[int, Any], list[int]]:
    """The kept rows of the hires among these users, evaluated afresh (a fixed number of
    statements); what each user's row added to the tallies so far; and the users who have
    a row but are not hires any more (their row stays, and counts nowhere)."""
    query = (
        sa.select(
            User.id,
            *tallies.person_columns(),
            KeptReadiness.user_id.label("has_row"),
            KeptReadiness.tallied,
        )
        .outerjoin(KeptReadiness, KeptReadiness.user_id == User.id)
        .where(User.id.in_(user_ids))
        .order_by(User.id)
    )
    if lock and session.get_bind().dialect.name == "postgresql":
        # Taken before the facts are read: a concurrent event of the same hire waits here
        # until this one commits, then reads its rows too (READ COMMITTED).
        query = query.with_for_update(of=User, key_share=True)
    found = session.execute(query).all()
    people = [p for p in found if p.role == Role.HIRE.value]
    olds = {p.id: p.tallied for p in found}
    gone = [p.id for p in found if p.role != Role.HIRE.value and p.has_row is not None]
    if not people:
        return [], olds, gone
    ids = [p.id for p in people]
    raw = gather_raw(session, ids)
    paused = pauses_of(session, ids)
    items = Items(courses=cat.courses, quizzes=cat.quizzes, roleplays=cat.roleplays)
    values = []
    for p in people:
        track = cat.tracks.get(p.track or "")
        facts = raw.get(p.id, NO_FACTS)
        pauses = paused.get(p.id, ())
        dues: tuple[date | None, ...] = ()
        if track is None:
            readiness = no_track(p.track)
        else:
            readiness = evaluate(track, items, facts.facts())
            dues = due_dates(track, p.started_on, pauses, count_weekends=count_weekends)
        row = row_values(
            p.id,
            p.started_on,
            readiness,
            dues,
            pauses,
            track_fingerprint(track, cat, count_weekends),
            facts,
            now,
        )
        row["tallied"] = tallies.contribution(tallies.person_of(p), row)
        values.append(row)
    return values, olds, gone


def evaluate_hires(
    session: DbSession,
    cat: Catalog,
    hire_ids: Sequence[int],
    now: datetime,
    *,
    count_weekends: bool,
    lock: bool = False,
) -> list[dict[str, Any]]:
    """The kept rows of these hires, evaluated afresh (a fixed number of statements)."""
    return _evaluate(session, cat, hire_ids, now, count_weekends=count_weekends, lock=lock)[0]


def refresh(session: DbSession, hire_ids: Iterable[int], now: datetime) -> None:
    """Bring these hires' kept rows up to what their rows say now, and the tallies with
    them (the difference each row's change makes), in the caller's transaction. Users who
    are not hires keep their row, if any, but it counts nowhere."""
    ids = sorted({int(i) for i in hire_ids})
    if not ids:
        return
    cat = current_catalog()
    weekends = _counts_weekends()
    table = cast(sa.Table, KeptReadiness.__table__)
    # One set of tally changes for all the chunks, written once at the end in key order: a
    # refresh of many hires then locks the tally rows in the same order as any other.
    changes = tallies.Changes.empty()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        values, olds, gone = _evaluate(session, cat, chunk, now, count_weekends=weekends, lock=True)
        _upsert(session, values)
        for v in values:
            changes.between(olds.get(v["user_id"]), v["tallied"])
        for user_id in gone:
            changes.between(olds.get(user_id), None)
        if gone:
            session.connection().execute(
                table.update().where(table.c.user_id.in_(gone)).values(tallied=None)
            )
    tallies.apply(session.connection(), changes)


def stale_ids(
    session: DbSession, cat: Catalog, count_weekends: bool, limit: int | None = None
) -> list[int]:
    """Hires whose kept row is missing or was judged against other content."""
    query = (
        sa.select(User.id)
        .outerjoin(KeptReadiness, KeptReadiness.user_id == User.id)
        .where(
            User.role == Role.HIRE.value,
            sa.or_(
                KeptReadiness.user_id.is_(None),
                sa.not_(is_current(current_fingerprints(cat, count_weekends))),
            ),
        )
        .order_by(User.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


Progress = Callable[..., AbstractContextManager[Iterable[int]]]


def _batches(ids: list[int], progress: Progress | None) -> Iterator[list[int]]:
    if progress is None:
        for start in range(0, len(ids), BATCH):
            yield ids[start : start + BATCH]
        return
    with progress(length=len(ids), label="Rebuilding readiness") as bar:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            yield chunk
            bar.update(len(chunk))  # type: ignore[attr-defined]


def rebuild(
    session: DbSession,
    now: datetime,
    *,
    limit: int | None = None,
    progress: Progress | None = None,
    commit: bool = True,
) -> int:
    """Refresh every stale or missing row (at most ``limit``), committing per batch so a
    long rebuild holds no lock for long. Returns how many rows it wrote."""
    cat = current_catalog()
    weekends = _counts_weekends()
    ids = stale_ids(session, cat, weekends, limit)
    for chunk in _batches(ids, progress):
        refresh(session, chunk, now)
        if commit:
            session.commit()
    return len(ids)


# --- a safety net for rows changed through the ORM -------------------------------------------
# Every service calls ``refresh`` itself (that covers its Core UPDATEs too, and keeps the row
# right within the transaction). Besides, a hire whose facts were changed through the ORM in a
# transaction (a record added or edited, a start date or track set on the person) is refreshed
# once more just before it commits, so a path that forgot the call still cannot commit a kept
# row that is behind.
FACT_MODELS = (
    LessonCompletion,
    QuizAttempt,
    RoleplaySubmission,
    SignOff,
    SchedulePause,
    StaleDecision,
)
# The mentor and manager are counted by in the tallies (who sees the hire).
PERSON_FIELDS = ("track", "started_on", "role", "is_active", "mentor_id", "manager_id")
_DIRTY = "trainhub.readiness.dirty"


@sa.event.listens_for(Session, "after_flush")
def _note_changed_hires(session: Session, _context: Any) -> None:
    found: set[int] = session.info.setdefault(_DIRTY, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        state: Any = sa.inspect(obj)
        if isinstance(obj, QuizAttempt) and obj in session.dirty:
            # Answers saved as the hire goes change nothing readiness reads.
            if any(
                state.attrs[n].history.has_changes() for n in ("status", "percent", "quiz_hash")
            ):
                found.add(obj.user_id)
        elif isinstance(obj, FACT_MODELS) and obj.user_id is not None:
            found.add(obj.user_id)
        elif isinstance(obj, User) and obj.id is not None:
            if obj in session.new or any(
                state.attrs[name].history.has_changes() for name in PERSON_FIELDS
            ):
                found.add(obj.id)


@sa.event.listens_for(Session, "before_commit")
def _refresh_changed_hires(session: Session) -> None:
    # SQLAlchemy fires before_commit before its own last flush: flush here, so a change
    # made just before the commit (a mentor set on the person, say) is noted too.
    session.flush()
    found = session.info.pop(_DIRTY, None)
    if found:
        refresh_hook(session, found, utcnow())


@sa.event.listens_for(Session, "after_rollback")
def _forget_changed_hires(session: Session) -> None:
    session.info.pop(_DIRTY, None)
