"""The audit log in words: what happened, and its details, as a person reads them.

The log keeps codes ("readiness.cleared", object type and id, data keys, ISO dates) because
they are what the hash chain covers and what ``trainhub audit verify`` and scripts read. The
page showed them as they were ("clearance 5", "ready_since: 2026-12-01T09:00:00"); this module
turns an event into a sentence and labelled details: dates in the reader's format, item slugs
as the catalog's titles, people's ids as their names. An action or key it does not know is
still shown (labelled as it is), so a new kind of event is never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l

from ..catalog.load import Catalog
from ..formatting import number, percent

ACTIONS: Mapping[str, Any] = {
    "user.created": _l("Account created"),
    "user.updated": _l("Account changed"),
    "user.role_changed": _l("Role changed"),
    "user.settings_changed": _l("Settings changed"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "calendar_token.created": _l("Calendar link created"),
    "calendar_token.revoked": _l("Calendar link revoked"),
    "quiz.essays_graded": _l("Quiz essays graded"),
    "quiz.regraded": _l("Quiz attempt graded again"),
    "readiness.cleared": _l("Cleared for clients"),
    "review.approved": _l("Role-play answer approved"),
    "review.needs_work": _l("Role-play answer sent back"),
    "review.claim_overridden": _l("Another mentor's claim overridden"),
    "review.reassigned": _l("Review handed to another mentor"),
    "review_pool.changed": _l("Review pool changed"),
    "signoff.signed": _l("Practical step signed off"),
    "signoff.revoked": _l("Sign-off revoked"),
    "signoff_request.approved": _l("Sign-off request approved"),
    "signoff_request.declined": _l("Sign-off request declined"),
    "schedule.start_moved": _l("Start date moved"),
    "schedule.paused": _l("Onboarding paused"),
    "schedule.resumed": _l("Onboarding resumed"),
    "content_change.redo": _l("Asked to redo a step whose content changed"),
    "content_change.minor": _l("A content change marked as minor for a hire"),
}

KEYS: Mapping[str, Any] = {
    "role": _l("role"),
    "name": _l("name"),
    "email": _l("e-mail"),
    "password": _l("password"),
    "is_active": _l("active"),
    "track": _l("track"),
    "mentor_id": _l("mentor"),
    "manager_id": _l("manager"),
    "started_on": _l("start date"),
    "locale": _l("language"),
    "timezone": _l("time zone"),
    "note": _l("note"),
    "reason": _l("reason"),
    "ready_since": _l("ready since"),
    "prefix": _l("token starts with"),
    "expires": _l("expires"),
    "quiz": _l("quiz"),
    "percent": _l("score"),
    "old_percent": _l("score before"),
    "new_percent": _l("score now"),
    "old_passed": _l("passed before"),
    "new_passed": _l("passed now"),
    "case": _l("case"),
    "title": _l("title"),
    "version": _l("version"),
    "score": _l("score"),
    "passing_score": _l("passing score"),
    "item": _l("practical step"),
    "from_mentor_id": _l("from mentor"),
    "to_mentor_id": _l("to mentor"),
    "added": _l("added"),
    "removed": _l("removed"),
    "from": _l("from"),
    "to": _l("to"),
    "starts_on": _l("from"),
    "resumes_on": _l("until"),
    "planned": _l("planned until"),
}

# Keys whose values are people's ids (shown as names) and slugs (shown as titles).
PEOPLE_KEYS = {"mentor_id", "manager_id", "from_mentor_id", "to_mentor_id", "added", "removed"}
PERCENT_KEYS = {"percent", "old_percent", "new_percent"}


@dataclass(frozen=True)
class Described:
    action: str
    details: tuple[tuple[str, str], ...]


def people_ids(events: Iterable[Any]) -> set[int]:
    """The ids of the people an events page names in its data (mentors of a pool, ...)."""
    found: set[int] = set()
    for event in events:
        for key, value in (event.data or {}).items():
            if key in PEOPLE_KEYS:
                values = value if isinstance(value, list) else [value]
                found |= {int(v) for v in values if isinstance(v, int) or str(v).isdigit()}
    return found


def _when(value: str) -> str | None:
    """An ISO date or timestamp the log keeps as text, in the reader's format."""
    try:
        if len(value) == 10:
            return str(format_date(date.fromisoformat(value), "medium"))
        return str(format_datetime(datetime.fromisoformat(value), "medium"))
    except ValueError:
        return None


def _title(key: str, value: str, cat: Catalog, track: str | None) -> str:
    if key == "track" and value in cat.tracks:
        return cat.tracks[value].title
    if key == "quiz" and value in cat.quizzes:
        return cat.quizzes[value].title
    if key == "case" and value in cat.roleplays:
        return cat.roleplays[value].title
    if key == "item" and track is not None and track in cat.tracks:
        step = cat.tracks[track].step("signoff", value)
        if step is not None and step.title:
            return step.title
    return value


def _value(key: str, value: Any, cat: Catalog, names: Mapping[int, str], track: str | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if key in PEOPLE_KEYS:
        values = value if isinstance(value, list) else [value]
        return ", ".join(names.get(int(v), "—") if str(v).isdigit() else str(v) for v in values)
    if isinstance(value, list):
        if len(value) == 2 and key not in {"added", "removed"}:
            # An account change: [before, after].
            return " → ".join(_value(key, v, cat, names, track) for v in value)
        return ", ".join(_value(key, v, cat, names, track) for v in value)
    if key in PERCENT_KEYS and isinstance(value, int | float):
        return percent(value)
    if isinstance(value, float):
        return number(value, 2)
    if key == "role":
        return str(
            {"hire": _l("new hire"), "mentor": _l("mentor"), "manager": _l("manager")}.get(
                str(value), _l("admin") if value == "admin" else str(value)
            )
        )
    if isinstance(value, str):
        when = _when(value) if value[:4].isdigit() and "-" in value else None
        if when is not None:
            return when
        return _title(key, value, cat, track)
    return str(value)


def describe(event: Any, cat: Catalog, names: Mapping[int, str]) -> Described:
    data: Mapping[str, Any] = event.data or {}
    track = data.get("track") if isinstance(data.get("track"), str) else None
    details = tuple(
        (str(KEYS.get(key, key)), _value(key, value, cat, names, track))
        for key, value in data.items()
    )
    label = ACTIONS.get(event.action)
    return Described(str(label) if label is not None else event.action, details)
