"""People: hires, mentors, managers and admins."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Model, UTCDateTime, utcnow


class Role(StrEnum):
    HIRE = "hire"
    MENTOR = "mentor"
    MANAGER = "manager"
    ADMIN = "admin"


ROLES = tuple(r.value for r in Role)


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint(sa.column("role").in_(ROLES), name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: e-mail addresses are compared case-insensitively.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), default=Role.HIRE.value)
    track: Mapped[str | None] = mapped_column(sa.String(64))
    mentor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    manager_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    started_on: Mapped[date | None] = mapped_column(sa.Date)
    # Shadows UserMixin.is_active: Flask-Login refuses inactive accounts.
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # Part of the session cookie's user id; bumping it signs the person out everywhere.
    session_version: Mapped[int] = mapped_column(sa.Integer, default=1)
    # Bumped when what a credential was granted under changes (role, password, e-mail, active):
    # API tokens carry the version they were made under and die with it, for good.
    credentials_version: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # An IANA zone ("Europe/Kyiv") for showing times; None: the browser's, else the company's.
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mentor: Mapped[User | None] = relationship(
        remote_side=[id], foreign_keys=[mentor_id], lazy="raise_on_sql"
    )
    manager: Mapped[User | None] = relationship(
        remote_side=[id], foreign_keys=[manager_id], lazy="raise_on_sql"
    )

    @property
    def has_password(self) -> bool:
        """False for an invited person who has not chosen a password yet (no hash to check)."""
        return "$" in self.password_hash

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_hire(self) -> bool:
        return self.role == Role.HIRE

    @property
    def is_mentor(self) -> bool:
        return self.role == Role.MENTOR

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class LoginFailure(Model):
    """Failed sign-ins (and attempts still being checked), kept in the database so the limit
    holds across workers and hosts."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(300), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Who was tried from where, so that the address's limit counts distinct accounts and an
    # operator can clear one account's or one address's rows exactly (``users unlock``,
    # ``ratelimit clear``). Null on rows written before these columns existed.
    account: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    address: Mapped[str | None] = mapped_column(sa.String(64), index=True)


class LoginThrottle(Model):
    """One row per throttle key, locked by each sign-in attempt while it counts and reserves
    its failures: parallel attempts on one key are counted one after another, so a burst
    cannot check more passwords than the limit allows (READ COMMITTED alone would let every
    attempt of the burst count the same number)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    touched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


TOKEN_PURPOSES = ("reset", "invitation")


class PasswordToken(Model):
    """A one-time link to choose a password: a reset ("Forgot password?", ``users
    reset-password``) or an invitation (an admin added the person). Only the SHA-256 hash of
    the link's secret is stored; the link works once (``used_at`` is set by a conditional
    UPDATE) and until ``expires_at``."""

    __tablename__ = "password_tokens"
    __table_args__ = (
        sa.CheckConstraint(sa.column("purpose").in_(TOKEN_PURPOSES), name="purpose_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A newer link of the same purpose replaces this one (only the last mail works).
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
