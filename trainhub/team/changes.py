"""A hire's changed work for the team's pages, and their staff's decisions about it.

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
from ..courses.service import lesson_changes
from ..db import DbSession, insert_ignore
from ..notifications.service import notify
from ..quizzes.models import QuizAttempt
from ..quizzes.service import attempt_questions
from ..readiness.results import Readiness
from ..refresh import refresh
from ..roleplays.models import RoleplaySubmission
from ..stale.changes import Change, QuestionChange
from ..stale.models import StaleDecision
from ..stale.redo import decisions_of

VERDICTS = ("redo", "minor")


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
                questions, settings = attempt_questions(attempt, quiz)
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
