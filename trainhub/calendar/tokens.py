"""Calendar feed tokens: made and shown once, stored as a SHA-256 hash, revocable.

A person has at most one live token: making a new one revokes the old, so "create" doubles
as "I shared my link by mistake, give me a new one". The feed URL holds the secret because
calendar programs cannot send a header or a cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa

from ..audit.service import record_event
from ..auth.models import User
from ..db import DbSession, rowcount
from .models import CalendarToken

SCHEME = "cal_"
# "cal_" and 43 URL-safe characters; anything else is refused before hashing.
MAX_LENGTH = 100


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def live_token(session: DbSession, owner: User) -> CalendarToken | None:
    return session.scalar(
        sa.select(CalendarToken).where(
            CalendarToken.user_id == owner.id, CalendarToken.revoked_at.is_(None)
        )
    )


def _revoke_all(session: DbSession, owner: User, now: datetime) -> int:
    result = session.execute(
        sa.update(CalendarToken)
        .where(CalendarToken.user_id == owner.id, CalendarToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return rowcount(result)


def create_feed_token(session: DbSession, owner: User, *, actor: User, now: datetime) -> str:
    """A new feed secret for ``owner`` (the old one stops working); never stored."""
    _revoke_all(session, owner, now)
    secret = SCHEME + secrets.token_urlsafe(32)
    token = CalendarToken(user_id=owner.id, token_hash=hash_token(secret), created_at=now)
    session.add(token)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="calendar_token.created",
        now=now,
        subject=owner,
        object_type="calendar_token",
        object_id=token.id,
    )
    return secret


def revoke_feed_token(session: DbSession, owner: User, *, actor: User, now: datetime) -> bool:
    """Stop the owner's feed URL from working; False when there was none."""
    if not _revoke_all(session, owner, now):
        return False
    record_event(
        session,
        actor=actor,
        action="calendar_token.revoked",
        now=now,
        subject=owner,
        object_type="calendar_token",
    )
    return True


def owner_of(session: DbSession, secret: str) -> User | None:
    """The active owner of a live token, or None for a wrong, revoked or orphan one."""
    if not secret.startswith(SCHEME) or len(secret) > MAX_LENGTH:
        return None
    return session.scalar(
        sa.select(User)
        .join(CalendarToken, CalendarToken.user_id == User.id)
        .where(
            CalendarToken.token_hash == hash_token(secret),
            CalendarToken.revoked_at.is_(None),
            User.is_active.is_(True),
        )
    )
