"""Readiness kept per hire: what the team views show, written with every event that changes
a hire's facts (``readiness.kept.refresh``), so that a page reads rows instead of evaluating
the whole team.

What a person reads is kept as data, never as text: steps, reasons and the next step are
codes with item kinds, slugs and numbers (``readiness.codes``), turned into words in the
reader's language when a page shows them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..auth.models import User
from ..db import Model, UTCDateTime


class KeptReadiness(Model):
    __tablename__ = "readiness_rows"
    __table_args__ = (
        # The summary cards and the status sort count and read these without the JSON.
        sa.Index("ix_readiness_rows_status_progress", "status", "progress"),
        sa.Index("ix_readiness_rows_first_open_due", "first_open_due"),
    )

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The track and catalog items the row was judged against (``kept.track_fingerprint``):
    # a row whose fingerprint is not the current one is stale until the rebuild reaches it.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(20))
    progress: Mapped[float] = mapped_column(sa.Float)
    steps_done: Mapped[int] = mapped_column(sa.Integer, default=0)
    steps_total: Mapped[int] = mapped_column(sa.Integer, default=0)
    # [{"kind", "slug", "done", "progress", "detail": {"code", "values"}, "reason": ...,
    #   "waiting": bool, "waiting_since", "done_at", "outdated": bool, "due_on"}]
    steps: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    # [{"code", "values"}]: why the hire is not ready, in track order.
    reasons: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    # Index into ``steps`` of the step to act on next, or None.
    next_step: Mapped[int | None] = mapped_column(sa.Integer)
    # The hire's pauses, [[starts_on, resumes_on or None]]: whether they are paused today.
    pauses: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    ready_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    days_to_ready: Mapped[int | None] = mapped_column(sa.Integer)
    # The earliest due date of a step not done: behind = before today (and scheduled).
    first_open_due: Mapped[date | None] = mapped_column(sa.Date)
    # Work handed in that waits for a mentor (quizzes with essays, role-plays).
    waiting_reviews: Mapped[int] = mapped_column(sa.Integer, default=0)
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)


# The dashboard pages a team by name in SQL: hires by name, then id (the keyset's tie-break).
USERS_BY_NAME = sa.Index("ix_users_role_name_id", User.role, User.name, User.id)
