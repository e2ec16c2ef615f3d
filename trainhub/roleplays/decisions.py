"""A mentor's decision on a submitted role-play answer. It writes its audit event in the same
transaction.

Two mentors deciding the same version at once cannot both win: the decision is a
conditional UPDATE of the submission's status (``WHERE status = 'submitted'``), backed by the
unique submission id on reviews. The loser gets ``AlreadyDecided``, never a half-written row.
The same UPDATE refuses a version another mentor has a live claim on (``ClaimedByOther``),
unless the caller overrides claims (admins), which is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..audit.service import record_event
from ..auth.models import User
from ..catalog.roleplays import RoleplayCase
from ..db import DbSession, rowcount
from ..messages import N_, Text
from ..notifications.service import notify
from ..refresh import refresh
from .claims import is_free_for, live_claim, record_override
from .models import DECISIONS, Review, RoleplaySubmission
from .rubric import is_passing, weighted_score


class AlreadyDecided(Exception):
    """Another review of this version was recorded first (or it is no longer submitted)."""


class ClaimedByOther(Exception):
    """Another mentor holds a live claim on this version; their claim stands."""


class ReviewRefused(ValueError):
    """The decision does not fit the scores; ``field`` names the form field to blame."""

    def __init__(self, message: Text, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message  # translated where the page shows it
        self.field = field


def decide_submission(
    session: DbSession,
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
    override_claim: bool = False,
) -> Review:
    """Record the mentor's decision on one submitted version. The score is computed here.

    ``required_score`` is what approval needs: the case's passing score, or the hire's track
    minimum when that is higher (an approval below it could never complete the step, and an
    approved answer cannot be resubmitted).

    ``override_claim`` lets the decision through another mentor's live claim (admins).
    """
    required = max(case.passing_score, required_score or 0.0)
    if decision not in DECISIONS:
        raise ReviewRefused(N_("Choose approve or needs work."), "decision")
    score = weighted_score(case.rubric, levels)
    if decision == "approved" and not is_passing(score, required):
        raise ReviewRefused(
            N_(
                "The score %(score)s is below the passing score %(required)s: raise the levels "
                "that deserve it, or send it back for more work.",
                score=f"{score:.2f}",
                required=f"{required:.1f}",
            ),
            "decision",
        )
    held = live_claim(submission, now)
    guard = sa.true() if override_claim else is_free_for(actor.id, now)
    claimed = session.execute(
        sa.update(RoleplaySubmission)
        .where(
            RoleplaySubmission.id == submission.id,
            RoleplaySubmission.status == "submitted",
            guard,
        )
        .values(status=decision, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(claimed) != 1:
        # Which guard said no: a decision made meanwhile, or someone else's claim.
        status = session.scalar(
            sa.select(RoleplaySubmission.status).where(RoleplaySubmission.id == submission.id)
        )
        raise ClaimedByOther() if status == "submitted" else AlreadyDecided()
    if override_claim:
        record_override(session, submission, held, actor=actor, now=now)
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
    notify(
        session,
        recipient=submission.user_id,
        kind="review_done",
        key=f"review_done:{review.id}",
        data={
            "case": case.title,
            "case_slug": case.slug,
            "variant": decision,
            "version": submission.version,
        },
        now=now,
        endpoint="roleplays.case",
        endpoint_args={"case_slug": case.slug},
    )
    refresh(session, [submission.user_id], now)
    return review
