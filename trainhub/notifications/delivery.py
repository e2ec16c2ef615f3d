"""Sending the outbox: what ``trainhub notify`` does after its scans.

Each mail goes through three steps, each its own short transaction, none open while SMTP
talks:

1. *claim*: a conditional UPDATE gives a batch of due, unclaimed rows a lease
   (``claimed_by``, ``claimed_until``). On PostgreSQL the rows are picked ``FOR UPDATE SKIP
   LOCKED`` and the UPDATE re-checks that they are still unclaimed; on SQLite the write
   transaction (BEGIN IMMEDIATE) serializes claimers. Two runs never hold the same row.
2. *send* through SMTP with the Message-ID fixed at enqueue time.
3. *record*, right after the server accepted it: ``status = 'sent'``, only while the lease is
   this run's.

A run that dies after 1 leaves a lease that expires; another run sends those mails. A run that
dies between 2 and 3 has sent a mail it did not record: the next run sends it again, with
the same Message-ID. That instant is the only way a notice is mailed twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date

from ..auth.models import User
from ..db import DbSession, rowcount
from ..mail import Mail, MailFailure, compose, connection, transmit
from .kinds import DIGEST_INTRO, DIGEST_SUBJECT, text, title_of
from .models import Notification, OutboundMail
from .service import Draft, absolute, insert_for, link_of, mail_footer, message_id, notify_many

Checkpoint = Callable[[str], None]


def _no_checkpoint(_name: str) -> None:
    return None


@dataclass(frozen=True)
class Settings:
    lease: timedelta = timedelta(minutes=10)
    batch: int = 50
    max_attempts: int = 8
    first_retry: timedelta = timedelta(minutes=1)
    max_retry: timedelta = timedelta(hours=6)
    digest_hour: int = 7  # UTC hour from which the day's digest goes out

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        return cls(
            lease=timedelta(seconds=int(config.get("NOTIFY_LEASE_SECONDS") or 600)),
            batch=int(config.get("NOTIFY_BATCH") or 50),
            max_attempts=int(config.get("NOTIFY_MAX_ATTEMPTS") or 8),
            first_retry=timedelta(seconds=int(config.get("NOTIFY_RETRY_SECONDS") or 60)),
            digest_hour=int(config.get("NOTIFY_DIGEST_HOUR") or 7),
        )


def backoff(settings: Settings, attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failure, at most ``max_retry``."""
    return min(settings.first_retry * (1 << min(max(0, attempts - 1), 20)), settings.max_retry)


@dataclass
class Report:
    sent: int = 0
    retrying: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (address, reason)
    lost_lease: int = 0


# --- digests ----------------------------------------------------------------------------


def enqueue_digests(session: DbSession, *, now: datetime, settings: Settings) -> int:
    """One mail per person per day with the notices they chose to get in a daily digest.

    The mail's key is the person and the day, so two runs write one; a notice that arrives
    after the day's digest went out waits for the next day's.
    """
    if now.hour < settings.digest_hour:
        return 0
    rows = session.execute(
        sa.select(Notification, User.email, User.locale)
        .join(User, User.id == Notification.recipient_id)
        .where(
            Notification.channel == "digest",
            Notification.digest_mail_id.is_(None),
            Notification.created_at <= now,
            User.is_active.is_(True),
        )
        .order_by(Notification.recipient_id, Notification.created_at, Notification.id)
    ).all()
    if not rows:
        return 0
    day = now.date().isoformat()
    per_person: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        per_person[row.Notification.recipient_id].append(row)
    mails = []
    for person_id, notices in per_person.items():
        locale = notices[0].locale or "en"
        lines = [text(DIGEST_INTRO, locale), ""]
        for row in notices:
            n = row.Notification
            lines.append("- " + title_of(n.kind, n.data, locale))
            path = link_of(n.endpoint, n.endpoint_args)
            if path:
                lines.append("  " + absolute(path))
        lines += ["", "-- ", mail_footer(locale)]
        subject = text(DIGEST_SUBJECT, locale, day=format_date(now.date(), "long", locale=locale))
        mails.append(
            {
                "recipient_id": person_id,
                "dedupe_key": f"digest:{person_id}:{day}",
                "to_address": notices[0].email,
                "subject": f"[TrainHub] {subject}"[:300],
                "body": "\n".join(lines) + "\n",
                "message_id": message_id(f"digest-{person_id}-{day}"),
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    new = session.execute(
        insert_for(session, OutboundMail)
        .values(mails)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboundMail.id, OutboundMail.recipient_id)
    ).all()
    mail_of = {r.recipient_id: r.id for r in new}
    if mail_of:
        ids = [r.Notification.id for r in rows if r.Notification.recipient_id in mail_of]
        session.execute(
            sa.update(Notification)
            .where(Notification.id.in_(ids))
            .values(digest_mail_id=sa.case(mail_of, value=Notification.recipient_id, else_=None))
            .execution_options(synchronize_session=False)
        )
    return len(new)


# --- claim, send, record ----------------------------------------------------------------


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        OutboundMail.status == "pending",
        OutboundMail.next_attempt_at <= now,
        sa.or_(OutboundMail.claimed_until.is_(None), OutboundMail.claimed_until < now),
    )


def claim(
    session: DbSession, *, worker: str, now: datetime, settings: Settings
) -> list[OutboundMail]:
    """Lease a batch of due mails to ``worker`` and return them (the caller commits)."""
    pick = (
        sa.select(OutboundMail.id)
        .where(_claimable(now))
        .order_by(OutboundMail.next_attempt_at, OutboundMail.id)
        .limit(settings.batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Locked rows are another run's: skip them rather than wait. (The pick is its own
        # statement: as a subquery of the UPDATE, PostgreSQL may run it again per row and
        # lease more than a batch.)
        pick = pick.with_for_update(skip_locked=True)
    picked = session.scalars(pick).all()
    if not picked:
        return []
    # The condition is checked again: on SQLite the write lock makes the two one step; on
    # PostgreSQL the picked rows are locked until this transaction ends.
    ids = session.scalars(
        sa.update(OutboundMail)
        .where(OutboundMail.id.in_(picked), _claimable(now))
        .values(claimed_by=worker, claimed_until=now + settings.lease)
        .returning(OutboundMail.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not ids:
        return []
    return list(
        session.scalars(
            sa.select(OutboundMail)
            .where(OutboundMail.id.in_(ids))
            .order_by(OutboundMail.next_attempt_at, OutboundMail.id)
        )
    )


def _mine(mail_id: int, worker: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        OutboundMail.id == mail_id,
        OutboundMail.claimed_by == worker,
        OutboundMail.status == "pending",
    )


# A mail whose dedupe key starts with "secret:" carries a one-time link (``passwords``): once
# it is sent or given up on, its body goes, so the database never keeps the link itself.
SECRET_PREFIX = "secret:"
SCRUBBED = "(removed once sent: this mail held a one-time link)"


def _scrubbed_body() -> sa.Case[str]:
    return sa.case(
        (OutboundMail.dedupe_key.startswith(SECRET_PREFIX), SCRUBBED), else_=OutboundMail.body
    )


def record_sent(session: DbSession, mail_id: int, *, worker: str, now: datetime) -> bool:
    result = session.execute(
        sa.update(OutboundMail)
        .where(_mine(mail_id, worker))
        .values(
            status="sent",
            sent_at=now,
            claimed_by=None,
            claimed_until=None,
            last_error=None,
            body=_scrubbed_body(),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(rowcount(result))


def record_failure(
    session: DbSession,
    mail: OutboundMail,
    failure: MailFailure,
    *,
    worker: str,
    now: datetime,
    settings: Settings,
) -> bool:
    """Count the attempt; retry later with backoff, or give up and tell the admins.

    Returns True when the mail was given up on.
    """
    attempts = mail.attempts + 1
    given_up = failure.permanent or attempts >= settings.max_attempts
    session.execute(
        sa.update(OutboundMail)
        .where(_mine(mail.id, worker))
        .values(
            attempts=attempts,
            status="failed" if given_up else "pending",
            body=_scrubbed_body() if given_up else OutboundMail.body,
            next_attempt_at=now + backoff(settings, attempts),
            last_error=failure.reason,
            claimed_by=None,
            claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )
    if given_up:
        admins = session.scalars(
            sa.select(User.id).where(User.role == "admin", User.is_active.is_(True))
        ).all()
        notify_many(
            session,
            [
                Draft(
                    admin_id,
                    "mail_failed",
                    f"mail_failed:{mail.id}",
                    {"address": mail.to_address, "reason": failure.reason},
                    "admin.people",
                )
                for admin_id in admins
            ],
            now=now,
        )
    return given_up


def send_batch(
    session: DbSession,
    config: Mapping[str, Any],
    mails: list[OutboundMail],
    *,
    worker: str,
    now: datetime,
    settings: Settings,
    checkpoint: Checkpoint = _no_checkpoint,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Send leased mails one by one, committing each outcome as soon as it is known."""
    report = Report()
    try:
        with connection(config) as smtp:
            for mail in mails:
                message = compose(
                    config, Mail(mail.to_address, mail.subject, mail.body), mail.message_id
                )
                try:
                    transmit(smtp, message)
                except MailFailure as failure:
                    checkpoint("before_record")
                    if record_failure(
                        session, mail, failure, worker=worker, now=now, settings=settings
                    ):
                        report.failed.append((mail.to_address, failure.reason))
                    else:
                        report.retrying += 1
                    session.commit()
                else:
                    # The server has the mail: dying from here to the commit is the one
                    # instant in which it will be sent again.
                    checkpoint("before_record")
                    if record_sent(session, mail.id, worker=worker, now=now):
                        report.sent += 1
                    else:
                        report.lost_lease += 1
                    session.commit()
                    checkpoint("after_record")
                if progress is not None:
                    progress(1)
    except MailFailure as failure:
        # The server could not be reached: every mail of the batch not yet recorded is
        # retried later (the connection fails before any of them is sent).
        for mail in mails:
            pending = session.get(OutboundMail, mail.id, populate_existing=True)
            if pending is None or pending.status != "pending" or pending.claimed_by != worker:
                continue
            if record_failure(session, pending, failure, worker=worker, now=now, settings=settings):
                report.failed.append((mail.to_address, failure.reason))
            else:
                report.retrying += 1
        session.commit()
    return report


def pending_count(session: DbSession, now: datetime) -> int:
    return (
        session.scalar(sa.select(sa.func.count()).select_from(OutboundMail).where(_claimable(now)))
        or 0
    )


def failed_mails(session: DbSession, limit: int = 50) -> list[OutboundMail]:
    """Mails given up on, newest first (the admin's people page lists them)."""
    return list(
        session.scalars(
            sa.select(OutboundMail)
            .where(OutboundMail.status == "failed")
            .order_by(OutboundMail.next_attempt_at.desc())
            .limit(limit)
        )
    )
