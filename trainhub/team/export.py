"""The dashboard's rows as CSV, safe to open in a spreadsheet, written a row at a time so a
download of 100,000 hires streams in constant memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..language import gettext as _
from ..readiness.wording import step_detail, step_reason
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
# The header in a reader's language (``?lang=`` or theirs). English keeps the column names
# above, which integrations read; the other languages get words.
LABELS = {
    "name": _l("Name"),
    "email": _l("E-mail"),
    "track": _l("Track"),
    "mentor": _l("Mentor"),
    "started_on": _l("Start date"),
    "days_since_start": _l("Days since start"),
    "target_days": _l("Target days"),
    "schedule": _l("Schedule"),
    "progress_percent": _l("Progress, %"),
    "status": _l("Status"),
    "ready_since": _l("Ready since"),
    "cleared_at": _l("Cleared for clients"),
    "cleared_by": _l("Cleared by"),
    "next_step": _l("Next step"),
    "reviews_waiting": _l("Reviews waiting"),
    "waiting_since": _l("Waiting since"),
    "reasons": _l("Reasons"),
    "outdated_steps": _l("Steps done against older content"),
    "schedule_state": _l("Schedule state"),
    "steps_due_on": _l("Steps due on"),
    "steps_overdue_days": _l("Steps overdue, days"),
    "overdue_days": _l("Days overdue"),
}


def header(language: str) -> list[str]:
    """The column names (English) or their words in ``language`` (the caller has set the
    locale for it)."""
    if language == "en":
        return list(HEADER)
    return [str(LABELS[name]) for name in HEADER]


# A spreadsheet runs a cell that starts with one of these as a formula, their full-width
# forms too (Excel and LibreOffice read "＝1+1" as "=1+1"), and "|" starts a DDE link.
FORMULA_STARTS = (
    "=", "+", "-", "@", "|",
    "\uff1d", "\uff0b", "\uff0d", "\uff20", "\uff5c",
)  # fmt: skip
# Leading blanks do not stop a spreadsheet from reading what follows them as a formula.
BLANKS = " \t\r\n\u3000\u00a0"


def neutralise(value: object) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet would treat it as a
    formula: "=HYPERLINK(...)" or "＝HYPERLINK(...)" in a hire's name must stay text."""
    text = "" if value is None else str(value)
    if text[:1] in ("\t", "\r") or text.lstrip(BLANKS).startswith(FORMULA_STARTS):
        return "'" + text
    return text


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


def _local(value: datetime | None, zone: str) -> str:
    """A moment as a person reads it in a spreadsheet: the company's date and time."""
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") if value else ""


def _text(markup: Markup) -> str:
    return markup.striptags()


def _words() -> dict[str, str]:
    """The words of the codes, looked up once per CSV (not once per row)."""
    return {
        "ready": _("ready"),
        "paused": _("paused"),
        "not scheduled": _("not scheduled"),
        "behind": _("behind"),
        "on track": _("on track"),
        "not_started": _("not started"),
        "in_progress": _("in progress"),
        "awaiting_review": _("awaiting review"),
        "scheduled": _("scheduled"),
        "not_scheduled": _("not scheduled"),
    }


def _schedule_words(row: HireRow, words: dict[str, str]) -> str:
    code = _schedule(row)
    return words[code] if code else ""


def worded_record(
    row: HireRow, zone: str = "UTC", words: dict[str, str] | None = None
) -> list[str]:
    """``record`` for a person reading the CSV in their language (``?lang=ru``): the same
    columns, with words and titles where ``record`` has codes and slugs (those stay in the
    English CSV, which integrations read). Call it with the reader's locale set (the catalog
    of ``row`` in their language gives the titles); moments are the company's (``zone``)."""
    words = words or _words()
    nxt = row.next_step
    pairs = row.steps_with_due()
    steps = row.readiness.steps
    # A reason names its step's item already ("“Title”: 0 of 7 lessons read"); a detail not.
    next_step = ""
    if nxt is not None:
        next_step = _text(step_reason(nxt)) or f"{nxt.title}: {_text(step_detail(nxt))}"
    reasons = [_text(step_reason(s)) for s in steps if s.reason] or [
        _text(Markup(escape(r))) for r in row.readiness.reasons
    ]
    cells: tuple[object, ...] = (
        row.name,
        row.email,
        row.track_title or "",
        row.mentor_email or "",
        row.started_on.isoformat() if row.started_on else "",
        row.days_in if row.days_in is not None else "",
        row.target_days or "",
        _schedule_words(row, words),
        round(row.readiness.progress * 100),
        words.get(row.status, row.status),
        _local(row.readiness.ready_since, zone),
        _local(row.cleared_at, zone),
        row.cleared_by or "",
        next_step,
        len(row.waiting),
        _local(row.waiting_since, zone),
        "; ".join(reasons),
        "; ".join(s.title for s in steps if s.outdated),
        words.get(row.schedule_state, row.schedule_state),
        "; ".join(
            f"{s.title}: {due.due_on.isoformat() if due and due.due_on else ''}" for s, due in pairs
        ),
        "; ".join(f"{s.title}: {due.overdue_days if due else 0}" for s, due in pairs),
        row.schedule.most_overdue,
    )
    return [neutralise(cell) for cell in cells]


def csv_lines(
    rows: Iterable[HireRow],
    head: list[str] | None = None,
    worded: str | None = None,
) -> Iterator[str]:
    """The CSV a line at a time: the header, then a line per row as it comes (in words and
    titles, with moments in the company's time zone ``worded``, see ``worded_record``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    words = _words() if worded is not None else {}
    lines = (record(row) if worded is None else worded_record(row, worded, words) for row in rows)
    for cells in ([head or list(HEADER)], lines):
        for line in cells:
            writer.writerow(line)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()


def csv_text(rows: Iterable[HireRow]) -> str:
    return "".join(csv_lines(rows))
