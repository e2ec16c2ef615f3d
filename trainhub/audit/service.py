"""Writing, reading and verifying audit events. Callers pass the session and the time; this
never commits.

Each event is chained to the one before it (``chain.py``) in the same transaction as the change
it records: the writer locks the one ``AuditHead`` row, reads the newest hash, hashes the new
event over it and moves the head on.

``audit`` sits below the features that write events (accounts, reviews, sign-offs, tokens), so
it knows people only as ids: an ``Actor`` is anything with an ``id``, and the log page reads
names from the ``users`` table by name rather than through the account model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa

from ..db import DbSession, insert_ignore
from .chain import GENESIS, ChainRow, Verdict, event_hash, verify_rows
from .models import AuditEvent, AuditHead

# Every audited change (roles, tokens, sign-offs ...) is also a line of the security log.
security_log = logging.getLogger("trainhub.security")

PAGE = 100

# The columns of the accounts table that the log shows; the table itself belongs to ``auth``.
_people = sa.table("users", sa.column("id", sa.Integer), sa.column("name", sa.String))


class Actor(Protocol):
    """Whoever did it, or whom it is about: only the id is recorded."""

    @property
    def id(self) -> int: ...


def record_event(
    session: DbSession,
    *,
    actor: Actor | None,
    action: str,
    now: datetime,
    subject: Actor | None = None,
    object_type: str | None = None,
    object_id: object = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    head = _locked_head(session)
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_id=subject.id if subject else None,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        data=data or {},
        created_at=now,
        prev_hash=head.hash,
    )
    event.hash = event_hash(chain_row(event), head.hash)
    head.hash = event.hash
    session.add(event)
    security_log.info("audit.%s actor=%s subject=%s", action, event.actor_id, event.subject_id)
    return event


def _locked_head(session: DbSession) -> AuditHead:
    """The head row, locked until the transaction ends. FOR UPDATE waits for a concurrent
    writer and then reads the head it committed, so no two events follow the same one."""
    query = sa.select(AuditHead).where(AuditHead.id == 1).with_for_update()
    head = session.scalar(query)
    if head is None:
        # A database whose head row is missing (emptied by hand, or by tests): start it. If
        # events exist, the next one starts from GENESIS and verify reports the break.
        insert_ignore(session, AuditHead, {"id": 1, "hash": GENESIS}, ["id"])
        head = session.scalars(query.execution_options(populate_existing=True)).one()
    return head


def chain_row(event: AuditEvent) -> ChainRow:
    return ChainRow(
        id=event.id,
        actor_id=event.actor_id,
        action=event.action,
        subject_id=event.subject_id,
        object_type=event.object_type,
        object_id=event.object_id,
        data=event.data,
        created_at=event.created_at,
        prev_hash=event.prev_hash,
        hash=event.hash,
    )


def _chain_rows(session: DbSession, batch: int) -> Iterator[ChainRow]:
    columns = [
        AuditEvent.id,
        AuditEvent.actor_id,
        AuditEvent.action,
        AuditEvent.subject_id,
        AuditEvent.object_type,
        AuditEvent.object_id,
        AuditEvent.data,
        AuditEvent.created_at,
        AuditEvent.prev_hash,
        AuditEvent.hash,
    ]
    # Keyset pages: constant memory however long the log is, on both databases.
    after = 0
    while True:
        rows = session.execute(
            sa.select(*columns).where(AuditEvent.id > after).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield ChainRow(*row)
        after = rows[-1][0]


def verify_chain(
    session: DbSession, progress: Callable[[int], None] | None = None, batch: int = 2000
) -> Verdict:
    """Walk the whole log in id order; the first event that breaks the chain, or None.

    Beyond the links, the newest event must be the one the head row names: deleting the
    newest events leaves a chain that verifies, but not the head."""

    def counted() -> Iterator[ChainRow]:
        for row in _chain_rows(session, batch):
            if progress is not None:
                progress(1)
            yield row

    verdict = verify_rows(counted())
    if not verdict.is_intact:
        return verdict
    head = session.scalar(sa.select(AuditHead.hash).where(AuditHead.id == 1))
    if (head or GENESIS) != verdict.head:
        last = session.scalar(sa.select(sa.func.max(AuditEvent.id)))
        return Verdict(verdict.checked, last or 0, "is not the newest recorded event", verdict.head)
    return verdict


def event_count(session: DbSession) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) or 0


def events_page(
    session: DbSession, before: int | None = None, size: int = PAGE
) -> list[tuple[AuditEvent, str | None, str | None]]:
    """Up to ``size`` events, newest first, older than event ``before`` when given, each with
    the names of its actor and subject (None once an account is gone)."""
    actor, subject = _people.alias("actor"), _people.alias("subject")
    query = (
        sa.select(AuditEvent, actor.c.name, subject.c.name)
        .outerjoin(actor, actor.c.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.c.id == AuditEvent.subject_id)
        .order_by(AuditEvent.id.desc())
        .limit(size)
    )
    if before:
        query = query.where(AuditEvent.id < before)
    return [(event, actor, subject) for event, actor, subject in session.execute(query)]


def names_of(session: DbSession, ids: set[int]) -> dict[int, str]:
    """People's names by id, for the ids an events page names in its data."""
    if not ids:
        return {}
    query = sa.select(_people.c.id, _people.c.name).where(_people.c.id.in_(sorted(ids)))
    return {int(row[0]): str(row[1]) for row in session.execute(query)}
