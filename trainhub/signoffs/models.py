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


REQUEST_STATUSES = ("open", "approved", "declined")


class SignOffRequest(Model):
    """A hire asking for a practical step to be signed off, with a note or a file.

    Deciding it keeps the row (approved links the SignOff it made; declined keeps the
    reason), so asking again after a decline is a new row and the history reads in order.
    """

    __tablename__ = "signoff_requests"
    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(REQUEST_STATUSES), name="status_known"),
        # One open request per hire and item: a double click asks once.
        sa.Index(
            "uq_signoff_requests_open",
            "user_id",
            "item_key",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    track: Mapped[str] = mapped_column(sa.String(64))
    item_key: Mapped[str] = mapped_column(sa.String(100))
    track_hash: Mapped[str] = mapped_column(sa.String(64))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # Evidence file, checked like role-play attachments (uploads.py); all None without one.
    file_name: Mapped[str | None] = mapped_column(sa.String(255))
    stored_name: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    size: Mapped[int | None] = mapped_column(sa.Integer)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    signoff_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("signoffs.id", ondelete="SET NULL")
    )
