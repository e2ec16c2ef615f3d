"""The audit log: append-only, and chained (``chain.py``). Nothing in the code updates or
deletes an event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime, utcnow


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(50), index=True)  # e.g. "review.approved"
    subject_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )  # the person it is about
    object_type: Mapped[str | None] = mapped_column(sa.String(50))
    object_id: Mapped[str | None] = mapped_column(sa.String(100))
    data: Mapped[Any] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The chain: the previous event's hash, and this event's over its content and that one.
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    hash: Mapped[str | None] = mapped_column(sa.String(64))


class AuditHead(Model):
    """The newest event's hash, in one row. Every writer locks this row before it chains an
    event, so concurrent transactions append one after another instead of forking the chain
    (on PostgreSQL; SQLite serializes write transactions anyway)."""

    __tablename__ = "audit_heads"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(sa.String(64))
