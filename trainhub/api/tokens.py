"""API tokens: created and shown once, stored as a SHA-256 hash, checked, revoked.

A token is ``th_`` followed by 43 URL-safe characters (32 random bytes). Only its hash and
its first characters (to tell tokens apart in a listing) are stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..audit.service import record_event
from ..auth.models import User
from ..db import DbSession
from .models import ApiToken

SCHEME = "th_"
PREFIX_LENGTH = 12
# last_used_at is a hint for whoever cleans up tokens; writing it on every call would turn
# each read into a write.
TOUCH_EVERY = timedelta(minutes=5)


class TokenError(ValueError):
    pass


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


DEFAULT_LIFETIME = timedelta(days=90)


def create_token(
    session: DbSession,
    owner: User,
    *,
    name: str,
    actor: User | None,
    now: datetime,
    lifetime: timedelta = DEFAULT_LIFETIME,
) -> tuple[ApiToken, str]:
    """A new token for ``owner``, valid for ``lifetime``; the returned secret is never stored
    and cannot be shown again."""
    secret = SCHEME + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=owner.id,
        name=name[:100],
        token_hash=hash_token(secret),
        prefix=secret[:PREFIX_LENGTH],
        created_at=now,
        expires_at=now + lifetime,
        credentials_version=owner.credentials_version,
    )
    session.add(token)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="api_token.created",
        now=now,
        subject=owner,
        object_type="api_token",
        object_id=token.id,
        data={"name": token.name, "prefix": token.prefix, "expires": f"{now + lifetime:%Y-%m-%d}"},
    )
    return token, secret


def verify_token(session: DbSession, secret: str, now: datetime) -> tuple[ApiToken, User] | None:
    """The live token and its active owner, or None for a wrong, revoked, expired or orphan
    token, or one made before its owner's role, password, e-mail or activity changed."""
    if not secret.startswith(SCHEME) or len(secret) > 200:
        return None
    row = session.execute(
        sa.select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.token_hash == hash_token(secret),
            ApiToken.revoked_at.is_(None),
            sa.or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
            ApiToken.credentials_version == User.credentials_version,
            User.is_active.is_(True),
        )
    ).first()
    return (row[0], row[1]) if row else None


def needs_touch(token: ApiToken, now: datetime) -> bool:
    return token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY


def touch_statement(token_id: int, now: datetime) -> sa.Update:
    return sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)


def find_token(session: DbSession, ref: str) -> ApiToken:
    """A token by its id or by the start of its prefix (as ``list`` shows it)."""
    ref = ref.strip()
    if ref.isdigit():
        token = session.get(ApiToken, int(ref))
        if token is None:
            raise TokenError(f"no token with id {ref}")
        return token
    if len(ref) < 4:
        raise TokenError("give the token's id or at least 4 characters of its prefix")
    matches = list(
        session.scalars(sa.select(ApiToken).where(ApiToken.prefix.startswith(ref, autoescape=True)))
    )
    if not matches:
        raise TokenError(f"no token whose prefix starts with {ref!r}")
    if len(matches) > 1:
        ids = ", ".join(str(t.id) for t in matches)
        raise TokenError(f"{ref!r} matches several tokens (ids {ids}); give the id")
    return matches[0]


def revoke_token(session: DbSession, token: ApiToken, *, actor: User | None, now: datetime) -> bool:
    """Revoke a token; False if it already was. The row stays, for the record."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now
    record_event(
        session,
        actor=actor,
        action="api_token.revoked",
        now=now,
        subject=session.get(User, token.user_id),
        object_type="api_token",
        object_id=token.id,
        data={"prefix": token.prefix},
    )
    return True


def token_state(token: ApiToken, owner: User, now: datetime) -> str:
    """Why a token works or does not, for ``api-token list``."""
    if token.revoked_at is not None:
        return f"revoked {token.revoked_at:%Y-%m-%d}"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    if token.credentials_version != owner.credentials_version:
        return "ended (owner's role, password, e-mail or activity changed)"
    if not owner.is_active:
        return "owner deactivated"
    return "active"


def list_tokens(session: DbSession) -> list[tuple[ApiToken, User]]:
    rows = session.execute(
        sa.select(ApiToken, User).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
    ).all()
    return [(t, u) for t, u in rows]
