"""One hire's history, oldest first: lessons, attempts, submissions, reviews, sign-offs and
the clearance for clients. A handful of queries for one person, for the hire page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from ..auth.models import User
from ..catalog import Catalog
from ..catalog.versions import same_version
from ..courses.models import LessonCompletion
from ..db import DbSession
from ..formatting import number, percent
from ..quizzes.models import QuizAttempt
from ..readiness.results import StepResult
from ..roleplays.models import Review, RoleplaySubmission
from ..schedule.service import StepDue
from ..signoffs.models import SignOff
from .models import Clearance
from .service import HireRow


def _removed() -> str:
    # An item gone from the files keeps its history; it is named as such, never by its slug.
    removed: str = _("(removed from the training materials)")
    return removed


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # lesson | attempt | submission | review | signoff | revoked | clearance
    title: str
    detail: str = ""
    note: str = ""  # words a person wrote (escaped by the template, never marked safe)


def _lessons(session: DbSession, cat: Catalog, hire: User) -> list[Entry]:
    rows = session.execute(
        sa.select(LessonCompletion).where(LessonCompletion.user_id == hire.id)
    ).scalars()
    entries = []
    for row in rows:
        found = cat.lesson(row.course_slug, row.lesson_slug)
        title = found[1].title if found else _removed()
        course = found[0].title if found else _removed()
        stale = found is not None and not same_version(row.lesson_hash, found[1])
        entries.append(
            Entry(
                row.completed_at,
                "lesson",
                _("Completed lesson “%(title)s”", title=title),
                course + (" · " + _("content updated since") if stale else ""),
            )
        )
    return entries


def _attempts(session: DbSession, cat: Catalog, hire: User) -> list[Entry]:
    rows = session.execute(
        sa.select(QuizAttempt).where(QuizAttempt.user_id == hire.id).order_by(QuizAttempt.id)
    ).scalars()
    entries = []
    for row in rows:
        quiz = cat.quizzes.get(row.quiz_slug)
        title = quiz.title if quiz else _removed()
        if row.status == "graded" and row.percent is not None:
            verdict = _("passed") if row.is_passed else _("not passed")
            detail = f"{percent(row.percent)} — {verdict}"
        elif row.status == "awaiting_grading":
            detail = _("essay answers wait for grading")
        else:
            detail = _("started")
        entries.append(
            Entry(
                row.submitted_at or row.started_at,
                "attempt",
                _("Quiz “%(title)s”, attempt %(n)d", title=title, n=row.number),
                detail,
            )
        )
    return entries


def _submissions(session: DbSession, cat: Catalog, hire: User) -> list[Entry]:
    mentor = aliased(User)
    rows = session.execute(
        sa.select(RoleplaySubmission, Review, mentor.name)
        .outerjoin(Review, Review.submission_id == RoleplaySubmission.id)
        .outerjoin(mentor, mentor.id == Review.mentor_id)
        .where(RoleplaySubmission.user_id == hire.id, RoleplaySubmission.submitted_at.is_not(None))
        .order_by(RoleplaySubmission.id)
    ).all()
    entries = []
    for submission, review, reviewer in rows:
        case = cat.roleplays.get(submission.case_slug)
        title = case.title if case else _removed()
        entries.append(
            Entry(
                # Only sent versions are read here, and sending sets the time.
                submission.submitted_at or submission.updated_at,
                "submission",
                _("Submitted version %(v)d of “%(title)s”", v=submission.version, title=title),
            )
        )
        if review is not None:
            decision = (
                _("approved") if review.decision == "approved" else _("sent back for more work")
            )
            entries.append(
                Entry(
                    review.created_at,
                    "review",
                    _("Review of “%(title)s” v%(v)d", title=title, v=submission.version),
                    _(
                        "%(who)s: %(decision)s, %(score)s of 4 (passing score %(passing)s)",
                        who=reviewer or "—",
                        decision=decision,
                        score=number(review.score),
                        passing=number(review.passing_score),
                    ),
                    review.comment or "",
                )
            )
    return entries


def _signoffs(session: DbSession, hire: User, titles: dict[str, str]) -> list[Entry]:
    signer, revoker = aliased(User), aliased(User)
    rows = session.execute(
        sa.select(SignOff, signer.name, revoker.name)
        .outerjoin(signer, signer.id == SignOff.signed_by_id)
        .outerjoin(revoker, revoker.id == SignOff.revoked_by_id)
        .where(SignOff.user_id == hire.id)
        .order_by(SignOff.id)
    ).all()
    entries = []
    for signoff, signed_by, revoked_by in rows:
        title = titles.get(signoff.item_key) or _removed()
        entries.append(
            Entry(
                signoff.signed_at,
                "signoff",
                _("Signed off “%(title)s”", title=title),
                signed_by or "—",
                signoff.note,
            )
        )
        if signoff.revoked_at is not None:
            entries.append(
                Entry(
                    signoff.revoked_at,
                    "revoked",
                    _("Sign-off “%(title)s” revoked", title=title),
                    revoked_by or "—",
                    signoff.revoke_note or "",
                )
            )
    return entries


def _clearance(session: DbSession, hire: User) -> list[Entry]:
    clearer = aliased(User)
    row = session.execute(
        sa.select(Clearance, clearer.name)
        .outerjoin(clearer, clearer.id == Clearance.cleared_by_id)
        .where(Clearance.user_id == hire.id)
    ).first()
    if row is None:
        return []
    clearance, name = row
    return [
        Entry(
            clearance.cleared_at, "clearance", _("Cleared for clients"), name or "—", clearance.note
        )
    ]


def timeline_of(session: DbSession, cat: Catalog, hire: User) -> list[Entry]:
    track = cat.track_of(hire)
    titles = {s.slug: s.title or _("a practical step") for s in track.signoffs} if track else {}
    entries = [
        *_lessons(session, cat, hire),
        *_attempts(session, cat, hire),
        *_submissions(session, cat, hire),
        *_signoffs(session, hire, titles),
        *_clearance(session, hire),
    ]
    return sorted(entries, key=lambda e: e.at)


@dataclass(frozen=True)
class PlanEntry:
    """One step's due date against the day it was done."""

    step: StepResult
    due: StepDue | None
    done_on: date | None  # the company's date of ``step.done_at``
    late_days: int  # done after the due date by this many days (0: on time or not done)


def due_against_done(row: HireRow, zone: str = "UTC") -> list[PlanEntry]:
    """Each step of the hire's track with when it was due and when it was done, in track
    order. Done dates are the company's (``zone``), like due dates."""
    entries = []
    for step, due in row.steps_with_due():
        done_on = step.done_at.astimezone(ZoneInfo(zone)).date() if step.done_at else None
        late = (
            max(0, (done_on - due.due_on).days) if done_on and due is not None and due.due_on else 0
        )
        entries.append(PlanEntry(step, due, done_on, late))
    return entries
