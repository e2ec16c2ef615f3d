"""Signing off practical track steps and revoking them, and hires' requests for a sign-off.

Each writes its audit event in the same transaction; a lost race between two people is
``SignOffConflict`` (``RequestConflict`` for requests), never a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..audit.service import record_event
from ..auth.models import User
from ..auth.scope import reviewees_of
from ..catalog.tracks import Track, TrackStep
from ..db import DbSession, rowcount
from ..notifications.service import notify
from ..refresh import refresh
from ..roleplays.uploads import StoredFile
from .models import SignOff, SignOffRequest


class SignOffConflict(Exception):
    """The item is already signed off (or already revoked) by someone else meanwhile."""


@dataclass(frozen=True)
class SignOffItem:
    step: TrackStep
    live: SignOff | None
    history: tuple[SignOff, ...]  # revoked ones, newest first


def signoff_items(session: DbSession, hire: User, track: Track) -> list[SignOffItem]:
    rows = list(
        session.scalars(
            sa.select(SignOff)
            .where(SignOff.user_id == hire.id)
            .order_by(SignOff.signed_at.desc(), SignOff.id.desc())
        )
    )
    items: list[SignOffItem] = []
    for step in track.signoffs:
        mine = [r for r in rows if r.item_key == step.slug]
        live = next((r for r in mine if r.revoked_at is None), None)
        items.append(SignOffItem(step, live, tuple(r for r in mine if r.revoked_at is not None)))
    return items


def sign_off_item(
    session: DbSession,
    hire: User,
    track: Track,
    step: TrackStep,
    *,
    note: str,
    actor: User,
    now: datetime,
) -> SignOff:
    """Sign off a practical item. A second sign-off of a live item raises SignOffConflict."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(SignOff)
        .values(
            user_id=hire.id,
            track=track.role,
            item_key=step.slug,
            track_hash=track.content_hash,
            signed_by_id=actor.id,
            note=note.strip(),
            signed_at=now,
        )
        # The partial unique index (one live sign-off per item) decides, not a prior SELECT.
        .on_conflict_do_nothing(
            index_elements=["user_id", "item_key"], index_where=SignOff.revoked_at.is_(None)
        )
        .returning(SignOff.id)
    )
    new_id = session.execute(stmt).scalar()
    if new_id is None:
        raise SignOffConflict()
    record_event(
        session,
        actor=actor,
        action="signoff.signed",
        now=now,
        subject=hire,
        object_type="signoff",
        object_id=new_id,
        data={"track": track.role, "item": step.slug, "note": note.strip()},
    )
    refresh(session, [hire.id], now)
    signoff = session.get(SignOff, new_id)
    assert signoff is not None
    return signoff


def revoke_signoff(
    session: DbSession, hire: User, item_key: str, *, note: str, actor: User, now: datetime
) -> SignOff:
    """Revoke the live sign-off of an item. The row stays, marked revoked."""
    live = session.scalar(
        sa.select(SignOff).where(
            SignOff.user_id == hire.id, SignOff.item_key == item_key, SignOff.revoked_at.is_(None)
        )
    )
    if live is None:
        raise SignOffConflict()
    result = session.execute(
        sa.update(SignOff)
        .where(SignOff.id == live.id, SignOff.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=actor.id, revoke_note=note.strip())
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise SignOffConflict()
    record_event(
        session,
        actor=actor,
        action="signoff.revoked",
        now=now,
        subject=hire,
        object_type="signoff",
        object_id=live.id,
        data={"item": item_key, "note": note.strip()},
    )
    refresh(session, [hire.id], now)
    session.refresh(live)
    return live


# --- requests ----------------------------------------------------------------------------


class RequestConflict(Exception):
    """An open request exists already (a double click), or it was decided meanwhile."""


@dataclass(frozen=True)
class OpenRequest:
    request: SignOffRequest
    hire: User


def request_signoff(
    session: DbSession,
    hire: User,
    track: Track,
    step: TrackStep,
    *,
    note: str,
    now: datetime,
    evidence: StoredFile | None = None,
    evidence_name: str = "",
) -> SignOffRequest:
    """The hire asks for a practical step to be signed off. One open request per item: a
    second one (a double click) raises RequestConflict, decided by the partial unique index."""
    values: dict[str, object] = {
        "user_id": hire.id,
        "track": track.role,
        "item_key": step.slug,
        "track_hash": track.content_hash,
        "note": note.strip(),
        "status": "open",
        "requested_at": now,
    }
    if evidence is not None:
        values.update(
            file_name=evidence_name,
            stored_name=evidence.stored_name,
            content_type=evidence.content_type,
            size=evidence.size,
            sha256=evidence.sha256,
        )
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    new_id = session.execute(
        insert(SignOffRequest)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=["user_id", "item_key"],
            index_where=SignOffRequest.status == "open",
        )
        .returning(SignOffRequest.id)
    ).scalar()
    if new_id is None:
        raise RequestConflict()
    if hire.mentor_id is not None:
        notify(
            session,
            recipient=hire.mentor_id,
            kind="signoff_requested",
            key=f"signoff_requested:{new_id}",
            data={
                "hire": hire.name,
                "item": step.title or step.slug,
                "item_slug": step.slug,
                "track": track.role,
            },
            now=now,
            endpoint="signoffs.hire",
            endpoint_args={"user_id": hire.id},
        )
    found = session.get(SignOffRequest, new_id)
    assert found is not None
    return found


def _close_request(
    session: DbSession, request: SignOffRequest, *, actor: User, now: datetime, **values: object
) -> None:
    result = session.execute(
        sa.update(SignOffRequest)
        .where(SignOffRequest.id == request.id, SignOffRequest.status == "open")
        .values(decided_at=now, decided_by_id=actor.id, **values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise RequestConflict()


def decide_signoff_request(
    session: DbSession,
    request: SignOffRequest,
    hire: User,
    track: Track,
    step: TrackStep,
    *,
    approve: bool,
    note: str,
    actor: User,
    now: datetime,
) -> SignOffRequest:
    """Approve (the step is signed off, linked to the request) or decline with a reason.

    Approving an item someone signed off meanwhile still closes the request, linked to the
    live sign-off; deciding a request twice raises RequestConflict.
    """
    signoff_id: int | None
    if approve:
        try:
            signoff_id = sign_off_item(
                session, hire, track, step, note=note, actor=actor, now=now
            ).id
        except SignOffConflict:
            signoff_id = session.scalar(
                sa.select(SignOff.id).where(
                    SignOff.user_id == hire.id,
                    SignOff.item_key == step.slug,
                    SignOff.revoked_at.is_(None),
                )
            )
        _close_request(
            session, request, actor=actor, now=now, status="approved", signoff_id=signoff_id
        )
    else:
        _close_request(
            session, request, actor=actor, now=now, status="declined", decline_reason=note.strip()
        )
    record_event(
        session,
        actor=actor,
        action="signoff_request.approved" if approve else "signoff_request.declined",
        now=now,
        subject=hire,
        object_type="signoff_request",
        object_id=request.id,
        data={"item": step.slug, "note": note.strip()},
    )
    notify(
        session,
        recipient=hire.id,
        kind="signoff_decided",
        key=f"signoff_decided:{request.id}",
        data={
            "item": step.title or step.slug,
            "item_slug": step.slug,
            "track": track.role,
            "variant": "approved" if approve else "declined",
        },
        now=now,
        endpoint="home.index",
    )
    session.refresh(request)
    return request


def open_requests_for(session: DbSession, viewer: User) -> list[OpenRequest]:
    """Open requests of the hires whose work reaches the viewer's queue, oldest first."""
    rows = session.execute(
        sa.select(SignOffRequest, User)
        .join(User, User.id == SignOffRequest.user_id)
        .where(SignOffRequest.status == "open", User.id.in_(reviewees_of(viewer)))
        .order_by(SignOffRequest.requested_at, SignOffRequest.id)
    )
    return [OpenRequest(req, hire) for req, hire in rows]


def latest_requests(session: DbSession, hire_id: int) -> dict[str, SignOffRequest]:
    """Each item's newest request by this hire (what their page shows: open, or the last
    decision and its reason)."""
    rows = session.scalars(
        sa.select(SignOffRequest)
        .where(SignOffRequest.user_id == hire_id)
        .order_by(SignOffRequest.requested_at, SignOffRequest.id)
    )
    return {row.item_key: row for row in rows}
