"""API tokens: shown once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Model, UTCDateTime, utcnow


class ApiToken(Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    # A token is 32 random bytes, so an unsalted SHA-256 is enough to make a leak useless.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))  # shown in listings to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None only for tokens made before tokens expired (the migration gave them a date).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The owner's credentials version when the token was made (User.credentials_version).
    credentials_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
