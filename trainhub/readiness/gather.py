"""Gathering ``HireFacts`` from the database for many hires at once.

The statement count is fixed (one per kind of record) whatever the number of hires: the hires
are given as a subquery, never as one query each. Dashboards, the CSV and the API rely on it.
The queries run on the session's connection as plain Core selects of columns: at a thousand
hires the ORM's per-row bookkeeping cost more than the queries themselves.

``gather_raw`` keeps each hire's rows as plain tuples (``RawFacts``), which are hashable: the
readiness of a hire whose rows have not changed can then be looked up instead of evaluated
again (``readiness.service.evaluate_raw``). ``RawFacts.facts()`` builds the ``HireFacts``
that the rules read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..courses.models import LessonCompletion
from ..db import DbSession, as_utc, raw_time
from ..quizzes.models import QuizAttempt
from ..roleplays.models import Review, RoleplaySubmission
from ..signoffs.models import SignOff
from ..stale.models import StaleDecision
from .facts import (
    AttemptFact,
    CourseFact,
    DecisionFact,
    HireFacts,
    SignOffFact,
    SubmissionFact,
)

HireIds = sa.Select[int] | Iterable[int]


def _ids(hire_ids: HireIds) -> sa.Select[int] | list[int]:
    return hire_ids if isinstance(hire_ids, sa.Select) else list(hire_ids)


@dataclass(frozen=True)
class RawFacts:
    """One hire's rows, as read: (course, last completed, "lesson hash,...") per course,
    attempts and submissions in number/version order, live sign-offs by item. Times are raw
    (see ``db.raw_time``) until ``facts()`` converts them."""

    courses: tuple[tuple[Any, ...], ...] = ()
    attempts: tuple[tuple[Any, ...], ...] = ()
    submissions: tuple[tuple[Any, ...], ...] = ()
    signoffs: tuple[tuple[Any, ...], ...] = ()
    decisions: tuple[tuple[Any, ...], ...] = ()

    def facts(self) -> HireFacts:
        attempts: dict[str, list[AttemptFact]] = defaultdict(list)
        for quiz_slug, number, status, percent, quiz_hash, submitted_at in self.attempts:
            attempts[quiz_slug].append(
                AttemptFact(number, status, percent, quiz_hash, as_utc(submitted_at))
            )
        submissions: dict[str, list[SubmissionFact]] = defaultdict(list)
        for (
            case_slug,
            version,
            status,
            case_hash,
            at,
            score,
            decision,
            reviewed_at,
            by,
        ) in self.submissions:
            # The review's decision is what counts, whatever the submission row says.
            submissions[case_slug].append(
                SubmissionFact(
                    version,
                    decision or status,
                    case_hash,
                    as_utc(at),
                    score,
                    as_utc(reviewed_at),
                    by,
                )
            )
        decisions: dict[tuple[str, str], list[DecisionFact]] = defaultdict(list)
        for kind, item, version, verdict, at, redone_at, redone_version in self.decisions:
            decisions[(kind, item)].append(
                DecisionFact(version, verdict, as_utc(at), as_utc(redone_at), redone_version)
            )
        return HireFacts(
            courses={
                slug: CourseFact(dict(p.split(" ", 1) for p in pairs.split(",")), as_utc(last_at))
                for slug, last_at, pairs in self.courses
            },
            attempts={k: tuple(v) for k, v in attempts.items()},
            submissions={k: tuple(v) for k, v in submissions.items()},
            signoffs={
                key: SignOffFact(name or "—", as_utc(at), track_hash)
                for key, at, track_hash, name in self.signoffs
            },
            decisions={k: tuple(v) for k, v in decisions.items()},
        )


NO_FACTS = RawFacts()


def gather_raw(session: DbSession, hire_ids: HireIds) -> dict[int, RawFacts]:
    """Each hire's rows (hires with none are left out), five statements in all."""
    ids = _ids(hire_ids)
    conn = session.connection()
    rows: dict[int, dict[str, list[tuple[Any, ...]]]] = defaultdict(
        lambda: {"courses": [], "attempts": [], "submissions": [], "signoffs": [], "decisions": []}
    )
    # One row per hire and course rather than per lesson: a quarter of the rows to read.
    # Slugs and hashes hold no spaces or commas, so the pairs survive the string round trip.
    read = sa.func.aggregate_strings(
        LessonCompletion.lesson_slug + " " + LessonCompletion.lesson_hash, ","
    )
    for user_id, *rest in conn.execute(
        sa.select(
            LessonCompletion.user_id,
            LessonCompletion.course_slug,
            raw_time(sa.func.max(LessonCompletion.completed_at)),
            read,
        )
        .where(LessonCompletion.user_id.in_(ids))
        .group_by(LessonCompletion.user_id, LessonCompletion.course_slug)
    ).all():
        rows[user_id]["courses"].append(tuple(rest))

    for user_id, *rest in conn.execute(
        sa.select(
            QuizAttempt.user_id,
            QuizAttempt.quiz_slug,
            QuizAttempt.number,
            QuizAttempt.status,
            QuizAttempt.percent,
            QuizAttempt.quiz_hash,
            raw_time(QuizAttempt.submitted_at),
        )
        .where(QuizAttempt.user_id.in_(ids))
        .order_by(QuizAttempt.user_id, QuizAttempt.quiz_slug, QuizAttempt.number)
    ).all():
        rows[user_id]["attempts"].append(tuple(rest))

    reviewer = aliased(User)
    for user_id, *rest in conn.execute(
        sa.select(
            RoleplaySubmission.user_id,
            RoleplaySubmission.case_slug,
            RoleplaySubmission.version,
            RoleplaySubmission.status,
            RoleplaySubmission.case_hash,
            raw_time(RoleplaySubmission.submitted_at),
            Review.score,
            Review.decision,
            raw_time(Review.created_at),
            reviewer.name,
        )
        .outerjoin(Review, Review.submission_id == RoleplaySubmission.id)
        .outerjoin(reviewer, reviewer.id == Review.mentor_id)
        .where(RoleplaySubmission.user_id.in_(ids))
        .order_by(
            RoleplaySubmission.user_id, RoleplaySubmission.case_slug, RoleplaySubmission.version
        )
    ).all():
        rows[user_id]["submissions"].append(tuple(rest))

    signer = aliased(User)
    for user_id, *rest in conn.execute(
        sa.select(
            SignOff.user_id,
            SignOff.item_key,
            raw_time(SignOff.signed_at),
            SignOff.track_hash,
            signer.name,
        )
        .outerjoin(signer, signer.id == SignOff.signed_by_id)
        .where(SignOff.user_id.in_(ids), SignOff.revoked_at.is_(None))
        .order_by(SignOff.user_id, SignOff.item_key)
    ).all():
        rows[user_id]["signoffs"].append(tuple(rest))

    for user_id, *rest in conn.execute(
        sa.select(
            StaleDecision.user_id,
            StaleDecision.kind,
            StaleDecision.item,
            StaleDecision.version,
            StaleDecision.verdict,
            raw_time(StaleDecision.decided_at),
            raw_time(StaleDecision.redone_at),
            StaleDecision.redone_version,
        )
        .where(StaleDecision.user_id.in_(ids))
        .order_by(StaleDecision.user_id, StaleDecision.id)
    ).all():
        rows[user_id]["decisions"].append(tuple(rest))

    return {
        user_id: RawFacts(
            tuple(kinds["courses"]),
            tuple(kinds["attempts"]),
            tuple(kinds["submissions"]),
            tuple(kinds["signoffs"]),
            tuple(kinds["decisions"]),
        )
        for user_id, kinds in rows.items()
    }


def gather_facts(session: DbSession, hire_ids: HireIds) -> dict[int, HireFacts]:
    """Facts for every hire in ``hire_ids`` (a list, or a SELECT of user ids); a hire with
    no records at all gets empty facts when the ids are given as a list."""
    given = _ids(hire_ids)
    raw = gather_raw(session, given)
    ids = set(raw) if isinstance(given, sa.Select) else set(raw) | set(given)
    return {user_id: raw.get(user_id, NO_FACTS).facts() for user_id in ids}


def facts_for(session: DbSession, hire: User) -> HireFacts:
    return gather_facts(session, [hire.id]).get(hire.id, HireFacts())
