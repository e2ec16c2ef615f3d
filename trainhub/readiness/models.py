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
        # The oldest wait on the cards walks this in order and stops at the first in scope.
        sa.Index("ix_readiness_rows_waiting_since", "waiting_since"),
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
    # What this row added to the tallies (``readiness.tallies.contribution``), taken off
    # exactly when the row changes; None: it adds nothing (not a hire any more).
    tallied: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


# The dashboard pages a team by name in SQL: hires by name, then id (the keyset's tie-break).
USERS_BY_NAME = sa.Index("ix_users_role_name_id", User.role, User.name, User.id)


# --- the tallies: counts of kept rows, so the cards and charts read a few rows -------------
# Each kept row adds itself to one ``readiness_tallies`` row (by what the views scope, filter
# and group by) and to a few ``readiness_day_tallies`` rows (the days on which it starts or
# stops being behind or paused, and the day its oldest wait began). What it added is kept in
# ``readiness_rows.tallied``, so a refresh takes exactly that off before adding the new one.
# ``readiness.tallies`` keeps them; ``trainhub readiness rebuild`` recounts them.


class _TallyKey:
    """The columns a tally is counted by: the person's (as ``auth.scope`` and the filters
    ask them) and the kept row's. ``key`` is all of them as one JSON text, unique, so an
    upsert can add to the row."""

    key: Mapped[str] = mapped_column(sa.String(500), unique=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    is_active: Mapped[bool] = mapped_column(sa.Boolean)
    manager_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    mentor_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    track: Mapped[str | None] = mapped_column(sa.String(100))
    start_month: Mapped[str | None] = mapped_column(sa.String(7))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(20))
    is_cleared: Mapped[bool] = mapped_column(sa.Boolean)
    is_scheduled: Mapped[bool] = mapped_column(sa.Boolean)
    days_to_ready: Mapped[int | None] = mapped_column(sa.Integer)


class ReadinessTally(_TallyKey, Model):
    __tablename__ = "readiness_tallies"

    id: Mapped[int] = mapped_column(primary_key=True)
    hires: Mapped[int] = mapped_column(sa.Integer, default=0)
    waiting_reviews: Mapped[int] = mapped_column(sa.Integer, default=0)


class ReadinessDayTally(_TallyKey, Model):
    """Changes by day: ``behind`` and ``paused`` are +1 on the day a hire starts being so and
    -1 on the day they stop (the count today is the sum up to today); ``waiting`` is +1 on
    the day the hire's oldest wait for a mentor began."""

    __tablename__ = "readiness_day_tallies"
    __table_args__ = (sa.Index("ix_readiness_day_tallies_kind_day", "kind", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    day: Mapped[date] = mapped_column(sa.Date)
    n: Mapped[int] = mapped_column(sa.Integer, default=0)
