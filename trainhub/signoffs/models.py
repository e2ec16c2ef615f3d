"""Sign-offs of practical track steps. Revoking one keeps its row as history."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime, utcnow


class SignOff(Model):
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
