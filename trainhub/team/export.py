"""The dashboard's rows as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from .service import HireRow

HEADER = (
    "name",
    "email",
    "track",
    "mentor",
    "started_on",
    "days_since_start",
    "target_days",
    "schedule",
    "progress_percent",
    "status",
    "ready_since",
    "cleared_at",
    "cleared_by",
    "next_step",
    "reviews_waiting",
    "waiting_since",
    "reasons",
    "outdated_steps",
    # Added with due dates (columns are only ever appended):
    "schedule_state",
    "steps_due_on",
    "steps_overdue_days",
    "overdue_days",
)
# A spreadsheet runs a cell that starts with one of these as a formula (tab and carriage
# return can hide one after leading whitespace; some read the full-width signs as the ASCII
# ones, and "|" starts a DDE call).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20", "|")


def neutralise(value: object) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet would treat it as a
    formula: "=HYPERLINK(...)" in a hire's name must stay text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _schedule(row: HireRow) -> str:
    if row.is_ready:
        return "ready"
    if row.target_days is None:
        return ""
    if row.schedule_state != "scheduled":
        # Without a start date, or on leave, a hire is neither behind nor on track.
        return "paused" if row.schedule_state == "paused" else "not scheduled"
    return "behind" if row.is_behind else "on track"


def record(row: HireRow) -> list[str]:
    nxt = row.next_step
    pairs = row.steps_with_due()
    cells: tuple[object, ...] = (
        row.name,
        row.email,
        row.track or "",
        row.mentor_email or "",
        row.started_on.isoformat() if row.started_on else "",
        row.days_in if row.days_in is not None else "",
        row.target_days or "",
        _schedule(row),
        round(row.readiness.progress * 100),
        row.status,
        _when(row.readiness.ready_since),
        _when(row.cleared_at),
        row.cleared_by or "",
        f"{nxt.kind} {nxt.slug}: {nxt.detail}" if nxt else "",
        len(row.waiting),
        _when(row.waiting_since),
        "; ".join(row.readiness.reasons),
        # Done against an older version of the content file: the manager may re-check.
        " ".join(f"{s.kind}:{s.slug}" for s in row.readiness.steps if s.outdated),
        row.schedule_state,
        " ".join(
            f"{s.kind}:{s.slug}={due.due_on.isoformat() if due and due.due_on else ''}"
            for s, due in pairs
        ),
        " ".join(f"{s.kind}:{s.slug}={due.overdue_days if due else 0}" for s, due in pairs),
        row.schedule.most_overdue,
    )
    return [neutralise(cell) for cell in cells]


def csv_text(rows: Iterable[HireRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(record(row) for row in rows)
    return buffer.getvalue()
