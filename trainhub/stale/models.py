"""A mentor's or manager's decision about a change to content a hire had done."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime, utcnow

KINDS = ("lesson", "quiz", "roleplay")
VERDICTS = ("redo", "minor")


class StaleDecision(Model):
    """ "Redo it" or "the change is minor", for one hire, one item and one version of it.

    The hire's records stay as they were: a redo makes the step count as not done until the
    hire does it again (a lesson read again sets ``redone_at``; a quiz passed or a case
    approved after ``decided_at`` does it by itself), and "minor" stops the flag for this
    version. One row per hire, item and version: a double click is one decision.
    """

    __tablename__ = "stale_decisions"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "item", "version"),
        sa.CheckConstraint(sa.column("kind").in_(KINDS), name="kind_known"),
        sa.CheckConstraint(sa.column("verdict").in_(VERDICTS), name="verdict_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # A lesson is "course/lesson"; a quiz or a case is its slug.
    item: Mapped[str] = mapped_column(sa.String(201))
    # The item's version (``catalog.versions``) the decision is about.
    version: Mapped[str] = mapped_column(sa.String(64))
    verdict: Mapped[str] = mapped_column(sa.String(10))
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A lesson to read again has no new completion row (one per hire and lesson): the hire's
    # second reading is kept here, with the version read.
    redone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    redone_version: Mapped[str | None] = mapped_column(sa.String(64))
