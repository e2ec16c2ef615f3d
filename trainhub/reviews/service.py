"""The mentor's review queue: submitted role-play answers waiting for a decision.

Whose answers are in it is ``auth.scope.reviewees_of``, the rule of every list of hires.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..auth.models import User
from ..auth.scope import reviewees_of
from ..db import DbSession
from ..roleplays.models import RoleplaySubmission


@dataclass(frozen=True)
class QueueItem:
    submission: RoleplaySubmission
    hire: User


def queue_for(session: DbSession, user: User) -> list[QueueItem]:
    """Versions waiting for a decision from this mentor's hires (an admin's: everyone's)."""
    rows = session.execute(
        sa.select(RoleplaySubmission, User)
        .join(User, User.id == RoleplaySubmission.user_id)
        .where(RoleplaySubmission.status == "submitted", User.id.in_(reviewees_of(user)))
        .order_by(RoleplaySubmission.submitted_at, RoleplaySubmission.id)
    )
    return [QueueItem(sub, hire) for sub, hire in rows]


def queue_count(session: DbSession, user: User) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(RoleplaySubmission)
            .where(
                RoleplaySubmission.status == "submitted",
                RoleplaySubmission.user_id.in_(reviewees_of(user)),
            )
        )
        or 0
    )
