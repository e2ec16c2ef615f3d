"""One-time links to choose a password: resets and invitations.

The link carries a random secret; only its SHA-256 hash is stored (``PasswordToken``), so
the database, a backup or a log of it cannot be used to take an account. A link works once
(a conditional UPDATE marks it used: two clicks at once set one password) and until it
expires: an hour for a reset, a week for an invitation. A newer link of the same purpose
replaces the older ones, and choosing a password ends every other link of the person.

Functions take the session and the time explicitly and never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from werkzeug.routing import Map

from ..audit.service import record_event
from ..db import DbSession, rowcount
from .models import PasswordToken, User
from .service import set_password

RESET_LIFETIME = timedelta(hours=1)
INVITATION_LIFETIME = timedelta(days=7)
LIFETIMES = {"reset": RESET_LIFETIME, "invitation": INVITATION_LIFETIME}
# "Forgot password?" mails one account at most this often per RESET_LIFETIME, so the form
# cannot be used to flood someone's mailbox.
RESETS_PER_HOUR = 3
ENDPOINT = "passwords.choose"


class LinkState(StrEnum):
    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REPLACED = "replaced"


class LinkError(ValueError):
    def __init__(self, state: LinkState) -> None:
        super().__init__(state.value)
        self.state = state


@dataclass(frozen=True)
class Link:
    token: PasswordToken
    user: User
    state: LinkState


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_link(
    session: DbSession,
    user: User,
    purpose: str,
    *,
    actor: User | None,
    now: datetime,
    audit: bool = True,
) -> tuple[PasswordToken, str]:
    """A new link for ``user``; the returned secret is stored nowhere and goes into one mail
    (or the CLI's output). Earlier live links of the same purpose stop working."""
    session.execute(
        sa.update(PasswordToken)
        .where(
            PasswordToken.user_id == user.id,
            PasswordToken.purpose == purpose,
            PasswordToken.used_at.is_(None),
            PasswordToken.replaced_at.is_(None),
        )
        .values(replaced_at=now)
        .execution_options(synchronize_session=False)
    )
    secret = secrets.token_urlsafe(32)
    token = PasswordToken(
        user_id=user.id,
        purpose=purpose,
        token_hash=hash_secret(secret),
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
        created_by_id=actor.id if actor else None,
    )
    session.add(token)
    session.flush()
    if audit:
        record_event(
            session,
            actor=actor,
            action="user.invited" if purpose == "invitation" else "user.password_link_created",
            now=now,
            subject=user,
            object_type="password_token",
            object_id=token.id,
            data={"expires": f"{token.expires_at:%Y-%m-%d %H:%M} UTC"},
        )
    return token, secret


def recent_resets(session: DbSession, user: User, now: datetime) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(PasswordToken)
            .where(
                PasswordToken.user_id == user.id,
                PasswordToken.purpose == "reset",
                PasswordToken.created_at > now - RESET_LIFETIME,
            )
        )
        or 0
    )


def state_of(token: PasswordToken, now: datetime) -> LinkState:
    if token.used_at is not None:
        return LinkState.USED
    if token.replaced_at is not None:
        return LinkState.REPLACED
    if token.expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.VALID


def find_link(session: DbSession, secret: str, now: datetime) -> Link | None:
    """The link with this secret and what it is worth now, or None for an unknown one."""
    if not secret or len(secret) > 200:
        return None
    row = session.execute(
        sa.select(PasswordToken, User)
        .join(User, User.id == PasswordToken.user_id)
        .where(PasswordToken.token_hash == hash_secret(secret))
    ).first()
    if row is None:
        return None
    token, user = row
    state = state_of(token, now)
    if state is LinkState.VALID and not user.is_active:
        state = LinkState.EXPIRED  # a deactivated account chooses no password
    return Link(token, user, state)


def latest_link(session: DbSession, user: User, purpose: str) -> PasswordToken | None:
    return session.scalar(
        sa.select(PasswordToken)
        .where(PasswordToken.user_id == user.id, PasswordToken.purpose == purpose)
        .order_by(PasswordToken.created_at.desc(), PasswordToken.id.desc())
        .limit(1)
    )


def redeem_link(session: DbSession, secret: str, password_hash: str, *, now: datetime) -> User:
    """Use the link to set the password (hashed by the caller, outside the write).

    Raises LinkError when the link is unknown, used, replaced or expired; of two uses at
    once, the database lets one through.
    """
    link = find_link(session, secret, now)
    if link is None:
        raise LinkError(LinkState.UNKNOWN)
    if link.state is not LinkState.VALID:
        raise LinkError(link.state)
    won = session.execute(
        sa.update(PasswordToken)
        .where(
            PasswordToken.id == link.token.id,
            PasswordToken.used_at.is_(None),
            PasswordToken.replaced_at.is_(None),
            PasswordToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(won) != 1:
        raise LinkError(LinkState.USED)
    end_links(session, link.user, now)
    is_invitation = link.token.purpose == "invitation"
    action = "user.invitation_accepted" if is_invitation else "user.password_reset"
    set_password(session, link.user, password_hash, actor=link.user, action=action, now=now)
    return link.user


def end_links(session: DbSession, user: User, now: datetime) -> None:
    """Every live link of the person stops working (a password was chosen)."""
    session.execute(
        sa.update(PasswordToken)
        .where(
            PasswordToken.user_id == user.id,
            PasswordToken.used_at.is_(None),
            PasswordToken.replaced_at.is_(None),
        )
        .values(replaced_at=now)
        .execution_options(synchronize_session=False)
    )


def link_url(config: Mapping[str, Any], url_map: Map, secret: str) -> str:
    """The link as a person opens it, under ``TRAINHUB_BASE_URL`` (the address people use)."""
    path = url_map.bind("localhost").build(ENDPOINT, {"token": secret})
    base = config.get("BASE_URL") or "http://127.0.0.1:{}".format(config.get("PORT") or 5000)
    return str(base).rstrip("/") + path
