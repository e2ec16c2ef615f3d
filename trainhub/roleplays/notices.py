"""The notices a hire sees on their home after a review.

The mentor's and the hire's e-mails are ``review_waiting`` and ``review_done`` notices now,
written in the submission's and the review's transaction (``notifications``) and mailed by
``trainhub notify``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..db import DbSession
from .models import Review, RoleplaySubmission

# --- in-app -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewNotice:
    case_slug: str
    version: int
    decision: str  # approved | needs_work
    score: float
    reviewed_at: datetime


def review_notices(session: DbSession, hire_id: int, limit: int = 5) -> list[ReviewNotice]:
    """The latest review of each case whose reviewed version is still the newest one sent.

    Once the hire resubmits, the "sent back" notice for the older version disappears.
    """
    newer = aliased(RoleplaySubmission)
    rows = session.execute(
        sa.select(
            RoleplaySubmission.case_slug,
            RoleplaySubmission.version,
            Review.decision,
            Review.score,
            Review.created_at,
        )
        .join(Review, Review.submission_id == RoleplaySubmission.id)
        .where(
            RoleplaySubmission.user_id == hire_id,
            ~sa.exists().where(
                newer.user_id == RoleplaySubmission.user_id,
                newer.case_slug == RoleplaySubmission.case_slug,
                newer.version > RoleplaySubmission.version,
                newer.status != "draft",
            ),
        )
        .order_by(Review.created_at.desc())
        .limit(limit)
    )
    return [ReviewNotice(*row) for row in rows]
