"""Writing audit events. Callers pass the session and the time; this never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..auth.models import User
from .models import AuditEvent


def record_event(
    session: Session,
    *,
    actor: User | None,
    action: str,
    now: datetime,
    subject: User | None = None,
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
