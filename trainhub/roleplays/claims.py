"""Claims on submitted answers: a mentor takes an answer for a while so that two mentors do
not review the same one.

A claim is a lease on the submission row (``claimed_by_id``, ``claimed_until``). It is live
while ``claimed_until`` is later than now; nobody has to clear an expired one, it simply stops
counting. Every change is one conditional UPDATE whose WHERE says when it may happen, so two
mentors claiming at once get one claim: the database decides, never a read followed by a
write. An admin may take over a live claim, and that is written to the audit log, like a
manager's reassignment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from ..audit.service import record_event
from ..auth.models import User
from ..db import DbSession, rowcount
from .models import RoleplaySubmission


class ClaimTaken(Exception):
    """Someone else holds a live claim on the answer (or it is no longer waiting)."""


@dataclass(frozen=True)
class Claim:
    holder_id: int | None
    until: datetime | None


def live_claim(submission: RoleplaySubmission, now: datetime) -> Claim | None:
    """The submission's claim if it still holds at ``now``."""
    if submission.claimed_by_id is None or submission.claimed_until is None:
        return None
    if submission.claimed_until <= now:
        return None
    return Claim(submission.claimed_by_id, submission.claimed_until)


def is_free_for(actor_id: int, now: datetime) -> sa.ColumnElement[bool]:
    """SQL: nobody else holds a live claim (the actor's own claim counts as free)."""
    return sa.or_(
        RoleplaySubmission.claimed_by_id.is_(None),
        RoleplaySubmission.claimed_by_id == actor_id,
        RoleplaySubmission.claimed_until <= now,
    )


def _set_claim(
    session: DbSession,
    submission: RoleplaySubmission,
    guard: sa.ColumnElement[bool],
    **values: object,
) -> bool:
    result = session.execute(
        sa.update(RoleplaySubmission)
        .where(
            RoleplaySubmission.id == submission.id,
            RoleplaySubmission.status == "submitted",
            guard,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    changed = rowcount(result) == 1
    if changed:
        # The loaded object now says what the row says, without a re-read and without
        # being marked dirty (a flush would write the same values again).
        for name, value in values.items():
            set_committed_value(submission, name, value)
    return changed


def claim_submission(
    session: DbSession,
    submission: RoleplaySubmission,
    *,
    actor: User,
    now: datetime,
    lease: timedelta,
) -> Claim:
    """Claim (or renew one's own claim on) a waiting answer for ``lease``.

    Raises ClaimTaken when another mentor's claim is live or the answer was decided.
    """
    if not _set_claim(
        session,
        submission,
        is_free_for(actor.id, now),
        claimed_by_id=actor.id,
        claimed_until=now + lease,
    ):
        raise ClaimTaken()
    return Claim(actor.id, now + lease)


def renew_claim(
    session: DbSession,
    submission: RoleplaySubmission,
    *,
    actor: User,
    now: datetime,
    lease: timedelta,
) -> bool:
    """Extend the actor's own live claim (opening or saving the review form). No claim, no-op."""
    return _set_claim(
        session,
        submission,
        sa.and_(
            RoleplaySubmission.claimed_by_id == actor.id, RoleplaySubmission.claimed_until > now
        ),
        claimed_until=now + lease,
    )


def release_claim(
    session: DbSession, submission: RoleplaySubmission, *, actor: User, now: datetime
) -> bool:
    """Give the answer back to the queue. Only the holder releases; False if they held none."""
    return _set_claim(
        session,
        submission,
        RoleplaySubmission.claimed_by_id == actor.id,
        claimed_by_id=None,
        claimed_until=None,
    )


def take_over_claim(
    session: DbSession,
    submission: RoleplaySubmission,
    *,
    actor: User,
    now: datetime,
    lease: timedelta,
) -> Claim:
    """An admin takes the answer whoever holds it; a live claim taken over is audited."""
    before = live_claim(submission, now)
    if not _set_claim(
        session, submission, sa.true(), claimed_by_id=actor.id, claimed_until=now + lease
    ):
        raise ClaimTaken()
    record_override(session, submission, before, actor=actor, now=now)
    return Claim(actor.id, now + lease)


def record_override(
    session: DbSession,
    submission: RoleplaySubmission,
    held: Claim | None,
    *,
    actor: User,
    now: datetime,
) -> None:
    """Audit an admin acting over someone else's live claim (taking it, or deciding)."""
    if held is None or held.holder_id == actor.id:
        return
    record_event(
        session,
        actor=actor,
        action="review.claim_overridden",
        now=now,
        subject=session.get(User, submission.user_id),
        object_type="roleplay_submission",
        object_id=submission.id,
        data={"from_mentor_id": held.holder_id},
    )


def reassign_submission(
    session: DbSession,
    submission: RoleplaySubmission,
    mentor: User,
    *,
    actor: User,
    now: datetime,
    lease: timedelta,
) -> Claim:
    """A manager (or admin) hands a waiting answer to ``mentor``: it is claimed in their name.

    The caller has checked that ``mentor`` may review the hire. Audited, with who had it.
    """
    before = live_claim(submission, now)
    if not _set_claim(
        session, submission, sa.true(), claimed_by_id=mentor.id, claimed_until=now + lease
    ):
        raise ClaimTaken()
    record_event(
        session,
        actor=actor,
        action="review.reassigned",
        now=now,
        subject=session.get(User, submission.user_id),
        object_type="roleplay_submission",
        object_id=submission.id,
        data={
            "to_mentor_id": mentor.id,
            "from_mentor_id": before.holder_id if before is not None else None,
        },
    )
    return Claim(mentor.id, now + lease)
