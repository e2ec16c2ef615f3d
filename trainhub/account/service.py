"""Saving a person's own settings. Takes the session, the actor and the time; never commits."""

from __future__ import annotations

from datetime import datetime

from ..audit.service import record_event
from ..auth.models import User
from ..db import DbSession
from ..language import LANGUAGES
from ..zones import is_zone


class SettingsError(ValueError):
    pass


def save_settings(
    session: DbSession,
    person: User,
    *,
    time_zone: str | None,
    locale: str | None,
    actor: User,
    now: datetime,
) -> bool:
    """Store the person's time zone (None: their browser's) and language (None: their
    browser's). Returns whether anything changed."""
    if time_zone is not None and not is_zone(time_zone):
        raise SettingsError(f"unknown time zone {time_zone!r}")
    if locale is not None and locale not in LANGUAGES:
        raise SettingsError(f"unknown language {locale!r}")
    changes = {
        name: [getattr(person, name), value]
        for name, value in (("time_zone", time_zone), ("locale", locale))
        if getattr(person, name) != value
    }
    for name, (_old, value) in changes.items():
        setattr(person, name, value)
    if changes:
        record_event(
            session,
            actor=actor,
            action="user.settings_changed",
            now=now,
            subject=person,
            object_type="user",
            object_id=person.id,
            data=changes,
        )
    return bool(changes)
