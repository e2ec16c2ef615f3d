"""Writing and reading audit events. Callers pass the session and the time; this never commits.

``audit`` sits below the features that write events (accounts, reviews, sign-offs, tokens), so
it knows people only as ids: an ``Actor`` is anything with an ``id``, and the log page reads
names from the ``users`` table by name rather than through the account model.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa

from ..db import DbSession
from .models import AuditEvent

PAGE = 100

# The columns of the accounts table that the log shows; the table itself belongs to ``auth``.
_people = sa.table("users", sa.column("id", sa.Integer), sa.column("name", sa.String))


class Actor(Protocol):
    """Whoever did it, or whom it is about: only the id is recorded."""

    @property
    def id(self) -> int: ...


def record_event(
    session: DbSession,
    *,
    actor: Actor | None,
    action: str,
    now: datetime,
    subject: Actor | None = None,
    object_type: str | None = None,
    object_id: object = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_id=subject.id if subject else None,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        data=data or {},
        created_at=now,
    )
    session.add(event)
    return event


def events_page(
    session: DbSession, before: int | None = None, size: int = PAGE
) -> list[tuple[AuditEvent, str | None, str | None]]:
    """Up to ``size`` events, newest first, older than event ``before`` when given, each with
    the names of its actor and subject (None once an account is gone)."""
    actor, subject = _people.alias("actor"), _people.alias("subject")
    query = (
        sa.select(AuditEvent, actor.c.name, subject.c.name)
        .outerjoin(actor, actor.c.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.c.id == AuditEvent.subject_id)
        .order_by(AuditEvent.id.desc())
        .limit(size)
    )
    if before:
        query = query.where(AuditEvent.id < before)
    return [(event, actor, subject) for event, actor, subject in session.execute(query)]
