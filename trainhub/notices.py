"""Notices: what a hire sees on their home after a review, and the e-mails about reviews.

E-mail goes through the SMTP settings (``TRAINHUB_SMTP_HOST`` ...) when they are set, and is
only logged otherwise. It is sent after the commit, and a failure is logged, never raised:
a mail server that is down must not lose a submission or a review.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from .reviews.models import Review
from .roleplays.models import RoleplaySubmission

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 10


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def send_mail(config: Mapping[str, Any], mail: Mail) -> bool:
    """Send one e-mail; True if the SMTP server accepted it. Never raises."""
    host = config.get("SMTP_HOST")
    if not host:
        log.warning(
            "e-mail not sent (no TRAINHUB_SMTP_HOST): to=%s subject=%s", mail.to, mail.subject
        )
        log.info("e-mail body:\n%s", mail.body)
        return False
    message = EmailMessage()
    message["From"] = config.get("SMTP_FROM") or "trainhub@localhost"
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    try:
        with smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25), timeout=SMTP_TIMEOUT) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("e-mail to %s failed: %s", mail.to, mail.subject)
        return False
    return True


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


def review_notices(session: Session, hire_id: int, limit: int = 5) -> list[ReviewNotice]:
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
