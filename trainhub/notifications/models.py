"""Notices, their outbox of e-mails, and each person's choice of channel per kind."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime, utcnow

CHANNELS = ("app", "email", "digest", "off")
MAIL_STATUSES = ("pending", "sent", "failed")


class Notification(Model):
    """One notice to one person. ``key`` is unique per recipient, so the same event (a scan
    run twice, two hosts at once) inserts one row: the database decides, never a read."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("recipient_id", "key"),
        sa.CheckConstraint(sa.column("channel").in_(CHANNELS), name="channel_known"),
        # The centre's list and the nav's unread count read by this index alone.
        sa.Index("ix_notifications_inbox", "recipient_id", "read_at", "created_at"),
        # The digest step reads the notices that wait for a daily mail.
        sa.Index("ix_notifications_digest", "channel", "digest_mail_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(200))
    # The values the kind's text is rendered from, in the reader's language when shown.
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Where the notice leads: an endpoint and its arguments, turned into a URL when shown.
    endpoint: Mapped[str | None] = mapped_column(sa.String(80))
    endpoint_args: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The channel chosen when it was written: a later change of preference is not retroactive.
    channel: Mapped[str] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digest_mail_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbound_mails.id", ondelete="SET NULL")
    )


class OutboundMail(Model):
    """One e-mail to send: rendered when it is enqueued, in the recipient's language, with
    its Message-ID fixed then, so a copy sent twice is recognisably the same mail.

    ``trainhub notify`` claims pending rows with a lease (``claimed_by``/``claimed_until``):
    a run that dies leaves its lease to expire and another run sends the mail.
    """

    __tablename__ = "outbound_mails"
    __table_args__ = (
        sa.UniqueConstraint("dedupe_key"),
        sa.UniqueConstraint("message_id"),
        sa.CheckConstraint(sa.column("status").in_(MAIL_STATUSES), name="status_known"),
        sa.Index("ix_outbound_mails_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # "notice:<notification id>" or "digest:<person>:<day>": one mail per notice or day.
    dedupe_key: Mapped[str] = mapped_column(sa.String(200))
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    message_id: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(8), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))


class NotificationPreference(Model):
    """A person's channel for one kind; without a row, the kind's default applies."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind"),
        sa.CheckConstraint(sa.column("channel").in_(CHANNELS), name="channel_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    channel: Mapped[str] = mapped_column(sa.String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
