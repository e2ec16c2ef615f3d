"""Signing off practical track steps and revoking them. Each writes its audit event in the
same transaction; a lost race between two people is ``SignOffConflict``, never a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..audit.service import record_event
from ..auth.models import User
from ..catalog.tracks import Track, TrackStep
from ..db import DbSession, rowcount
from .models import SignOff


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
    session.refresh(live)
    return live
