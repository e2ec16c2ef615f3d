"""Answers to role-play cases: drafts, submitted versions, attachments.

A hire edits one draft row per version. Submitting freezes it; after "needs work" the next
save starts a new version, so every version a mentor reviewed stays exactly as it was.
Concurrency is settled by the database: the version insert is an insert-or-ignore on the
unique (user, case, version) key and every status change is a conditional UPDATE.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..catalog.roleplays import RoleplayCase
from ..db import DbSession, insert_ignore, rowcount
from ..messages import N_, Text
from ..notifications.service import notify
from ..refresh import refresh
from ..stale.redo import open_redo_since
from .models import Attachment, Review, RoleplaySubmission
from .pools import pool_of
from .uploads import StoredFile

MAX_ATTACHMENTS = 5
MAX_ANSWER_CHARS = 50_000
OPEN_STATUSES = ("draft", "needs_work")


class AnswerLocked(Exception):
    """The answer cannot change now: it waits for review or has been approved."""

    def __init__(self, submission: RoleplaySubmission | None) -> None:
        super().__init__("this answer is submitted and can no longer be edited")
        self.submission = submission


class TooManyAttachments(ValueError):
    def __init__(self, message: Text) -> None:
        super().__init__(str(message))
        # Translated where the page shows it (a str in English for logs).
        self.message = message


@dataclass(frozen=True)
class Version:
    """One version of an answer with its review (if any), for history pages."""

    submission: RoleplaySubmission
    review: Review | None
    diff: tuple[tuple[str, str], ...]  # (kind, line) against the previous version
    # The name of the mentor who reviewed it (None before a review, or once they are gone).
    reviewer: str | None = None
    # Files handed in with earlier versions, as (version, attachment). A file belongs to the
    # version it came with (history is never rewritten); a resubmission carries them
    # visibly instead of silently dropping them, and the mentor sees them with the new one.
    carried: tuple[tuple[int, Attachment], ...] = ()


def _versions_query(hire_id: int, case_slug: str) -> sa.Select[RoleplaySubmission]:
    return (
        sa.select(RoleplaySubmission)
        .where(RoleplaySubmission.user_id == hire_id, RoleplaySubmission.case_slug == case_slug)
        .options(selectinload(RoleplaySubmission.attachments))
        .order_by(RoleplaySubmission.version)
    )


def versions_of(session: DbSession, hire_id: int, case_slug: str) -> list[RoleplaySubmission]:
    return list(session.scalars(_versions_query(hire_id, case_slug)))


def reviews_of(session: DbSession, submission_ids: Iterable[int]) -> dict[int, Review]:
    ids = list(submission_ids)
    if not ids:
        return {}
    rows = session.scalars(sa.select(Review).where(Review.submission_id.in_(ids)))
    return {review.submission_id: review for review in rows}


def diff_lines(before: str, after: str) -> tuple[tuple[str, str], ...]:
    """A line diff as (kind, text) pairs: kind is 'add', 'del', 'same' or 'gap'."""
    out: list[tuple[str, str]] = []
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(a=old, b=new)
    for group in matcher.get_grouped_opcodes(2):
        if out:
            out.append(("gap", "…"))
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out.extend(("same", line) for line in old[a1:a2])
                continue
            out.extend(("del", line) for line in old[a1:a2])
            out.extend(("add", line) for line in new[b1:b2])
    return tuple(out)


def reviewer_names(session: DbSession, reviews: Iterable[Review]) -> dict[int, str]:
    """The names of the mentors who wrote ``reviews``, in one statement."""
    ids = {r.mentor_id for r in reviews if r.mentor_id is not None}
    if not ids:
        return {}
    rows = session.execute(sa.select(User.id, User.name).where(User.id.in_(sorted(ids))))
    return {int(row.id): str(row.name) for row in rows}


def _with_reviews(
    rows: Sequence[RoleplaySubmission], reviews: dict[int, Review], names: dict[int, str]
) -> list[Version]:
    versions: list[Version] = []
    previous: RoleplaySubmission | None = None
    carried: list[tuple[int, Attachment]] = []
    for row in rows:
        diff = diff_lines(previous.text, row.text) if previous is not None else ()
        review = reviews.get(row.id)
        reviewer = names.get(review.mentor_id) if review and review.mentor_id else None
        versions.append(Version(row, review, diff, reviewer, tuple(carried)))
        carried.extend((row.version, file) for file in row.attachments)
        previous = row
    return versions


def history(session: DbSession, hire_id: int, case_slug: str) -> list[Version]:
    """Submitted versions, oldest first, each with its review and a diff to the one before."""
    rows = [s for s in versions_of(session, hire_id, case_slug) if s.status != "draft"]
    reviews = reviews_of(session, (s.id for s in rows))
    return _with_reviews(rows, reviews, reviewer_names(session, reviews.values()))


def histories(session: DbSession, hire_id: int) -> dict[str, list[Version]]:
    """``history`` of every case the hire submitted, in three queries whatever their number."""
    rows = list(
        session.scalars(
            sa.select(RoleplaySubmission)
            .where(RoleplaySubmission.user_id == hire_id, RoleplaySubmission.status != "draft")
            .options(selectinload(RoleplaySubmission.attachments))
            .order_by(RoleplaySubmission.case_slug, RoleplaySubmission.version)
        )
    )
    reviews = reviews_of(session, (s.id for s in rows))
    by_case: dict[str, list[RoleplaySubmission]] = {}
    for row in rows:
        by_case.setdefault(row.case_slug, []).append(row)
    names = reviewer_names(session, reviews.values())
    return {slug: _with_reviews(versions, reviews, names) for slug, versions in by_case.items()}


def latest(rows: Sequence[RoleplaySubmission]) -> RoleplaySubmission | None:
    return rows[-1] if rows else None


def is_open(row: RoleplaySubmission | None) -> bool:
    """Whether the hire may write (a first answer, a draft, or a new version after coaching)."""
    return row is None or row.status in OPEN_STATUSES


def may_write(session: DbSession, hire_id: int, row: RoleplaySubmission | None) -> bool:
    """``is_open``, or an approved answer whose case changed and that the hire's mentor or
    manager asked them to answer again: a new version, the approved one kept as it was."""
    if is_open(row):
        return True
    if row is None or row.status != "approved":
        return False
    approved = sa.select(RoleplaySubmission.submitted_at).where(
        RoleplaySubmission.user_id == hire_id,
        RoleplaySubmission.case_slug == row.case_slug,
        RoleplaySubmission.status == "approved",
    )
    found = open_redo_since(
        session, hire_id, "roleplay", row.case_slug, lambda: session.scalars(approved).all()
    )
    return found is not None


def starting_text(row: RoleplaySubmission | None) -> str:
    """What the editor shows: the draft, or the version that was sent back, to build on."""
    return row.text if row is not None and row.status in OPEN_STATUSES else ""


def _open_draft(session: DbSession, hire: User, case: RoleplayCase, now: datetime) -> int:
    """The id of the draft to write into, creating the next version when needed."""
    rows = versions_of(session, hire.id, case.slug)
    current = latest(rows)
    if current is not None and current.status == "draft":
        return current.id
    if not may_write(session, hire.id, current):
        raise AnswerLocked(current)
    version = current.version + 1 if current is not None else 1
    insert_ignore(
        session,
        RoleplaySubmission,
        {
            "user_id": hire.id,
            "case_slug": case.slug,
            "case_hash": case.content_hash,
            "text_language": case.language or None,
            "text_hash": case.text_hash or None,
            "version": version,
            "text": current.text if current is not None else "",
            "status": "draft",
            "created_at": now,
            "updated_at": now,
        },
        ["user_id", "case_slug", "version"],
    )
    # Whoever inserted it (this request or a concurrent one), it must still be a draft.
    row = session.execute(
        sa.select(RoleplaySubmission.id, RoleplaySubmission.status).where(
            RoleplaySubmission.user_id == hire.id,
            RoleplaySubmission.case_slug == case.slug,
            RoleplaySubmission.version == version,
        )
    ).one()
    if row.status != "draft":
        raise AnswerLocked(None)
    found: int = row.id
    return found


def save_answer(
    session: DbSession,
    hire: User,
    case: RoleplayCase,
    text: str,
    *,
    submit: bool,
    now: datetime,
    upload: StoredFile | None = None,
    upload_name: str = "",
) -> RoleplaySubmission:
    """Save the hire's draft, and freeze it as a submitted version when ``submit``.

    Raises AnswerLocked when there is nothing to edit (a second click on "Submit" lands here
    and changes nothing).
    """
    draft_id = _open_draft(session, hire, case, now)
    values: dict[str, object] = {
        "text": text,
        "updated_at": now,
        "case_hash": case.content_hash,
        # The text answered, as the hire read it when saving (a translation or the original).
        "text_language": case.language or None,
        "text_hash": case.text_hash or None,
    }
    if submit:
        values.update(status="submitted", submitted_at=now)
    result = session.execute(
        sa.update(RoleplaySubmission)
        .where(RoleplaySubmission.id == draft_id, RoleplaySubmission.status == "draft")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise AnswerLocked(None)
    if upload is not None:
        count = session.scalar(
            sa.select(sa.func.count())
            .select_from(Attachment)
            .where(Attachment.submission_id == draft_id)
        )
        if (count or 0) >= MAX_ATTACHMENTS:
            raise TooManyAttachments(
                N_("A version can have at most %(n)d files.", n=MAX_ATTACHMENTS)
            )
        session.add(
            Attachment(
                submission_id=draft_id,
                original_name=upload_name,
                stored_name=upload.stored_name,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                uploaded_at=now,
            )
        )
    session.flush()
    submission = session.get(RoleplaySubmission, draft_id, populate_existing=True)
    assert submission is not None
    refresh(session, [hire.id], now)
    if submit:
        # In this transaction: the notice exists exactly when the submission does. It goes to
        # the hire's mentor and to the mentors of their manager's review pool.
        reviewers = set(pool_of(session, hire.manager_id))
        if hire.mentor_id is not None:
            reviewers.add(hire.mentor_id)
        for reviewer in sorted(reviewers):
            notify(
                session,
                recipient=reviewer,
                kind="review_waiting",
                key=f"review_waiting:{submission.id}",
                data={
                    "hire": hire.name,
                    "case": case.title,
                    "case_slug": case.slug,
                    "version": submission.version,
                },
                now=now,
                endpoint="reviews.review",
                endpoint_args={"submission_id": submission.id},
            )
    return submission


def case_states(session: DbSession, hire_id: int) -> dict[str, RoleplaySubmission]:
    """The latest version of each case the hire has touched, keyed by case slug."""
    newest = (
        sa.select(RoleplaySubmission.case_slug, sa.func.max(RoleplaySubmission.version).label("v"))
        .where(RoleplaySubmission.user_id == hire_id)
        .group_by(RoleplaySubmission.case_slug)
        .subquery()
    )
    rows = session.scalars(
        sa.select(RoleplaySubmission)
        .join(
            newest,
            sa.and_(
                RoleplaySubmission.case_slug == newest.c.case_slug,
                RoleplaySubmission.version == newest.c.v,
            ),
        )
        .where(RoleplaySubmission.user_id == hire_id)
    )
    return {row.case_slug: row for row in rows}


def attachment_with_owner(
    session: DbSession, attachment_id: int
) -> tuple[Attachment, RoleplaySubmission, User] | None:
    row = session.execute(
        sa.select(Attachment, RoleplaySubmission, User)
        .join(RoleplaySubmission, RoleplaySubmission.id == Attachment.submission_id)
        .join(User, User.id == RoleplaySubmission.user_id)
        .where(Attachment.id == attachment_id)
    ).one_or_none()
    return (row[0], row[1], row[2]) if row else None
