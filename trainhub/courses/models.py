"""Learner history for courses."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime, utcnow


class LessonCompletion(Model):
    __tablename__ = "lesson_completions"
    # One row per hire and lesson: a double click or a second tab cannot add another.
    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_slug", "lesson_slug"),
        # Covers what readiness reads of every completion (readiness.gather.gather_raw).
        sa.Index(
            "ix_lesson_completions_facts",
            "user_id",
            "course_slug",
            "completed_at",
            "lesson_slug",
            "lesson_hash",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(sa.String(100))
    lesson_slug: Mapped[str] = mapped_column(sa.String(100))
    # The version of the lesson file the hire read.
    lesson_hash: Mapped[str] = mapped_column(sa.String(64))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The text the hire read: a translation's language and own content hash, both None when
    # it was the original. History belongs to the item (``lesson_hash``) whatever the language.
    text_language: Mapped[str | None] = mapped_column(sa.String(10))
    text_hash: Mapped[str | None] = mapped_column(sa.String(64))
