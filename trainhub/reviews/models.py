"""Mentors' reviews of role-play answers and sign-offs of practical steps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, db, utcnow

DECISIONS = ("approved", "needs_work")


class Review(db.Model):
    __tablename__ = "reviews"
    # One decision per submitted version: two mentors deciding at once cannot both win.
    __table_args__ = (
        sa.UniqueConstraint("submission_id"),
        sa.CheckConstraint(sa.column("decision").in_(DECISIONS), name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roleplay_submissions.id", ondelete="CASCADE")
    )
    mentor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # {criterion_key: {"level": 1-4, "comment": "..."}} as given by the mentor.
    scores: Mapped[Any] = mapped_column(sa.JSON)
    score: Mapped[float] = mapped_column(sa.Float)  # weighted, computed by the server
    passing_score: Mapped[float] = mapped_column(sa.Float)  # the case's, at review time
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    decision: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignOff(db.Model):
    """A practical track item confirmed by a mentor. Revoking keeps the row."""

    __tablename__ = "signoffs"
    __table_args__ = (
        # At most one live sign-off per hire and item; revoked ones stay as history.
        sa.Index(
            "uq_signoffs_live",
            "user_id",
            "item_key",
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    track: Mapped[str] = mapped_column(sa.String(64))
    item_key: Mapped[str] = mapped_column(sa.String(100))
    # The version of the track file the item was signed against.
    track_hash: Mapped[str] = mapped_column(sa.String(64))
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    revoke_note: Mapped[str | None] = mapped_column(sa.Text)
