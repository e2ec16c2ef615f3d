"""Gathering ``HireFacts`` from the database for many hires at once.

The statement count is fixed (one per kind of record) whatever the number of hires: the hires
are given as a subquery, never as one query each. Dashboards, the CSV and the API rely on it.
The queries run on the session's connection as plain Core selects of columns: at a thousand
hires the ORM's per-row bookkeeping cost more than the queries themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from ..auth.models import User
from ..courses.models import LessonCompletion
from ..quizzes.models import QuizAttempt
from ..reviews.models import Review, SignOff
from ..roleplays.models import RoleplaySubmission
from .rules import AttemptFact, CourseFact, HireFacts, SignOffFact, SubmissionFact

HireIds = sa.Select[tuple[int]] | Iterable[int]


def _ids(hire_ids: HireIds) -> sa.Select[tuple[int]] | list[int]:
    return hire_ids if isinstance(hire_ids, sa.Select) else list(hire_ids)


def gather_facts(session: Session, hire_ids: HireIds) -> dict[int, HireFacts]:
    """Facts for every hire in ``hire_ids`` (a list, or a SELECT of user ids)."""
    ids = _ids(hire_ids)
    conn = session.connection()
    # One row per hire and course rather than per lesson: a quarter of the rows to read.
    # Slugs and hashes hold no spaces or commas, so the pairs survive the string round trip.
    read = sa.func.aggregate_strings(
        LessonCompletion.lesson_slug + " " + LessonCompletion.lesson_hash, ","
    )
    courses: dict[int, dict[str, CourseFact]] = defaultdict(dict)
    for user_id, course_slug, last_at, pairs in conn.execute(
        sa.select(
            LessonCompletion.user_id,
            LessonCompletion.course_slug,
            sa.func.max(LessonCompletion.completed_at),
            read,
        )
        .where(LessonCompletion.user_id.in_(ids))
        .group_by(LessonCompletion.user_id, LessonCompletion.course_slug)
    ):
        courses[user_id][course_slug] = CourseFact(
            dict(pair.split(" ", 1) for pair in pairs.split(",")), last_at
        )

    attempts: dict[int, dict[str, list[AttemptFact]]] = defaultdict(lambda: defaultdict(list))
    for row in conn.execute(
        sa.select(
            QuizAttempt.user_id,
            QuizAttempt.quiz_slug,
            QuizAttempt.number,
            QuizAttempt.status,
            QuizAttempt.percent,
            QuizAttempt.quiz_hash,
            QuizAttempt.submitted_at,
        )
        .where(QuizAttempt.user_id.in_(ids))
        .order_by(QuizAttempt.number)
    ):
        attempts[row.user_id][row.quiz_slug].append(
            AttemptFact(row.number, row.status, row.percent, row.quiz_hash, row.submitted_at)
        )

    reviewer = aliased(User)
    submissions: dict[int, dict[str, list[SubmissionFact]]] = defaultdict(lambda: defaultdict(list))
    for row in conn.execute(
        sa.select(
            RoleplaySubmission.user_id,
            RoleplaySubmission.case_slug,
            RoleplaySubmission.version,
            RoleplaySubmission.status,
            RoleplaySubmission.case_hash,
            RoleplaySubmission.submitted_at,
            Review.score,
            Review.decision,
            Review.created_at.label("reviewed_at"),
            reviewer.name.label("reviewer"),
        )
        .outerjoin(Review, Review.submission_id == RoleplaySubmission.id)
        .outerjoin(reviewer, reviewer.id == Review.mentor_id)
        .where(RoleplaySubmission.user_id.in_(ids))
        .order_by(RoleplaySubmission.version)
    ):
        submissions[row.user_id][row.case_slug].append(
            SubmissionFact(
                row.version,
                # The review's decision is what counts, whatever the submission row says.
                row.decision or row.status,
                row.case_hash,
                row.submitted_at,
                row.score,
                row.reviewed_at,
                row.reviewer,
            )
        )

    signer = aliased(User)
    signoffs: dict[int, dict[str, SignOffFact]] = defaultdict(dict)
    for row in conn.execute(
        sa.select(
            SignOff.user_id, SignOff.item_key, SignOff.signed_at, SignOff.track_hash, signer.name
        )
        .outerjoin(signer, signer.id == SignOff.signed_by_id)
        .where(SignOff.user_id.in_(ids), SignOff.revoked_at.is_(None))
    ):
        signoffs[row.user_id][row.item_key] = SignOffFact(
            row.name or "—", row.signed_at, row.track_hash
        )

    everyone = set(courses) | set(attempts) | set(submissions) | set(signoffs)
    if not isinstance(ids, sa.Select):
        everyone |= set(ids)
    return {
        user_id: HireFacts(
            courses=courses.get(user_id, {}),
            attempts={k: tuple(v) for k, v in attempts.get(user_id, {}).items()},
            submissions={k: tuple(v) for k, v in submissions.get(user_id, {}).items()},
            signoffs=signoffs.get(user_id, {}),
        )
        for user_id in everyone
    }


def facts_for(session: Session, hire: User) -> HireFacts:
    return gather_facts(session, [hire.id]).get(hire.id, HireFacts())
