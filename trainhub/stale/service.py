"""A hire's changed work for the pages that show it, and the decisions about it.

``changes_of`` reads what the hire's readiness flags (``readiness.rules`` with
``stale.rules``) and names what changed: the lessons, the questions of the attempt, the case.
``decide`` records a mentor's or manager's "redo it" or "minor change" for one item: one row
per hire, item and version (a double click is one), an audit event, a notice to the hire
when they are asked to redo it, and the hire's kept readiness refreshed in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..audit.service import record_event
from ..auth.models import User
from ..catalog import Catalog
from ..catalog.courses import Course
from ..catalog.quizzes import Quiz
from ..courses.models import LessonCompletion
from ..db import DbSession, insert_ignore
from ..notifications.service import notify
from ..quizzes.layout import Layout
from ..quizzes.models import QuizAttempt
from ..readiness.results import Readiness
from ..refresh import refresh
from ..roleplays.models import RoleplaySubmission
from . import rules
from .changes import Change, QuestionChange, question_changes
from .models import StaleDecision

VERDICTS = ("redo", "minor")


def decisions_of(
    session: DbSession, hire_id: int, kind: str | None = None
) -> dict[tuple[str, str], list[StaleDecision]]:
    query = sa.select(StaleDecision).where(StaleDecision.user_id == hire_id)
    if kind is not None:
        query = query.where(StaleDecision.kind == kind)
    found: dict[tuple[str, str], list[StaleDecision]] = {}
    for row in session.scalars(query.order_by(StaleDecision.id)):
        found.setdefault((row.kind, row.item), []).append(row)
    return found


def lesson_changes(
    session: DbSession,
    hire: User,
    course: Course,
    *,
    decisions: dict[tuple[str, str], list[StaleDecision]] | None = None,
) -> dict[str, Change]:
    """The lessons of one course the hire completed and that changed since (or that they
    were asked to read again), by lesson slug."""
    rows = session.execute(
        sa.select(
            LessonCompletion.lesson_slug,
            LessonCompletion.lesson_hash,
            LessonCompletion.completed_at,
        ).where(LessonCompletion.user_id == hire.id, LessonCompletion.course_slug == course.slug)
    ).all()
    if not rows:
        return {}
    if decisions is None:
        decisions = decisions_of(session, hire.id, "lesson")
    found: dict[str, Change] = {}
    for slug, stored, at in rows:
        lesson = course.lesson(slug)
        if lesson is None:
            continue
        item = rules.lesson_item(course.slug, slug)
        decided = decisions.get(("lesson", item), [])
        redo = rules.lesson_redo_open(decided)
        if redo or rules.lesson_outdated(stored, lesson, decided):
            found[slug] = Change(
                "lesson",
                item,
                course.slug,
                lesson.title,
                lesson.content_hash,
                at,
                redo=redo,
                course_title=course.title,
                lesson_slug=slug,
            )
    return found


def _latest_attempt(session: DbSession, hire_id: int, quiz_slug: str) -> QuizAttempt | None:
    return session.scalars(
        sa.select(QuizAttempt)
        .where(
            QuizAttempt.user_id == hire_id,
            QuizAttempt.quiz_slug == quiz_slug,
            QuizAttempt.status == "graded",
        )
        .order_by(QuizAttempt.is_passed.desc(), QuizAttempt.number.desc())
        .limit(1)
    ).first()


def _latest_approved(session: DbSession, hire_id: int, case_slug: str) -> datetime | None:
    return session.scalar(
        sa.select(sa.func.max(RoleplaySubmission.submitted_at)).where(
            RoleplaySubmission.user_id == hire_id,
            RoleplaySubmission.case_slug == case_slug,
            RoleplaySubmission.status == "approved",
        )
    )


def changes_of(
    session: DbSession, cat: Catalog, hire: User, readiness: Readiness | None
) -> list[Change]:
    """Every flagged step of the hire's readiness, with what changed in it, in track order.
    Reads only for the steps flagged: a hire with nothing changed costs no statement."""
    if readiness is None:
        return []
    flagged = [s for s in readiness.steps if s.outdated or s.redo]
    if not flagged:
        return []
    found: list[Change] = []
    lesson_decisions = decisions_of(session, hire.id, "lesson")
    for step in flagged:
        if step.kind == "course":
            course = cat.courses.get(step.slug)
            if course is not None:
                changed = lesson_changes(session, hire, course, decisions=lesson_decisions)
                found += [changed[x.slug] for x in course.lessons if x.slug in changed]
        elif step.kind == "quiz":
            quiz = cat.quizzes.get(step.slug)
            if quiz is None:
                continue
            attempt = _latest_attempt(session, hire.id, quiz.slug)
            questions: tuple[QuestionChange, ...] = ()
            settings = False
            if attempt is not None and not step.redo:
                questions, settings = _attempt_questions(attempt, quiz)
            found.append(
                Change(
                    "quiz",
                    quiz.slug,
                    quiz.slug,
                    quiz.title,
                    quiz.content_hash,
                    attempt.submitted_at if attempt is not None else None,
                    redo=step.redo,
                    questions=questions,
                    settings_changed=settings,
                )
            )
        elif step.kind == "roleplay":
            case = cat.roleplays.get(step.slug)
            if case is None:
                continue
            found.append(
                Change(
                    "roleplay",
                    case.slug,
                    case.slug,
                    case.title,
                    case.content_hash,
                    _latest_approved(session, hire.id, case.slug),
                    redo=step.redo,
                )
            )
    return found


def _attempt_questions(attempt: QuizAttempt, quiz: Quiz) -> tuple[tuple[QuestionChange, ...], bool]:
    """What changed in the questions this attempt asked (its layout keeps them whole)."""
    try:
        layout = Layout.from_json(attempt.layout)
    except (KeyError, TypeError, ValueError):
        return (), False  # a layout of another shape: the quiz is named, not its questions
    return question_changes(
        (e.question for e in layout.questions), quiz, pass_mark=layout.pass_mark
    )


def changes_by_step(changes: Sequence[Change]) -> dict[str, list[Change]]:
    """Changes under the track step they belong to ("course:slug" for a lesson's)."""
    found: dict[str, list[Change]] = {}
    for change in changes:
        kind = "course" if change.kind == "lesson" else change.kind
        found.setdefault(f"{kind}:{change.slug}", []).append(change)
    return found


@dataclass(frozen=True)
class Decided:
    is_new: bool
    change: Change


class NotChanged(LookupError):
    """The item is not flagged for this hire (any more): nothing to decide."""


def decide(
    session: DbSession,
    cat: Catalog,
    hire: User,
    readiness: Readiness | None,
    *,
    kind: str,
    item: str,
    verdict: str,
    actor: User,
    now: datetime,
) -> Decided:
    """Record ``verdict`` for one flagged item of the hire's. Raises NotChanged when the
    item is not flagged (already decided, redone, or never changed)."""
    if verdict not in VERDICTS:
        raise ValueError(verdict)
    change = next(
        (
            c
            for c in changes_of(session, cat, hire, readiness)
            if c.kind == kind and c.item == item and not c.redo
        ),
        None,
    )
    if change is None:
        raise NotChanged(item)
    is_new = insert_ignore(
        session,
        StaleDecision,
        {
            "user_id": hire.id,
            "kind": kind,
            "item": item,
            "version": change.version,
            "verdict": verdict,
            "decided_by_id": actor.id,
            "decided_at": now,
        },
        ["user_id", "kind", "item", "version"],
    )
    if not is_new:
        return Decided(False, change)
    record_event(
        session,
        actor=actor,
        action=f"content_change.{verdict}",
        now=now,
        subject=hire,
        object_type=kind,
        object_id=item,
        data={"title": change.title},
    )
    if verdict == "redo":
        notify(
            session,
            recipient=hire,
            kind="redo_requested",
            key=f"redo:{kind}:{item}:{change.version}",
            data={"variant": kind, "item": change.title, "by": actor.name},
            now=now,
            endpoint=_endpoint(change)[0],
            endpoint_args=_endpoint(change)[1],
        )
    refresh(session, [hire.id], now)
    return Decided(True, change)


def _endpoint(change: Change) -> tuple[str, dict[str, str]]:
    if change.kind == "lesson":
        return "courses.lesson", {"course_slug": change.slug, "lesson_slug": change.lesson_slug}
    if change.kind == "quiz":
        return "quizzes.take", {"quiz_slug": change.slug}
    return "roleplays.case", {"case_slug": change.slug}


def quiz_change(
    session: DbSession, hire: User, quiz: Quiz, attempts: Sequence[QuizAttempt]
) -> Change | None:
    """The quiz page's note: the quiz changed after the hire passed it (which questions), or
    they are asked to take it again. ``attempts``: the hire's attempts, already read."""
    passing = [a for a in attempts if a.status == "graded" and a.is_passed]
    if not passing:
        return None
    decided = decisions_of(session, hire.id, "quiz").get(("quiz", quiz.slug), [])
    since = rules.redo_since(decided, (a.submitted_at for a in passing))
    last = max(passing, key=lambda a: a.number)
    if since is None and not rules.work_outdated((a.quiz_hash for a in passing), quiz, decided):
        return None
    questions: tuple[QuestionChange, ...] = ()
    settings = False
    if since is None:
        questions, settings = _attempt_questions(last, quiz)
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
