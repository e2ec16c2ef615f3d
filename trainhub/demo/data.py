"""Demo data: the contract's five accounts, plus N synthetic hires with varied progress.

Everything is deterministic (seeded by the hire's number), so benchmarks and screenshots are
repeatable. Records are fabricated per step kind against the current catalog, with the same
content hashes a real hire's records would carry.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..auth.models import User
from ..auth.service import hash_password
from ..catalog import Catalog
from ..catalog.quizzes import Quiz
from ..catalog.roleplays import RoleplayCase
from ..catalog.tracks import Track, TrackStep, step_threshold
from ..courses.models import LessonCompletion
from ..db import DbSession
from ..quizzes import service as quiz_service
from ..quizzes.layout import build_layout
from ..quizzes.model_answers import demo_answers
from ..quizzes.models import EssayGrade, QuizAttempt
from ..readiness.kept import rebuild
from ..roleplays.models import Review, RoleplaySubmission
from ..roleplays.rubric import is_passing, weighted_score
from ..schedule.models import SchedulePause
from ..signoffs.models import SignOff
from . import bulk

DEMO_PASSWORD = "demo-password"
DEMO_DOMAIN = "demo.local"
BATCH = 2000

Rows = dict[type, list[dict[str, Any]]]
Progress = Callable[..., AbstractContextManager[Iterable[int]]]


class DemoError(RuntimeError):
    pass


def _fabricate_course(step: TrackStep, cat: Catalog, ctx: dict[str, Any], rows: Rows) -> None:
    course = cat.courses[step.slug]
    for lesson in course.lessons:
        ctx["clock"] += timedelta(minutes=lesson.minutes + 5)
        rows[LessonCompletion].append(
            {
                "user_id": ctx["hire_id"],
                "course_slug": course.slug,
                "lesson_slug": lesson.slug,
                "lesson_hash": lesson.content_hash,
                "completed_at": ctx["clock"],
            }
        )


def _fabricate_quiz(step: TrackStep, cat: Catalog, ctx: dict[str, Any], rows: Rows) -> None:
    # A real attempt: drawn and ordered like a hire's, answered well enough to pass, and
    # graded by the quiz graders, so its result page reads like any other.
    quiz = cat.quizzes[step.slug]
    pass_mark = step_threshold(step, quiz)
    layout_json, answers, outcome, essays = _quiz_variant(quiz, pass_mark, ctx["hire_id"])
    ctx["clock"] += timedelta(hours=2)
    values = {
        "user_id": ctx["hire_id"],
        "quiz_slug": quiz.slug,
        "quiz_hash": quiz.content_hash,
        "number": 1,
        **quiz_service.graded_columns(outcome),
        "layout": layout_json,
        "answers": answers,
        "started_at": ctx["clock"] - timedelta(minutes=15),
        "submitted_at": ctx["clock"] - timedelta(hours=1) if essays else ctx["clock"],
        "graded_at": ctx["clock"],
    }
    # Ids are handed out here (bulk.Ids), so essay grades can name their attempt unflushed.
    values["id"] = attempt_id = ctx["ids"].next(QuizAttempt)
    rows[QuizAttempt].append(values)
    for key, points in essays.items():
        rows[EssayGrade].append(
            {
                "attempt_id": attempt_id,
                "question_key": key,
                "mentor_id": ctx["mentor_id"],
                "points": points,
                "comment": "Clear and practical.",
                "graded_at": ctx["clock"],
            }
        )


# Hires share a few drawn layouts per quiz (each drawn and graded once): at 100,000 hires,
# drawing, grading and serialising a layout per attempt was most of the load's time.
LAYOUT_VARIANTS = 24
_VARIANTS: dict[tuple[str, str, int, int], tuple[Any, dict[str, Any], Any, dict[str, float]]] = {}


def _quiz_variant(
    quiz: Quiz, pass_mark: int, hire_id: int
) -> tuple[Any, dict[str, Any], Any, dict[str, float]]:
    variant = hire_id % LAYOUT_VARIANTS
    key = (quiz.slug, quiz.content_hash, pass_mark, variant)
    found = _VARIANTS.get(key)
    if found is None:
        rng = random.Random(f"{quiz.slug}:{variant}")
        layout = build_layout(quiz, rng)
        answers, outcome, essays = demo_answers(layout, pass_mark, rng)
        found = _VARIANTS[key] = (layout.to_json(), answers, outcome, essays)
    return found


def _demo_levels(case: RoleplayCase, minimum: float) -> dict[str, int]:
    """Levels 3, raised to 4 one criterion at a time (heaviest first) until ``minimum``."""
    levels = {c.key: 3 for c in case.rubric}
    for criterion in sorted(case.rubric, key=lambda c: -c.weight):
        if is_passing(weighted_score(case.rubric, levels), minimum):
            break
        levels[criterion.key] = 4
    return levels


def _fabricate_roleplay(step: TrackStep, cat: Catalog, ctx: dict[str, Any], rows: Rows) -> None:
    # The review names the submission by an id handed out here (bulk.Ids): no flush.
    case = cat.roleplays[step.slug]
    ctx["clock"] += timedelta(days=1)
    submission_id = ctx["ids"].next(RoleplaySubmission)
    rows[RoleplaySubmission].append(
        {
            "id": submission_id,
            "user_id": ctx["hire_id"],
            "case_slug": case.slug,
            "case_hash": case.content_hash,
            "version": 1,
            "text": "(demo answer) My plan: open with the reason for the call, ask about their "
            "needs, agree the next step.",
            "status": "approved",
            "created_at": ctx["clock"],
            "updated_at": ctx["clock"],
            "submitted_at": ctx["clock"],
        }
    )
    minimum = max(case.passing_score, step_threshold(step, case))
    levels = _demo_levels(case, minimum)
    ctx["clock"] += timedelta(hours=5)
    rows[Review].append(
        {
            "submission_id": submission_id,
            "mentor_id": ctx["mentor_id"],
            "scores": {key: {"level": level, "comment": ""} for key, level in levels.items()},
            "score": weighted_score(case.rubric, levels),
            "passing_score": case.passing_score,
            "comment": "Well done.",
            "decision": "approved",
            "created_at": ctx["clock"],
        }
    )


def _fabricate_signoff(step: TrackStep, cat: Catalog, ctx: dict[str, Any], rows: Rows) -> None:
    ctx["clock"] += timedelta(days=1)
    rows[SignOff].append(
        {
            "user_id": ctx["hire_id"],
            "track": ctx["track"].role,
            "item_key": step.slug,
            "track_hash": ctx["track"].content_hash,
            "signed_by_id": ctx["mentor_id"],
            "note": "Seen in practice.",
            "signed_at": ctx["clock"],
        }
    )


FABRICATORS: dict[str, Callable[[TrackStep, Catalog, dict[str, Any], Rows], None]] = {
    "course": _fabricate_course,
    "quiz": _fabricate_quiz,
    "roleplay": _fabricate_roleplay,
    "signoff": _fabricate_signoff,
}


def _complete_steps(
    session: DbSession,
    cat: Catalog,
    hire_id: int,
    track: Track,
    count: int,
    start: datetime,
    mentor_id: int,
    rng: random.Random,
    rows: Rows,
    leave_pending: bool = False,
    ids: bulk.Ids | None = None,
) -> None:
    ctx: dict[str, Any] = {
        "hire_id": hire_id,
        "ids": ids or bulk.Ids(session),
        "mentor_id": mentor_id,
        "track": track,
        "clock": start,
        "rng": rng,
        "session": session,
    }
    for step in track.steps[:count]:
        if cat.item(step.kind, step.slug) is None and step.kind != "signoff":
            continue
        FABRICATORS[step.kind](step, cat, ctx, rows)
    following = track.steps[count] if count < len(track.steps) else None
    if (
        leave_pending
        and following is not None
        and following.kind == "roleplay"
        and following.slug in cat.roleplays
        and rng.random() < 0.6
    ):
        # Some hires wait on their mentor, so the demo queue and dashboard show real waits.
        _submit_for_review(following, cat, ctx, rows)


def _submit_for_review(step: TrackStep, cat: Catalog, ctx: dict[str, Any], rows: Rows) -> None:
    case = cat.roleplays[step.slug]
    ctx["clock"] += timedelta(days=1)
    rows[RoleplaySubmission].append(
        {
            "id": ctx["ids"].next(RoleplaySubmission),
            "user_id": ctx["hire_id"],
            "case_slug": case.slug,
            "case_hash": case.content_hash,
            "version": 1,
            "text": "(demo answer, waiting for review) I would start by restating the client's "
            "situation, ask two open questions about their priorities, and propose a concrete "
            "next step with a date.",
            "status": "submitted",
            "created_at": ctx["clock"],
            "updated_at": ctx["clock"],
            "submitted_at": ctx["clock"],
        }
    )


def _flush(session: DbSession, rows: Rows) -> None:
    # Parents first: people, then attempts and answers, then their grades and reviews.
    order = [User, QuizAttempt, RoleplaySubmission]
    for model in sorted(rows, key=lambda m: order.index(m) if m in order else len(order)):
        bulk.write(session, model, rows[model])
    rows.clear()


def _person(email: str, name: str, role: str, password_hash: str, **extra: Any) -> User:
    return User(
        email=email, name=name, role=role, password_hash=password_hash, is_demo=True, **extra
    )


def _iter(progress: Progress | None, items: range, label: str) -> Iterator[int]:
    if progress is None:
        yield from items
        return
    with progress(items, label=label) as bar:
        yield from bar


def recent_monday(today: date) -> date:
    """The Monday of last week: far enough back that the first steps of the demo hire's
    track are overdue while later ones are due in the coming days."""
    return today - timedelta(days=today.weekday() + 7)


# One synthetic hire in this many is on leave (an open pause), so the dashboard shows some.
PAUSED_EVERY = 13


def load_demo(
    session: DbSession,
    cat: Catalog,
    *,
    now: datetime,
    hires: int = 0,
    progress: Progress | None = None,
) -> list[str]:
    """Create the demo accounts (once) and ``hires`` more synthetic hires. Commits in batches."""
    report: list[str] = []
    for needed in ("lead-generation", "account-manager"):
        if needed not in cat.tracks:
            raise DemoError(f"the demo needs the '{needed}' track; run `trainhub content check`")
    existing = session.scalar(sa.select(User).where(User.email == f"admin@{DEMO_DOMAIN}"))
    others = session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.is_demo.is_(False))
    )
    if existing is None and others:
        raise DemoError(
            "this database already holds real accounts; the demo only fills an empty one"
        )
    # One scrypt hash for every demo account: hashing 1,000 times would take a minute.
    pw = hash_password(DEMO_PASSWORD)
    today = now.date()
    if existing is None:
        admin = _person(f"admin@{DEMO_DOMAIN}", "Ada Admin", "admin", pw)
        manager = _person(f"manager@{DEMO_DOMAIN}", "Max Manager", "manager", pw)
        mentor = _person(f"mentor@{DEMO_DOMAIN}", "Maria Mentor", "mentor", pw)
        session.add_all([admin, manager, mentor])
        session.flush()
        hire = _person(
            f"hire@{DEMO_DOMAIN}",
            "Harper Hire",
            "hire",
            pw,
            track="lead-generation",
            mentor_id=mentor.id,
            manager_id=manager.id,
            started_on=recent_monday(today),
        )
        ready_track = cat.tracks["account-manager"]
        ready = _person(
            f"ready@{DEMO_DOMAIN}",
            "Riley Ready",
            "hire",
            pw,
            track=ready_track.role,
            mentor_id=mentor.id,
            manager_id=manager.id,
            started_on=today - timedelta(days=ready_track.target_days - 3),
        )
        session.add_all([hire, ready])
        session.flush()
        rows: Rows = defaultdict(list)
        ids = bulk.Ids(session)
        assert ready.started_on is not None  # set just above: the demo hire has a start date
        start = datetime.combine(ready.started_on, datetime.min.time(), now.tzinfo)
        _complete_steps(
            session,
            cat,
            ready.id,
            ready_track,
            len(ready_track.steps),
            start + timedelta(hours=9),
            mentor.id,
            random.Random(0),
            rows,
            ids=ids,
        )
        _flush(session, rows)
        ids.settle()
        session.commit()
        report.append("demo accounts created (password: demo-password):")
        for person in (admin, manager, mentor, hire, ready):
            report.append(f"  {person.email:<22} {person.role}")
    else:
        report.append("demo accounts already exist")
    if hires:
        report.append(_add_synthetic(session, cat, now, hires, pw, progress))
    # The demo's records were written directly, so their kept readiness is built here.
    rebuild(session, now, progress=progress if hires else None)
    if hires:
        bulk.analyze(session)
        session.commit()
    return report


def _add_synthetic(
    session: DbSession, cat: Catalog, now: datetime, count: int, pw: str, progress: Progress | None
) -> str:
    mentor_id = session.scalar(sa.select(User.id).where(User.email == f"mentor@{DEMO_DOMAIN}"))
    manager_id = session.scalar(sa.select(User.id).where(User.email == f"manager@{DEMO_DOMAIN}"))
    if mentor_id is None or manager_id is None:
        raise DemoError("the demo mentor and manager are missing; did someone delete them?")
    first = 1 + (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(User.email.like(f"hire%@{DEMO_DOMAIN}"), User.email != f"hire@{DEMO_DOMAIN}")
        )
        or 0
    )
    tracks = list(cat.tracks.values())
    rows: Rows = defaultdict(list)
    ids = bulk.Ids(session)
    for offset in _iter(progress, range(count), "Adding synthetic hires"):
        number = first + offset
        rng = random.Random(number)
        track = tracks[number % len(tracks)]
        started = now.date() - timedelta(days=rng.randint(0, 90))
        hire_id = ids.next(User)
        rows[User].append(
            {
                "id": hire_id,
                "email": f"hire{number:04d}@{DEMO_DOMAIN}",
                "name": f"Synthetic Hire {number:04d}",
                "role": "hire",
                "password_hash": pw,
                "is_demo": True,
                "track": track.role,
                "mentor_id": mentor_id,
                "manager_id": manager_id,
                "started_on": started,
                "created_at": now,
            }
        )
        done = (
            rng.choice([0, 0, 1, 2, 3]) if rng.random() < 0.5 else rng.randint(0, len(track.steps))
        )
        start = datetime.combine(started, datetime.min.time(), now.tzinfo) + timedelta(hours=9)
        _complete_steps(session, cat, hire_id, track, done, start, mentor_id, rng, rows, True, ids)
        if number % PAUSED_EVERY == 0 and (now.date() - started).days > 10:
            rows[SchedulePause].append(
                {
                    "user_id": hire_id,
                    "starts_on": now.date() - timedelta(days=rng.randint(1, 7)),
                    "resumes_on": None,
                    "reason": "Sick leave (demo)",
                    "created_by_id": manager_id,
                    "created_at": now,
                }
            )
        if (offset + 1) % BATCH == 0:
            _flush(session, rows)
            session.commit()
    _flush(session, rows)
    ids.settle()
    session.commit()
    return f"added {count} synthetic hires (hire{first:04d}@{DEMO_DOMAIN} …)"
