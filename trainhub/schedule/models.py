"""Pauses of a hire's onboarding (leave, sickness): days that do not count toward due dates."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime, utcnow


class SchedulePause(Model):
    """From ``starts_on`` to the day before ``resumes_on`` no onboarding day counts; an open
    pause (no ``resumes_on``) stops the hire's schedule until it is ended. Ending a pause sets
    ``resumes_on``; the row and its reason stay as history."""

    __tablename__ = "schedule_pauses"
    __table_args__ = (
        sa.CheckConstraint(
            "resumes_on IS NULL OR resumes_on > starts_on", name="resumes_after_start"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    resumes_on: Mapped[date | None] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
