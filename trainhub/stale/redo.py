"""The decisions of a hire's staff, read and written for the courses, quizzes, role-plays and
team services: this package sits below them all, so it imports no feature but its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import sqlalchemy as sa

from ..auth.models import User
from ..db import DbSession, rowcount
from ..refresh import refresh
from . import rules
from .models import StaleDecision


def mark_lesson_read_again(
    session: DbSession, hire: User, course_slug: str, lesson_slug: str, version: str, now: datetime
) -> bool:
    """The hire read a lesson again that they were asked to: the open redo is done. A
    guarded UPDATE, so a double click counts once. True if it closed one."""
    result = session.execute(
        sa.update(StaleDecision)
        .where(
            StaleDecision.user_id == hire.id,
            StaleDecision.kind == "lesson",
            StaleDecision.item == rules.lesson_item(course_slug, lesson_slug),
            StaleDecision.verdict == "redo",
            StaleDecision.redone_at.is_(None),
        )
        .values(redone_at=now, redone_version=version)
    )
    changed = rowcount(result) > 0
    if changed:
        refresh(session, [hire.id], now)
    return changed


def open_redo_since(
    session: DbSession,
    hire_id: int,
    kind: str,
    item: str,
    done_at: Callable[[], Iterable[datetime | None]],
) -> datetime | None:
    """When the hire was asked to redo a quiz or case and has not done it again since
    (``done_at``: when they passed or were approved, read only if there is a redo)."""
    rows = session.scalars(
        sa.select(StaleDecision).where(
            StaleDecision.user_id == hire_id,
            StaleDecision.kind == kind,
            StaleDecision.item == item,
            StaleDecision.verdict == "redo",
        )
    ).all()
    if not rows:
        return None
    return rules.redo_since(rows, done_at())


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
