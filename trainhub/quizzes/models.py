"""Learner history for quizzes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Model, UTCDateTime, utcnow

ATTEMPT_STATUSES = ("in_progress", "awaiting_grading", "graded")


class QuizAttempt(Model):
    __tablename__ = "quiz_attempts"
    # The attempt number is unique per hire and quiz, so concurrent starts cannot exceed the
    # attempts limit: the database refuses the second row with the same number.
    __table_args__ = (
        sa.UniqueConstraint("user_id", "quiz_slug", "number"),
        sa.CheckConstraint(sa.column("status").in_(ATTEMPT_STATUSES), name="status_known"),
        # Covers what readiness reads of every attempt (readiness.gather.gather_raw), so the
        # dashboard never reads the rows themselves, whose layout and answers are large.
        sa.Index(
            "ix_quiz_attempts_facts",
            "user_id",
            "quiz_slug",
            "number",
            "status",
            "percent",
            "quiz_hash",
            "submitted_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_slug: Mapped[str] = mapped_column(sa.String(100), index=True)
    quiz_hash: Mapped[str] = mapped_column(sa.String(64))
    number: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(20), default="in_progress")
    # The drawn questions and the order of their choices, fixed when the attempt starts.
    layout: Mapped[Any] = mapped_column(sa.JSON)
    answers: Mapped[Any | None] = mapped_column(sa.JSON)
    # Per-question points and feedback keys, computed by the server.
    results: Mapped[Any | None] = mapped_column(sa.JSON)
    score: Mapped[float | None] = mapped_column(sa.Float)
    max_score: Mapped[float | None] = mapped_column(sa.Float)
    percent: Mapped[float | None] = mapped_column(sa.Float)  # 0-100
    is_passed: Mapped[bool | None] = mapped_column(sa.Boolean)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The text the hire read: a translation's language and own content hash, both None when
    # it was the original. History belongs to the item (``quiz_hash``) whatever the language.
    text_language: Mapped[str | None] = mapped_column(sa.String(10))
    text_hash: Mapped[str | None] = mapped_column(sa.String(64))

    essay_grades: Mapped[list[EssayGrade]] = relationship(
        back_populates="attempt", lazy="raise_on_sql", order_by="EssayGrade.id"
    )


class EssayGrade(Model):
    """A mentor's points for one essay question of an attempt."""

    __tablename__ = "essay_grades"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str] = mapped_column(sa.String(100))
    mentor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    points: Mapped[float] = mapped_column(sa.Float)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    graded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="essay_grades")


class QuizRegrade(Model):
    """One attempt graded again after its quiz changed (``trainhub quiz regrade``): the score
    and layout it had before stay here beside the new ones, so nothing is silently changed."""

    __tablename__ = "quiz_regrades"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    regraded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    old_quiz_hash: Mapped[str] = mapped_column(sa.String(64))
    new_quiz_hash: Mapped[str] = mapped_column(sa.String(64))
    old_score: Mapped[float | None] = mapped_column(sa.Float)
    old_max_score: Mapped[float | None] = mapped_column(sa.Float)
    old_percent: Mapped[float | None] = mapped_column(sa.Float)
    old_is_passed: Mapped[bool | None] = mapped_column(sa.Boolean)
    new_score: Mapped[float | None] = mapped_column(sa.Float)
    new_max_score: Mapped[float | None] = mapped_column(sa.Float)
    new_percent: Mapped[float | None] = mapped_column(sa.Float)
    new_is_passed: Mapped[bool | None] = mapped_column(sa.Boolean)
    # The attempt's layout, answers and results as they were: the whole old grading.
    old_layout: Mapped[Any] = mapped_column(sa.JSON)
    old_answers: Mapped[Any | None] = mapped_column(sa.JSON)
    old_results: Mapped[Any | None] = mapped_column(sa.JSON)
    # Why the score moved: the questions whose points changed (English, for the CLI and log).
    reasons: Mapped[Any] = mapped_column(sa.JSON)
