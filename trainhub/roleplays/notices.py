"""What people are told about role-play answers: the e-mails to the mentor and the hire, and
the notices a hire sees on their home after a review.

The e-mails are sent after the commit (``mail.send_mail`` never raises), so a mail server that
is down cannot lose a submission or a review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..db import DbSession
from ..mail import Mail
from .models import Review, RoleplaySubmission


def submitted_mail(
    mentor_email: str, hire_name: str, case_title: str, version: int, url: str
) -> Mail:
    return Mail(
        to=mentor_email,
        subject=f"[TrainHub] {hire_name} submitted \u201c{case_title}\u201d (version {version})",
        body=(
            f"{hire_name} submitted version {version} of the role-play case "
            f"\u201c{case_title}\u201d.\n\nReview it here: {url}\n"
        ),
    )


def reviewed_mail(
    hire_email: str, case_title: str, decision: str, score: float, passing: float, url: str
) -> Mail:
    verdict = "approved" if decision == "approved" else "sent back for more work"
    return Mail(
        to=hire_email,
        subject=f"[TrainHub] \u201c{case_title}\u201d was {verdict}",
        body=(
            f"Your mentor reviewed your answer to \u201c{case_title}\u201d: {verdict}, "
            f"score {score:.2f} of 4 (passing {passing:.1f}).\n\n"
            f"Read the coaching here: {url}\n"
        ),
    )


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
