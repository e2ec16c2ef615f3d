"""Review pools: the mentors a manager names to cover their hires' answers.

The model a department understands: each manager may list mentors; any of them may claim an
answer of that manager's hires, besides the hire's own mentor. A hire whose mentor is gone
(inactive or none) and whose manager has no pool waits "for nobody": the queue shows it so
that someone assigns it.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..audit.service import record_event
from ..auth.models import Role, User
from ..db import DbSession, insert_ignore
from ..permissions import can_claim_review
from .models import ReviewPoolMember


def pool_of(session: DbSession, manager_id: int | None) -> frozenset[int]:
    """The ids of the active mentors in a manager's pool (none without a manager)."""
    if manager_id is None:
        return frozenset()
    return frozenset(
        session.scalars(
            sa.select(ReviewPoolMember.mentor_id)
            .join(User, User.id == ReviewPoolMember.mentor_id)
            .where(
                ReviewPoolMember.manager_id == manager_id,
                User.is_active.is_(True),
                User.role == Role.MENTOR.value,
            )
        )
    )


def pool_members(session: DbSession, manager_id: int) -> list[User]:
    return list(
        session.scalars(
            sa.select(User)
            .join(ReviewPoolMember, ReviewPoolMember.mentor_id == User.id)
            .where(ReviewPoolMember.manager_id == manager_id)
            .order_by(User.name)
        )
    )


def active_mentors(session: DbSession) -> list[User]:
    return list(
        session.scalars(
            sa.select(User)
            .where(User.role == Role.MENTOR.value, User.is_active.is_(True))
            .order_by(User.name)
        )
    )


def set_pool(
    session: DbSession, manager: User, mentor_ids: set[int], *, actor: User, now: datetime
) -> None:
    """Make the manager's pool exactly ``mentor_ids`` (active mentors; others are ignored)."""
    allowed = {m.id for m in active_mentors(session)} & mentor_ids
    current = set(
        session.scalars(
            sa.select(ReviewPoolMember.mentor_id).where(ReviewPoolMember.manager_id == manager.id)
        )
    )
    gone = current - allowed
    if gone:
        session.execute(
            sa.delete(ReviewPoolMember).where(
                ReviewPoolMember.manager_id == manager.id, ReviewPoolMember.mentor_id.in_(gone)
            )
        )
    for mentor_id in sorted(allowed - current):
        # Two saves at once add a mentor once: the unique pair decides.
        insert_ignore(
            session,
            ReviewPoolMember,
            {"manager_id": manager.id, "mentor_id": mentor_id, "added_at": now},
            ["manager_id", "mentor_id"],
        )
    if gone or allowed - current:
        record_event(
            session,
            actor=actor,
            action="review_pool.changed",
            now=now,
            subject=manager,
            object_type="review_pool",
            object_id=manager.id,
            data={"added": sorted(allowed - current), "removed": sorted(gone)},
        )


def reassign_choices(
    hire: User, pool: frozenset[int], mentors: list[User]
) -> list[tuple[int, str]]:
    """The mentors a hire's answer may be handed to: those who may review the hire."""
    return [(m.id, m.name) for m in mentors if can_claim_review(m, hire, pool)]
