"""The tallies: counts of kept readiness rows, so that the dashboard's cards and charts and
the homes' numbers read a few rows whatever the team's size.

How they stay right:
- ``contribution(person, values)`` (pure) is what one kept row adds: +1 hire and its reviews
  waiting to the ``readiness_tallies`` row of its key (the person's manager, mentor, track,
  start month, active or not; the row's fingerprint, status, days to ready; cleared or not),
  and to ``readiness_day_tallies`` the days on which its count changes: +1 the day after
  its earliest open due date (behind), -1 while paused and +1 when resumed, the same for
  paused, and +1 on the day its oldest wait began. A count "today" is a sum over days up to
  today, so a hire becomes behind at midnight without anything being written.
- The row keeps what it added (``readiness_rows.tallied``). ``kept.refresh`` hands every
  old and new contribution to ``apply`` in the same transaction as the row itself, which
  adds the difference with one upsert per table (rows in key order, so two writers lock
  them in the same order). A refresh that changes nothing counted writes nothing here.
- ``recount`` (``trainhub readiness rebuild``, and the migration that added the tables)
  recounts them from the kept rows.

Whether a row is current (judged against today's content) is asked at read time, of the
fingerprint in the key, exactly as of the kept rows: a content change makes rows
"updating" in the counts at once, without a write.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ..auth.models import Role, User
from .models import KeptReadiness, ReadinessDayTally, ReadinessTally

# The team's clearances, named by table: ``team`` reads readiness, so readiness may not
# import ``team.models`` (no cycle between packages).
CLEARANCES = sa.table("clearances", sa.column("user_id"), sa.column("cleared_at"))

KEY_COLUMNS = (
    "role",
    "is_active",
    "manager_id",
    "mentor_id",
    "track",
    "start_month",
    "fingerprint",
    "status",
    "is_cleared",
    "is_scheduled",
    "days_to_ready",
)
# Kept rows read per round trip by ``recount``.
RECOUNT_BATCH = 2000


@dataclass(frozen=True)
class Person:
    """What a tally needs of the person behind a kept row."""

    role: str
    is_active: bool
    manager_id: int | None
    mentor_id: int | None
    track: str | None
    started_on: date | None
    is_cleared: bool


Span = tuple[date, date | None]  # [first day, day after the last), None: still open


def _merged(pauses: Iterable[Sequence[str | None]]) -> list[Span]:
    spans = sorted(
        (date.fromisoformat(a), date.fromisoformat(b) if b else None) for a, b in pauses if a
    )
    found: list[Span] = []
    for start, end in spans:
        if found and (found[-1][1] is None or start <= found[-1][1]):
            last_start, last_end = found[-1]
            wider = None if end is None or last_end is None else max(end, last_end)
            found[-1] = (last_start, wider)
        else:
            found.append((start, end))
    return found


def _minus(start: date, gaps: list[Span]) -> list[Span]:
    """The days from ``start`` on that fall in none of ``gaps`` (merged, in order)."""
    found: list[Span] = []
    cursor: date | None = start
    for a, b in gaps:
        if cursor is None:
            break
        if b is not None and b <= cursor:
            continue
        if a > cursor:
            found.append((cursor, a))
        cursor = b if b is None or b > cursor else cursor
    if cursor is not None:
        found.append((cursor, None))
    return found


def _edges(kind: str, spans: list[Span]) -> list[list[Any]]:
    found: list[list[Any]] = []
    for a, b in spans:
        found.append([kind, a.isoformat(), 1])
        if b is not None:
            found.append([kind, b.isoformat(), -1])
    return found


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def contribution(person: Person, values: Mapping[str, Any]) -> dict[str, Any] | None:
    """What one kept row adds to the tallies (JSON-ready); None for a person who is not a
    hire (their row, if any, counts nowhere)."""
    if person.role != Role.HIRE.value:
        return None
    started = person.started_on
    status = values["status"]
    key = [
        person.role,
        bool(person.is_active),
        person.manager_id,
        person.mentor_id,
        person.track,
        started.isoformat()[:7] if started else None,
        values["fingerprint"],
        status,
        bool(person.is_cleared),
        started is not None,
        values["days_to_ready"],
    ]
    days: list[list[Any]] = []
    if started is not None and status != "ready":
        pauses = _merged(values["pauses"] or [])
        days += _edges("paused", pauses)
        first_open_due = _day(values["first_open_due"])
        if first_open_due is not None:
            # Behind once today is past the due date, and never while paused.
            days += _edges("behind", _minus(first_open_due + timedelta(days=1), pauses))
    waiting_since = values["waiting_since"]
    if waiting_since:
        days.append(["waiting", str(_day(waiting_since)), 1])
    return {"key": key, "waiting": int(values["waiting_reviews"] or 0), "days": days}


# --- adding the differences ----------------------------------------------------------------


@dataclass
class Changes:
    """Differences to add: per tally key, [hires, reviews waiting]; per day key, n."""

    tallies: dict[str, list[Any]]
    days: dict[str, list[Any]]

    @classmethod
    def empty(cls) -> Changes:
        return cls({}, {})

    def add(self, found: Mapping[str, Any] | None, sign: int) -> None:
        if not found:
            return
        key = found["key"]
        text = json.dumps(key)
        entry = self.tallies.setdefault(text, [key, 0, 0])
        entry[1] += sign
        entry[2] += sign * found["waiting"]
        for kind, day, n in found["days"]:
            day_text = json.dumps([*key, kind, day])
            day_entry = self.days.setdefault(day_text, [key, kind, day, 0])
            day_entry[3] += sign * n

    def between(self, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> None:
        if old != new:
            self.add(old, -1)
            self.add(new, 1)


def _upsert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]], sums: list[str]) -> None:
    if not rows:
        return
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"], set_={c: table.c[c] + stmt.excluded[c] for c in sums}
    )
    conn.execute(stmt, rows)


def apply(conn: Connection, changes: Changes) -> None:
    """Add the differences: one upsert per table, in key order, none for a zero."""
    tallies = [
        {"key": text, **dict(zip(KEY_COLUMNS, key, strict=True)), "hires": h, "waiting_reviews": w}
        for text, (key, h, w) in sorted(changes.tallies.items())
        if h or w
    ]
    days = [
        {
            "key": text,
            **dict(zip(KEY_COLUMNS, key, strict=True)),
            "kind": kind,
            "day": date.fromisoformat(day),
            "n": n,
        }
        for text, (key, kind, day, n) in sorted(changes.days.items())
        if n
    ]
    _upsert(conn, cast(sa.Table, ReadinessTally.__table__), tallies, ["hires", "waiting_reviews"])
    _upsert(conn, cast(sa.Table, ReadinessDayTally.__table__), days, ["n"])


# --- recounting from the kept rows ---------------------------------------------------------


def person_columns() -> list[Any]:
    """The person's columns a contribution needs, for a select from ``User``."""
    return [
        User.role,
        User.is_active,
        User.manager_id,
        User.mentor_id,
        User.track,
        User.started_on,
        sa.exists()
        .where(CLEARANCES.c.user_id == User.id, CLEARANCES.c.cleared_at.is_not(None))
        .label("is_cleared"),
    ]


def person_of(row: Any) -> Person:
    return Person(
        row.role,
        bool(row.is_active),
        row.manager_id,
        row.mentor_id,
        row.track,
        _day(row.started_on),
        bool(row.is_cleared),
    )


def _values(row: Any) -> dict[str, Any]:
    return {
        "fingerprint": row.fingerprint,
        "status": row.status,
        "pauses": row.pauses,
        "first_open_due": row.first_open_due,
        "days_to_ready": row.days_to_ready,
        "waiting_reviews": row.waiting_reviews,
        "waiting_since": row.waiting_since,
    }


def recount(conn: Connection) -> int:
    """Count the tallies again from every kept row, and set what each row added where it
    differs. Returns how many kept rows were counted."""
    kept = cast(sa.Table, KeptReadiness.__table__)
    query = (
        sa.select(
            kept.c.user_id,
            kept.c.fingerprint,
            kept.c.status,
            kept.c.pauses,
            kept.c.first_open_due,
            kept.c.days_to_ready,
            kept.c.waiting_reviews,
            kept.c.waiting_since,
            kept.c.tallied,
            *person_columns(),
        )
        .select_from(kept.join(User.__table__, User.id == kept.c.user_id))
        .order_by(kept.c.user_id)
    )
    changes = Changes.empty()
    fixes: list[dict[str, Any]] = []
    counted, after = 0, 0
    while True:
        batch = conn.execute(query.where(kept.c.user_id > after).limit(RECOUNT_BATCH)).all()
        if not batch:
            break
        for row in batch:
            found = contribution(person_of(row), _values(row))
            # Round-tripped through JSON, as the stored one was.
            found = json.loads(json.dumps(found))
            changes.add(found, 1)
            if found != row.tallied:
                fixes.append({"uid": row.user_id, "tallied": found})
        counted += len(batch)
        after = batch[-1].user_id
        if fixes:
            conn.execute(
                kept.update()
                .where(kept.c.user_id == sa.bindparam("uid"))
                .values(tallied=sa.bindparam("tallied")),
                fixes,
            )
            fixes = []
    conn.execute(sa.delete(ReadinessDayTally))
    conn.execute(sa.delete(ReadinessTally))
    apply(conn, changes)
    return counted
