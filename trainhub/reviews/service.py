"""Mentor reviews and sign-offs. Each writes its audit event in the same transaction.

Two mentors deciding the same version at once cannot both win: the decision is a
conditional UPDATE of the submission's status (``WHERE status = 'submitted'``), backed by the
unique submission id on reviews. The loser gets ``AlreadyDecided``, never a half-written row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..audit.service import record_event
from ..auth.models import User
from ..catalog.roleplays import RoleplayCase
from ..catalog.tracks import Track, TrackStep
from ..readiness.service import hire_ids_of
from ..roleplays.models import RoleplaySubmission
from .models import DECISIONS, Review, SignOff
from .rubric import is_passing, weighted_score


class AlreadyDecided(Exception):
    """Another review of this version was recorded first (or it is no longer submitted)."""


class ReviewRefused(ValueError):
    """The decision does not fit the scores; ``field`` names the form field to blame."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SignOffConflict(Exception):
    """The item is already signed off (or already revoked) by someone else meanwhile."""


@dataclass(frozen=True)
class QueueItem:
    submission: RoleplaySubmission
    hire: User


def _hires_of(user: User) -> sa.Select[tuple[int]]:
    """Whose answers reach this person's queue: only reviewers have one; which hires is the
    same rule as every team list (readiness.service.hires_of)."""
    if user.role not in ("mentor", "admin"):
        return sa.select(User.id).where(sa.false())
    return hire_ids_of(user)


def queue_for(session: Session, user: User) -> list[QueueItem]:
    """Versions waiting for a decision from this mentor's hires (an admin's: everyone's)."""
    rows = session.execute(
        sa.select(RoleplaySubmission, User)
        .join(User, User.id == RoleplaySubmission.user_id)
        .where(RoleplaySubmission.status == "submitted", User.id.in_(_hires_of(user)))
        .order_by(RoleplaySubmission.submitted_at, RoleplaySubmission.id)
    )
    return [QueueItem(sub, hire) for sub, hire in rows]


def queue_count(session: Session, user: User) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(RoleplaySubmission)
            .where(
                RoleplaySubmission.status == "submitted",
                RoleplaySubmission.user_id.in_(_hires_of(user)),
            )
        )
        or 0
    )


def decide_submission(
    session: Session,
    submission: RoleplaySubmission,
    case: RoleplayCase,
    *,
    levels: Mapping[str, int],
    comments: Mapping[str, str],
    comment: str,
    decision: str,
    actor: User,
    now: datetime,
    required_score: float | None = None,
) -> Review:
    """Record the mentor's decision on one submitted version. The score is computed here.

    ``required_score`` is what approval needs: the case's passing score, or the hire's track
    minimum when that is higher (an approval below it could never complete the step, and an
    approved answer cannot be resubmitted).
    """
    required = max(case.passing_score, required_score or 0.0)
    if decision not in DECISIONS:
        raise ReviewRefused("Choose approve or needs work.", "decision")
    score = weighted_score(case.rubric, levels)
    if decision == "approved" and not is_passing(score, required):
        raise ReviewRefused(
            f"The score {score:.2f} is below the passing score {required:.1f}: "
            "raise the levels that deserve it, or send it back for more work.",
            "decision",
        )
    claimed = session.execute(
        sa.update(RoleplaySubmission)
        .where(RoleplaySubmission.id == submission.id, RoleplaySubmission.status == "submitted")
        .values(status=decision, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyDecided()
    review = Review(
        submission_id=submission.id,
        mentor_id=actor.id,
        scores={
            c.key: {"level": int(levels[c.key]), "comment": comments.get(c.key, "").strip()}
            for c in case.rubric
        },
        score=score,
        passing_score=required,
        comment=comment.strip(),
        decision=decision,
        created_at=now,
    )
    session.add(review)
    try:
        session.flush()
    except IntegrityError as exc:
        raise AlreadyDecided() from exc
    record_event(
        session,
        actor=actor,
        action=f"review.{decision}",
        now=now,
        subject=session.get(User, submission.user_id),
        object_type="roleplay_submission",
        object_id=submission.id,
        data={
            "case": case.slug,
            "version": submission.version,
            "score": score,
            "passing_score": case.passing_score,
            "required_score": required,
        },
    )
    return review


# --- sign-offs --------------------------------------------------------------------------


@dataclass(frozen=True)
class SignOffItem:
    step: TrackStep
    live: SignOff | None
    history: tuple[SignOff, ...]  # revoked ones, newest first


def signoff_items(session: Session, hire: User, track: Track) -> list[SignOffItem]:
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
    session: Session,
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
    session: Session, hire: User, item_key: str, *, note: str, actor: User, now: datetime
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
    if result.rowcount != 1:  # type: ignore[attr-defined]
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
