"""Taking quizzes: start, save, submit, time out, and the mentor's essay grading.

Integrity rules, enforced by the database rather than by reading first:
- the attempt number is unique per hire and quiz, so parallel starts cannot pass the limit;
- a submit is ``UPDATE ... WHERE status = 'in_progress'``, so a double submit grades once;
- grading reads the attempt's own layout (the questions as drawn, with their keys), never what
  the client says about scores or correctness.

Time limit: an attempt's ``deadline_at`` is its start plus the quiz's limit. A submit that
arrives within ``GRACE`` of the deadline counts as sent. A later one is refused: the attempt is
graded with the answers last *saved* before the deadline, as if submitted at the deadline. An
attempt left open past its deadline is closed the same way the next time the hire comes back.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..audit.service import record_event
from ..auth.models import User
from ..catalog.quiz_review import EVERYTHING, Shown, shown_to_hire
from ..catalog.quizzes import Quiz
from ..catalog.tracks import Track, step_threshold
from ..db import DbSession, insert_ignore, rowcount
from ..refresh import refresh
from ..stale import rules as stale_rules
from ..stale.changes import Change, QuestionChange, question_changes
from ..stale.redo import decisions_of, open_redo_since
from .layout import Layout, Outcome, build_layout, clean_answers, grade_layout
from .models import EssayGrade, QuizAttempt
from .stats import QuestionStats, StatRow, Thresholds, question_stats

GRACE = timedelta(seconds=30)
START_RETRIES = 5


class QuizError(Exception):
    """A refusal the hire should read (the view shows the message)."""


class AttemptsUsedUp(QuizError):
    pass


# --- queries ------------------------------------------------------------------------------


def layout_of(attempt: QuizAttempt) -> Layout:
    """The attempt's layout, read from the JSON it was stored as (a tenth of a millisecond for
    a ten-question quiz: read once per use, not kept)."""
    return Layout.from_json(attempt.layout)


def attempts_of(session: DbSession, hire_id: int, quiz_slug: str) -> list[QuizAttempt]:
    return list(
        session.scalars(
            sa.select(QuizAttempt)
            .where(QuizAttempt.user_id == hire_id, QuizAttempt.quiz_slug == quiz_slug)
            .order_by(QuizAttempt.number)
        )
    )


def open_attempt(session: DbSession, hire_id: int, quiz_slug: str) -> QuizAttempt | None:
    return session.scalar(
        sa.select(QuizAttempt).where(
            QuizAttempt.user_id == hire_id,
            QuizAttempt.quiz_slug == quiz_slug,
            QuizAttempt.status == "in_progress",
        )
    )


def has_passed(attempts: list[QuizAttempt]) -> bool:
    return any(a.status == "graded" and a.is_passed for a in attempts)


def track_pass_mark(tracks: Mapping[str, Track], track: str | None, quiz: Quiz) -> int | None:
    """The pass mark a hire's onboarding track asks of this quiz, when it is not the quiz's own.

    Readiness counts the quiz step done at the track's mark, while the quiz itself (its
    verdict, its "after pass" feedback) keeps its own: a hire must be told when the two differ.
    The mark is ``step_threshold``'s, the very figure readiness judges the step by.
    """
    found = tracks.get(track or "")
    step = found.step("quiz", quiz.slug) if found else None
    if step is None:
        return None
    mark = step_threshold(step, quiz)
    return None if mark == quiz.pass_mark else mark


def best_percent(attempts: list[QuizAttempt]) -> float | None:
    graded = [a.percent for a in attempts if a.status == "graded" and a.percent is not None]
    return max(graded, default=None)


def first_graded_attempts(session: DbSession, quiz_slug: str) -> list[QuizAttempt]:
    """Each hire's first graded attempt of a quiz (what the question statistics read), in one
    statement however many there are."""
    first = (
        sa.select(QuizAttempt.user_id, sa.func.min(QuizAttempt.number).label("number"))
        .where(QuizAttempt.quiz_slug == quiz_slug, QuizAttempt.status == "graded")
        .group_by(QuizAttempt.user_id)
        .subquery()
    )
    return list(
        session.scalars(
            sa.select(QuizAttempt)
            .join(
                first,
                sa.and_(
                    QuizAttempt.user_id == first.c.user_id, QuizAttempt.number == first.c.number
                ),
            )
            .where(QuizAttempt.quiz_slug == quiz_slug)
            .order_by(QuizAttempt.id)
        )
    )


def quiz_statistics(
    session: DbSession, quiz: Quiz, thresholds: Thresholds
) -> tuple[int, list[QuestionStats]]:
    """How many hires' first attempts are counted, and the statistics of every question."""
    rows: list[StatRow] = []
    for attempt in first_graded_attempts(session, quiz.slug):
        try:
            layout = Layout.from_json(attempt.layout)
        except (KeyError, TypeError):
            continue  # not a layout this release can read: it cannot be counted per question
        rows.append(StatRow(layout, attempt.answers or {}, attempt.results or {}))
    return len(rows), question_stats(rows, quiz.questions, thresholds)


def attempts_left(limit: int | None, attempts: list[QuizAttempt]) -> int | None:
    """Attempts the hire may still start under ``limit``; None when unlimited."""
    return max(0, limit - len(attempts)) if limit else None


def shown_to(layout: Layout, attempts: list[QuizAttempt], own: bool) -> Shown:
    """What a result page of this attempt shows: everything to staff who may see the hire,
    and to the hire what the quiz's review options allow at this moment."""
    if not own:
        return EVERYTHING
    return shown_to_hire(
        layout.review_options,
        passed=has_passed(attempts),
        attempts_left=attempts_left(layout.attempts, attempts),
    )


def is_expired(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def grading_queue(session: DbSession, hire_ids: sa.Select[int]) -> list[QuizAttempt]:
    return list(
        session.scalars(
            sa.select(QuizAttempt)
            .where(QuizAttempt.status == "awaiting_grading", QuizAttempt.user_id.in_(hire_ids))
            .order_by(QuizAttempt.submitted_at)
        )
    )


def grading_count(session: DbSession, hire_ids: sa.Select[int]) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(QuizAttempt)
            .where(QuizAttempt.status == "awaiting_grading", QuizAttempt.user_id.in_(hire_ids))
        )
        or 0
    )


# --- writes -------------------------------------------------------------------------------


# Built once, with every value a parameter: a submission is the busiest write, and building
# (and cache-keying) an UPDATE with nine literal values cost a tenth of it.
_ATTEMPTS = cast(sa.Table, QuizAttempt.__table__)
_FINISHED = (
    "status",
    "answers",
    "results",
    "score",
    "max_score",
    "percent",
    "is_passed",
    "submitted_at",
    "graded_at",
)
_FINISH = (
    _ATTEMPTS.update()
    .where(_ATTEMPTS.c.id == sa.bindparam("attempt_id"), _ATTEMPTS.c.status == "in_progress")
    .values({name: sa.bindparam(f"new_{name}", type_=_ATTEMPTS.c[name].type) for name in _FINISHED})
)


def graded_columns(outcome: Outcome) -> dict[str, Any]:
    """The attempt's columns that grading sets (the rest say who, which quiz, and when)."""
    return {
        "status": outcome.status,
        "results": outcome.results,
        "score": outcome.score,
        "max_score": outcome.max_score,
        "percent": outcome.percent,
        "is_passed": outcome.is_passed,
    }


def _finish(
    session: DbSession,
    attempt: QuizAttempt,
    layout: Layout,
    answers: dict[str, Any],
    submitted_at: datetime,
) -> bool:
    """Grade and close an open attempt; the UPDATE's condition makes a rival's second
    submission change nothing."""
    outcome = grade_layout(layout, answers)
    values = {
        **graded_columns(outcome),
        "answers": answers,
        "submitted_at": submitted_at,
        "graded_at": submitted_at if outcome.status == "graded" else None,
    }
    result = session.execute(
        _FINISH, {"attempt_id": attempt.id, **{f"new_{k}": v for k, v in values.items()}}
    )
    refresh(session, [attempt.user_id], submitted_at)
    session.expire(attempt)
    return rowcount(result) == 1


def close_if_expired(session: DbSession, attempt: QuizAttempt, now: datetime) -> bool:
    """Grade an attempt left open past its deadline with the answers saved in time."""
    if attempt.status != "in_progress" or not is_expired(attempt, now):
        return False
    assert attempt.deadline_at is not None
    return _finish(session, attempt, layout_of(attempt), attempt.answers or {}, attempt.deadline_at)


def redo_asked_at(
    session: DbSession, hire_id: int, quiz_slug: str, pass_mark: int
) -> datetime | None:
    """When the hire was asked to take this quiz again (its content changed) and has not
    reached ``pass_mark`` since (the track's mark, as readiness judges it); else None."""
    passed = sa.select(QuizAttempt.submitted_at).where(
        QuizAttempt.user_id == hire_id,
        QuizAttempt.quiz_slug == quiz_slug,
        QuizAttempt.status == "graded",
        QuizAttempt.percent >= pass_mark,
    )
    return open_redo_since(
        session, hire_id, "quiz", quiz_slug, lambda: session.scalars(passed).all()
    )


def limit_count(session: DbSession, hire_id: int, quiz_slug: str, pass_mark: int) -> int:
    """The attempts that count against the quiz's limit: all of them, or, for a hire asked
    to take it again, those started since (the redo gives the attempts afresh)."""
    since = redo_asked_at(session, hire_id, quiz_slug, pass_mark)
    query = sa.select(sa.func.count()).where(
        QuizAttempt.user_id == hire_id, QuizAttempt.quiz_slug == quiz_slug
    )
    if since is not None:
        query = query.where(QuizAttempt.started_at > since)
    return int(session.scalar(query) or 0)


def start_attempt(
    session: DbSession,
    hire: User,
    quiz: Quiz,
    now: datetime,
    rng: random.Random | None = None,
    *,
    pass_mark: int | None = None,
) -> QuizAttempt:
    """The hire's open attempt of this quiz, or a new one. Raises AttemptsUsedUp.

    ``pass_mark``: the hire's track's mark for the quiz (default the quiz's), which says
    whether a redo the hire was asked for is done yet."""
    rng = rng or random.Random()
    for _ in range(START_RETRIES):
        # One statement, one snapshot: on PostgreSQL two separate reads could see a rival's
        # new attempt in the count but not as open, and start a second open attempt.
        used, open_id = session.execute(
            sa.select(
                sa.func.count(),
                sa.func.max(sa.case((QuizAttempt.status == "in_progress", QuizAttempt.id))),
            ).where(QuizAttempt.user_id == hire.id, QuizAttempt.quiz_slug == quiz.slug)
        ).one()
        current = session.get(QuizAttempt, open_id) if open_id else None
        if current is not None and not close_if_expired(session, current, now):
            return current
        if quiz.attempts and (used or 0) >= quiz.attempts:
            mark = quiz.pass_mark if pass_mark is None else pass_mark
            if limit_count(session, hire.id, quiz.slug, mark) >= quiz.attempts:
                raise AttemptsUsedUp(f"all {quiz.attempts} attempts used")
        limit = quiz.time_limit_minutes
        attempt = QuizAttempt(
            user_id=hire.id,
            quiz_slug=quiz.slug,
            quiz_hash=quiz.content_hash,
            # The language the questions are asked in (the layout keeps their texts).
            text_language=quiz.language or None,
            text_hash=quiz.text_hash or None,
            number=(used or 0) + 1,
            status="in_progress",
            layout=build_layout(quiz, rng).to_json(),
            answers={},
            started_at=now,
            deadline_at=now + timedelta(minutes=limit) if limit else None,
        )
        try:
            # A savepoint: losing the race for this number must not end the transaction.
            with session.begin_nested():
                session.add(attempt)
                session.flush()
        except IntegrityError:
            continue  # another request took this number; look again
        refresh(session, [hire.id], now)
        return attempt
    raise QuizError("the quiz is busy; try again")


def save_answers(
    session: DbSession, attempt: QuizAttempt, answers: dict[str, Any], now: datetime
) -> bool:
    """Keep the answers so far (the attempt stays open). False once it is closed or late."""
    if is_expired(attempt, now):
        close_if_expired(session, attempt, now)
        return False
    result = session.execute(
        sa.update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == "in_progress")
        .values(answers=clean_answers(layout_of(attempt), answers))
        .execution_options(synchronize_session=False)
    )
    session.expire(attempt)
    return rowcount(result) == 1


def submit_attempt(
    session: DbSession, attempt: QuizAttempt, answers: dict[str, Any], now: datetime
) -> bool:
    """Grade and close the attempt. True if this call did it (False: already submitted)."""
    if attempt.status != "in_progress":
        return False
    if is_expired(attempt, now):
        return close_if_expired(session, attempt, now)
    layout = layout_of(attempt)
    return _finish(session, attempt, layout, clean_answers(layout, answers), now)


def grade_essays(
    session: DbSession,
    attempt: QuizAttempt,
    marks: dict[str, tuple[float, str]],
    actor: User,
    hire: User,
    now: datetime,
) -> bool:
    """Record the mentor's points per essay; once all are in, the attempt is graded.

    Returns True if this call completed the grading. A second submit of the same form adds
    nothing: each essay's grade is unique per attempt.
    """
    layout = layout_of(attempt)
    essays = {question.id for question in layout.essays}
    for key, (points, comment) in marks.items():
        if key not in essays:
            continue
        insert_ignore(
            session,
            EssayGrade,
            {
                "attempt_id": attempt.id,
                "question_key": key,
                "mentor_id": actor.id,
                "points": points,
                "comment": comment,
                "graded_at": now,
            },
            ["attempt_id", "question_key"],
        )
    rows = session.execute(
        sa.select(EssayGrade.question_key, EssayGrade.points, EssayGrade.comment).where(
            EssayGrade.attempt_id == attempt.id
        )
    ).all()
    outcome = grade_layout(layout, attempt.answers or {}, {r[0]: r[1] for r in rows})
    if outcome.status != "graded":
        return False
    for key, _points, comment in rows:
        if key in outcome.results and comment:
            outcome.results[key]["comment"] = comment
    result = session.execute(
        sa.update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.status == "awaiting_grading")
        .values(
            status="graded",
            results=outcome.results,
            score=outcome.score,
            max_score=outcome.max_score,
            percent=outcome.percent,
            is_passed=outcome.is_passed,
            graded_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    refresh(session, [hire.id], now)
    session.expire(attempt)
    if rowcount(result) != 1:
        return False
    record_event(
        session,
        actor=actor,
        action="quiz.essays_graded",
        now=now,
        subject=hire,
        object_type="quiz_attempt",
        object_id=attempt.id,
        data={"quiz": attempt.quiz_slug, "percent": outcome.percent},
    )
    return True


def attempt_questions(attempt: QuizAttempt, quiz: Quiz) -> tuple[tuple[QuestionChange, ...], bool]:
    """What changed in the questions this attempt asked (its layout keeps them whole)."""
    try:
        layout = Layout.from_json(attempt.layout)
    except (KeyError, TypeError, ValueError):
        return (), False  # a layout of another shape: the quiz is named, not its questions
    return question_changes(
        (e.question for e in layout.questions), quiz, pass_mark=layout.pass_mark
    )


def quiz_change(
    session: DbSession, hire: User, quiz: Quiz, attempts: Sequence[QuizAttempt], pass_mark: int
) -> Change | None:
    """The quiz page's note: the quiz changed after the hire passed it (which questions), or
    they are asked to take it again. ``attempts``: the hire's attempts, already read;
    ``pass_mark``: the track's mark for the quiz, as readiness judges the step."""
    passing = [a for a in attempts if a.status == "graded" and (a.percent or 0) >= pass_mark]
    if not passing:
        return None
    decided = decisions_of(session, hire.id, "quiz").get(("quiz", quiz.slug), [])
    since = stale_rules.redo_since(decided, (a.submitted_at for a in passing))
    last = max(passing, key=lambda a: a.number)
    if since is None and not stale_rules.work_outdated(
        (a.quiz_hash for a in passing), quiz, decided
    ):
        return None
    questions: tuple[QuestionChange, ...] = ()
    settings = False
    if since is None:
        questions, settings = attempt_questions(last, quiz)
    return Change(
        "quiz",
        quiz.slug,
        quiz.slug,
        quiz.title,
        quiz.content_hash,
        last.submitted_at,
        redo=since is not None,
        questions=questions,
        settings_changed=settings,
    )
