"""Lesson completion."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..auth.models import User
from ..catalog.courses import Course, Lesson
from ..db import DbSession, insert_ignore
from ..refresh import refresh
from ..stale import rules as stale_rules
from ..stale.changes import Change
from ..stale.models import StaleDecision
from ..stale.redo import decisions_of, mark_lesson_read_again
from .models import LessonCompletion


def complete_lesson(session: DbSession, hire: User, lesson: Lesson, now: datetime) -> bool:
    """Record that the hire finished a lesson. Idempotent: returns False if already recorded,
    unless the hire was asked to read it again (then this is the reading again)."""
    inserted = insert_ignore(
        session,
        LessonCompletion,
        {
            "user_id": hire.id,
            "course_slug": lesson.course_slug,
            "lesson_slug": lesson.slug,
            "lesson_hash": lesson.content_hash,
            "completed_at": now,
            "text_language": lesson.language or None,
            "text_hash": lesson.text_hash or None,
        },
        ["user_id", "course_slug", "lesson_slug"],
    )
    if not inserted:
        # The completion stays as it was (history); the reading again is kept on the redo.
        return mark_lesson_read_again(
            session, hire, lesson.course_slug, lesson.slug, lesson.content_hash, now
        )
    refresh(session, [hire.id], now)
    return inserted


# Built once: the lesson page asks this on every view, and building a select costs more
# than running it on SQLite.
_DONE = sa.select(LessonCompletion.course_slug, LessonCompletion.lesson_slug).where(
    LessonCompletion.user_id == sa.bindparam("user_id")
)
_DONE_IN_COURSE = _DONE.where(LessonCompletion.course_slug == sa.bindparam("course_slug"))


def completed_lessons(
    session: DbSession, user: User, course_slug: str | None = None
) -> set[tuple[str, str]]:
    if course_slug is None:
        rows = session.execute(_DONE, {"user_id": user.id})
    else:
        rows = session.execute(_DONE_IN_COURSE, {"user_id": user.id, "course_slug": course_slug})
    return {(course, lesson) for course, lesson in rows}


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
        item = stale_rules.lesson_item(course.slug, slug)
        decided = decisions.get(("lesson", item), [])
        redo = stale_rules.lesson_redo_open(decided)
        if redo or stale_rules.lesson_outdated(stored, lesson, decided):
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
