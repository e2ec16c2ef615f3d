"""Plain builders for test data. They flush but never commit; tests decide."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from trainhub.auth.models import User
from trainhub.courses.models import LessonCompletion
from trainhub.quizzes.models import QuizAttempt
from trainhub.refresh import refresh
from trainhub.roleplays.models import Review, RoleplaySubmission
from trainhub.signoffs.models import SignOff

PASSWORD = "correct-horse-battery"
# Hashing once keeps a test that makes twenty people from spending seconds in scrypt.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")
_numbers = itertools.count(1)


def make_user(session: Session, role: str = "hire", **fields: Any) -> User:
    n = next(_numbers)
    defaults: dict[str, Any] = {
        "email": f"{role}{n}@example.test",
        "name": f"{role.title()} {n}",
        "role": role,
        "password_hash": PASSWORD_HASH,
    }
    if role == "hire":
        defaults.update(track="lead-generation", started_on=date(2026, 11, 1))
    user = User(**{**defaults, **fields})
    session.add(user)
    session.flush()
    # Builders write rows directly, so they keep the hire's readiness as a service would.
    refresh(session, [user.id], datetime.now(UTC))
    return user


def make_team(session: Session, track: str = "lead-generation", hires: int = 1) -> dict[str, Any]:
    """A manager, a mentor and their hires; the usual cast of a permission test."""
    manager = make_user(session, "manager")
    mentor = make_user(session, "mentor")
    people = [
        make_user(session, "hire", track=track, mentor_id=mentor.id, manager_id=manager.id)
        for _ in range(hires)
    ]
    return {"manager": manager, "mentor": mentor, "hires": people, "hire": people[0]}


# --- learner records (readiness, team dashboard) -----------------------------------------


def _at(when: datetime | None) -> datetime:
    return when if when is not None else datetime.now(UTC)


def make_completions(
    session: Session, hire: User, course: Any, *, at: Any = None, count: int | None = None
) -> list[LessonCompletion]:
    """Lesson completions of ``course`` (a catalog Course) by ``hire``: all, or the first
    ``count`` lessons."""
    rows = [
        LessonCompletion(
            user_id=hire.id,
            course_slug=course.slug,
            lesson_slug=lesson.slug,
            lesson_hash=lesson.content_hash,
            completed_at=_at(at),
        )
        for lesson in course.lessons[:count]
    ]
    session.add_all(rows)
    session.flush()
    refresh(session, [hire.id], datetime.now(UTC))
    return rows


def make_attempt(
    session: Session,
    hire: User,
    quiz_slug: str,
    percent: float | None,
    *,
    quiz_hash: str = "test",
    status: str = "graded",
    number: int = 1,
    at: Any = None,
) -> QuizAttempt:
    attempt = QuizAttempt(
        user_id=hire.id,
        quiz_slug=quiz_slug,
        quiz_hash=quiz_hash,
        number=number,
        status=status,
        layout={"questions": []},
        answers={},
        results={},
        percent=percent,
        score=percent,
        max_score=100.0,
        is_passed=None if percent is None else percent >= 50,
        started_at=_at(at),
        submitted_at=None if status == "in_progress" else _at(at),
    )
    session.add(attempt)
    session.flush()
    refresh(session, [hire.id], datetime.now(UTC))
    return attempt


def make_submission(
    session: Session,
    hire: User,
    case: Any,
    *,
    status: str = "submitted",
    version: int = 1,
    text: str = "My answer.",
    at: Any = None,
    review_by: User | None = None,
    score: float | None = None,
    comment: str = "",
) -> RoleplaySubmission:
    """A submitted version of an answer to ``case`` (a catalog RoleplayCase); with
    ``review_by`` and ``score`` it is reviewed too (approved when the status says so)."""
    when = _at(at)
    submission = RoleplaySubmission(
        user_id=hire.id,
        case_slug=case.slug,
        case_hash=case.content_hash,
        version=version,
        text=text,
        status=status,
        created_at=when,
        updated_at=when,
        submitted_at=None if status == "draft" else when,
    )
    session.add(submission)
    session.flush()
    if review_by is not None and score is not None:
        session.add(
            Review(
                submission_id=submission.id,
                mentor_id=review_by.id,
                scores={},
                score=score,
                passing_score=case.passing_score,
                comment=comment,
                decision="approved" if status == "approved" else "needs_work",
                created_at=when + timedelta(hours=2),
            )
        )
        session.flush()
    refresh(session, [hire.id], datetime.now(UTC))
    return submission


def make_signoff(
    session: Session,
    hire: User,
    track: Any,
    item_key: str,
    *,
    by: User | None = None,
    note: str = "",
    at: Any = None,
) -> SignOff:
    signoff = SignOff(
        user_id=hire.id,
        track=track.role,
        item_key=item_key,
        track_hash=track.content_hash,
        signed_by_id=by.id if by else None,
        note=note,
        signed_at=_at(at),
    )
    session.add(signoff)
    session.flush()
    refresh(session, [hire.id], datetime.now(UTC))
    return signoff


def complete_track(
    session: Session, catalog: Any, hire: User, mentor: User, *, steps: int | None = None
) -> None:
    """Do the first ``steps`` steps of the hire's track (all by default), as a hire who
    passed everything would have: every course read, quizzes passed, answers approved above
    the track's minimum, items signed off by ``mentor``."""
    track = catalog.tracks[hire.track]
    when = datetime.now(UTC) - timedelta(days=10)
    for step in track.steps[:steps]:
        when += timedelta(hours=3)
        if step.kind == "course":
            make_completions(session, hire, catalog.courses[step.slug], at=when)
        elif step.kind == "quiz":
            quiz = catalog.quizzes[step.slug]
            make_attempt(session, hire, step.slug, 100.0, quiz_hash=quiz.content_hash, at=when)
        elif step.kind == "roleplay":
            case = catalog.roleplays[step.slug]
            minimum = step.min_score if step.min_score is not None else case.passing_score
            make_submission(
                session, hire, case, status="approved", at=when, review_by=mentor,
                score=min(4.0, minimum + 0.5),
            )  # fmt: skip
        else:
            make_signoff(session, hire, track, step.slug, by=mentor, at=when)
