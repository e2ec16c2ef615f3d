"""Writing notices (``notify``), reading a person's inbox, and their channel preferences.

``notify`` is called inside the transaction of the event it tells about: the notice and, for
e-mail, its outbox row commit or roll back with the event. Nothing is sent here;
``trainhub notify`` sends the outbox (``delivery``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import make_msgid
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from ..auth.models import User
from ..db import DbSession, rowcount
from .kinds import KINDS, MAIL_OPEN, MAIL_SETTINGS, text, title_of
from .models import CHANNELS, Notification, NotificationPreference, OutboundMail

# Rows per INSERT: SQLite allows 32,766 bound values in a statement and an outbox row has
# ten. A scan's statements grow only past this many new notices in one run, not with hires.
CHUNK = 3000
PAGE_SIZE = 20


class UnknownKind(ValueError):
    pass


@dataclass(frozen=True)
class Draft:
    """A notice to write: ``key`` is unique per recipient (the same event twice is one)."""

    recipient_id: int
    kind: str
    key: str
    data: Mapping[str, Any] = field(default_factory=dict)
    endpoint: str | None = None
    endpoint_args: Mapping[str, Any] = field(default_factory=dict)


def notify(
    session: DbSession,
    *,
    recipient: User | int,
    kind: str,
    key: str,
    data: Mapping[str, Any],
    now: datetime,
    endpoint: str | None = None,
    endpoint_args: Mapping[str, Any] | None = None,
) -> bool:
    """Write one notice (and its e-mail, by the recipient's choice). True if it is new."""
    recipient_id = recipient if isinstance(recipient, int) else recipient.id
    draft = Draft(recipient_id, kind, key, data, endpoint, endpoint_args or {})
    return bool(notify_many(session, [draft], now=now))


def notify_many(session: DbSession, drafts: Sequence[Draft], *, now: datetime) -> list[int]:
    """Write many notices in a fixed number of statements; returns the new notices' ids.

    A draft whose key the recipient already has is dropped by the unique constraint, so a
    scan that runs twice, or on two hosts at once, writes each notice once.
    """
    for draft in drafts:
        if draft.kind not in KINDS:
            raise UnknownKind(draft.kind)
    if not drafts:
        return []
    people = _recipients(session, {d.recipient_id for d in drafts})
    rows = []
    for draft in drafts:
        person = people.get(draft.recipient_id)
        if person is None or not person.is_active:
            continue
        channel = person.channels.get(draft.kind, KINDS[draft.kind].default)
        if channel == "off":
            continue
        rows.append(
            {
                "recipient_id": draft.recipient_id,
                "kind": draft.kind,
                "key": draft.key[:200],
                "data": dict(draft.data),
                "endpoint": draft.endpoint,
                "endpoint_args": dict(draft.endpoint_args),
                "channel": channel,
                "created_at": now,
            }
        )
    new: list[tuple[int, int, str]] = []
    for start in range(0, len(rows), CHUNK):
        stmt = (
            insert_for(session, Notification)
            .values(rows[start : start + CHUNK])
            .on_conflict_do_nothing(index_elements=["recipient_id", "key"])
            .returning(Notification.id, Notification.recipient_id, Notification.key)
        )
        new.extend((r.id, r.recipient_id, r.key) for r in session.execute(stmt))
    by_key = {(r["recipient_id"], r["key"]): r for r in rows}
    mails = []
    for notification_id, recipient_id, key in new:
        row = by_key[(recipient_id, key)]
        if row["channel"] == "email":
            mails.append(_notice_mail(notification_id, people[recipient_id], row, now))
    for start in range(0, len(mails), CHUNK):
        session.execute(sa.insert(OutboundMail).values(mails[start : start + CHUNK]))
    return [n for n, _r, _k in new]


@dataclass(frozen=True)
class Recipient:
    id: int
    email: str
    locale: str
    is_active: bool
    channels: dict[str, str]


def _recipients(session: DbSession, ids: Iterable[int]) -> dict[int, Recipient]:
    """Each recipient's address, language and channel choices: one statement."""
    found: dict[int, Recipient] = {}
    rows = session.execute(
        sa.select(
            User.id,
            User.email,
            User.locale,
            User.is_active,
            NotificationPreference.kind,
            NotificationPreference.channel,
        )
        .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(User.id.in_(sorted(set(ids))))
    )
    for row in rows:
        person = found.setdefault(
            row.id, Recipient(row.id, row.email, row.locale or "en", row.is_active, {})
        )
        if row.kind is not None:
            person.channels[row.kind] = row.channel
    return found


def insert_for(session: DbSession, model: type[Any]) -> Any:
    """The dialect's INSERT, which has ON CONFLICT DO NOTHING / DO UPDATE."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def link_of(endpoint: str | None, args: Mapping[str, Any]) -> str | None:
    """A path inside the app, or None when the target no longer exists."""
    if not endpoint or endpoint not in current_app.view_functions:
        return None
    adapter = current_app.url_map.bind("localhost")
    try:
        return adapter.build(endpoint, dict(args))
    except Exception:  # noqa: BLE001 - a stored link that no longer builds leads nowhere
        return None


def absolute(path: str) -> str:
    """A link for an e-mail: under ``TRAINHUB_BASE_URL`` (the address people use)."""
    base = current_app.config.get("BASE_URL") or "http://127.0.0.1:{}".format(
        current_app.config.get("PORT") or 5000
    )
    return str(base).rstrip("/") + path


def message_id(label: str) -> str:
    sender = str(current_app.config.get("SMTP_FROM") or "trainhub@localhost")
    return make_msgid(idstring=label, domain=sender.rpartition("@")[2] or "localhost")


def mail_footer(locale: str) -> str:
    return text(MAIL_SETTINGS, locale, url=absolute(link_of("notifications.settings", {}) or "/"))


def _notice_mail(
    notification_id: int, person: Recipient, row: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    locale = person.locale
    title = title_of(row["kind"], row["data"], locale)
    lines = [title, ""]
    path = link_of(row["endpoint"], row["endpoint_args"])
    if path:
        lines += [text(MAIL_OPEN, locale, url=absolute(path)), ""]
    lines += ["-- ", mail_footer(locale)]
    return {
        "recipient_id": person.id,
        "dedupe_key": f"notice:{notification_id}",
        "to_address": person.email,
        "subject": f"[TrainHub] {title}"[:300],
        "body": "\n".join(lines) + "\n",
        "message_id": message_id(f"notice-{notification_id}"),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


# --- the inbox --------------------------------------------------------------------------


def unread_count(session: DbSession, user_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.recipient_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


@dataclass(frozen=True)
class Page:
    items: list[Notification]
    page: int
    pages: int
    total: int


def inbox(session: DbSession, user_id: int, page: int = 1, size: int = PAGE_SIZE) -> Page:
    """The person's notices, newest first, one page of them."""
    total = (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.recipient_id == user_id)
        )
        or 0
    )
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    items = session.scalars(
        sa.select(Notification)
        .where(Notification.recipient_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    return Page(list(items), page, pages, total)


def mark_read(
    session: DbSession, notification: Notification, *, actor: User, now: datetime
) -> None:
    """Read once: a second click keeps the first time."""
    session.execute(
        sa.update(Notification)
        .where(
            Notification.id == notification.id,
            Notification.recipient_id == actor.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )


def mark_all_read(session: DbSession, *, actor: User, up_to_id: int, now: datetime) -> int:
    """Everything the person had in front of them (ids up to ``up_to_id``), not a notice that
    arrived since the page was shown."""
    result = session.execute(
        sa.update(Notification)
        .where(
            Notification.recipient_id == actor.id,
            Notification.read_at.is_(None),
            Notification.id <= up_to_id,
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


# --- preferences ------------------------------------------------------------------------


def kinds_for(user: User) -> list[str]:
    return [slug for slug, kind in KINDS.items() if user.role in kind.roles]


def channels_of(session: DbSession, user: User) -> dict[str, str]:
    """The person's channel for each kind their role receives (defaults filled in)."""
    saved = dict(
        session.execute(
            sa.select(NotificationPreference.kind, NotificationPreference.channel).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {slug: saved.get(slug, KINDS[slug].default) for slug in kinds_for(user)}


def set_channels(
    session: DbSession, *, actor: User, choices: Mapping[str, str], now: datetime
) -> None:
    """Save the person's choices; an upsert, so a double click writes the same rows."""
    allowed = set(kinds_for(actor))
    for kind, channel in choices.items():
        if kind not in allowed or channel not in CHANNELS:
            raise ValueError(f"{kind}: {channel}")
        stmt = insert_for(session, NotificationPreference).values(
            user_id=actor.id, kind=kind, channel=channel, updated_at=now
        )
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["user_id", "kind"],
                set_={"channel": channel, "updated_at": now},
            )
        )
