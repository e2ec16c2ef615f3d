"""Sending password links by e-mail, through the notifications outbox.

The mail is written into ``outbound_mails`` in the transaction that made the link, in the
recipient's language, and ``trainhub notify`` sends it. Its dedupe key starts with
``secret:``: the sender removes the body (the only copy of the link) once the mail is sent
or given up on, so the database keeps the link's hash and nothing else.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date, format_time
from flask import current_app

from ..auth.links import RESETS_PER_HOUR, issue_link, link_url, recent_resets
from ..auth.models import User
from ..db import DbSession
from ..messages import N_
from ..notifications.kinds import text
from ..notifications.models import OutboundMail
from ..notifications.service import message_id

RESET_SUBJECT = N_("Choose a new password for TrainHub")
RESET_BODY = N_(
    "Someone, probably you, asked to choose a new password for %(email)s on TrainHub.\n"
    "\n"
    "Open this link to choose it. It works once, until %(until)s:\n"
    "%(url)s\n"
    "\n"
    "If it was not you, ignore this mail: your password stays as it is."
)
INVITATION_SUBJECT = N_("You are invited to TrainHub")
INVITATION_BODY = N_(
    "%(inviter)s added you to TrainHub, where the sales department's onboarding happens.\n"
    "\n"
    "Open this link to choose your password. It works once, until %(until)s:\n"
    "%(url)s\n"
    "\n"
    "You sign in with your e-mail address: %(email)s"
)


def _enqueue(
    session: DbSession,
    user: User,
    token_id: int,
    secret: str,
    *,
    subject: str,
    body: str,
    expires_at: datetime,
    now: datetime,
    inviter: str = "",
) -> None:
    locale = user.locale or "en"
    values = {
        "email": user.email,
        "url": link_url(current_app.config, current_app.url_map, secret),
        "until": _when(expires_at, _zone(user), locale),
        "inviter": inviter,
    }
    session.execute(
        sa.insert(OutboundMail).values(
            recipient_id=user.id,
            dedupe_key=f"secret:password:{token_id}",
            to_address=user.email,
            subject=f"[TrainHub] {text(subject, locale)}"[:300],
            body=text(body, locale, **values) + "\n",
            message_id=message_id(f"password-{token_id}"),
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


def _when(moment: datetime, zone: ZoneInfo, locale: str) -> str:
    """ "9 December 2026, 14:05 (Europe/Kyiv)": a mail is read later, perhaps elsewhere."""
    local = moment.astimezone(zone)
    day = format_date(local, "long", locale=locale)
    return f"{day}, {format_time(local, 'short', locale=locale)} ({zone.key})"


def _zone(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.time_zone or str(current_app.config.get("COMPANY_TIMEZONE") or "UTC"))
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def send_invitation(session: DbSession, user: User, *, actor: User, now: datetime) -> None:
    """Invite ``user`` to choose a password (a new account, or the invitation sent again)."""
    token, secret = issue_link(session, user, "invitation", actor=actor, now=now)
    _enqueue(
        session,
        user,
        token.id,
        secret,
        subject=INVITATION_SUBJECT,
        body=INVITATION_BODY,
        expires_at=token.expires_at,
        now=now,
        inviter=actor.name,
    )


def send_reset(
    session: DbSession, user: User, *, actor: User | None, now: datetime, audit: bool
) -> bool:
    """Mail ``user`` a link to choose a new password; False (and nothing sent) when they had
    RESETS_PER_HOUR of them within the hour already."""
    if recent_resets(session, user, now) >= RESETS_PER_HOUR:
        return False
    token, secret = issue_link(session, user, "reset", actor=actor, now=now, audit=audit)
    _enqueue(
        session,
        user,
        token.id,
        secret,
        subject=RESET_SUBJECT,
        body=RESET_BODY,
        expires_at=token.expires_at,
        now=now,
    )
    return True
