"""Learner history for role-play cases: versions of an answer, their attachments, and the
mentor's review of each version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Model, UTCDateTime, utcnow

SUBMISSION_STATUSES = ("draft", "submitted", "needs_work", "approved")
DECISIONS = ("approved", "needs_work")


class RoleplaySubmission(Model):
    """One version of a hire's answer to a case. Submitting freezes it; a resubmission is a
    new version, so every version a mentor reviewed stays as it was."""

    __tablename__ = "roleplay_submissions"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "case_slug", "version"),
        sa.CheckConstraint(sa.column("status").in_(SUBMISSION_STATUSES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    case_slug: Mapped[str] = mapped_column(sa.String(100), index=True)
    case_hash: Mapped[str] = mapped_column(sa.String(64))
    version: Mapped[int] = mapped_column(sa.Integer)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A mentor's claim on a submitted version: a lease, not a lock. It is live while
    # claimed_until is in the future; an expired one puts the answer back in the queue
    # without anyone having to clear it (see claims.py). The holder is a plain user id, not a
    # foreign key: SQLite adds such a column to a table in place, while a new foreign key
    # means rebuilding the table, and dropping the old one would cascade to every review.
    # A claim is short-lived, and people are deactivated, not deleted.
    claimed_by_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The text the hire read: a translation's language and own content hash, both None when
    # it was the original. History belongs to the item (``case_hash``) whatever the language.
    text_language: Mapped[str | None] = mapped_column(sa.String(10))
    text_hash: Mapped[str | None] = mapped_column(sa.String(64))

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="submission", lazy="raise_on_sql", order_by="Attachment.id"
    )


class Attachment(Model):
    """A file stored outside static/ under a random name; served only as a download."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roleplay_submissions.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[RoleplaySubmission] = relationship(back_populates="attachments")


class Review(Model):
    """A mentor's decision on one submitted version, scored against the case's rubric."""

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


class ReviewPoolMember(Model):
    """A manager's review pool: mentors who may take any answer of that manager's hires.

    A department reads it as "these mentors cover my team": the hire's own mentor comes
    first, and when they are away (or the hire has none) anyone in the pool picks it up.
    """

    __tablename__ = "review_pool_members"
    __table_args__ = (sa.UniqueConstraint("manager_id", "mentor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
