"""How a hire's record of a changed item is judged, with the decisions about it. Pure.

Readiness (``readiness.rules``) and the pages that name what changed (``stale.changes``)
both ask these, so a flag on a page and the readiness it explains never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from ..catalog.versions import Versioned, same_version


class Decision(Protocol):
    @property
    def version(self) -> str: ...

    @property
    def verdict(self) -> str: ...

    @property
    def decided_at(self) -> datetime: ...

    @property
    def redone_at(self) -> datetime | None: ...

    @property
    def redone_version(self) -> str | None: ...


def lesson_item(course_slug: str, lesson_slug: str) -> str:
    return f"{course_slug}/{lesson_slug}"


def is_minor(decisions: Iterable[Decision], version: str) -> bool:
    """The hire's mentor or manager marked this version's change as minor for them."""
    return any(d.verdict == "minor" and d.version == version for d in decisions)


def lesson_redo_open(decisions: Iterable[Decision]) -> bool:
    """Asked to read the lesson again, and not read again since."""
    return any(d.verdict == "redo" and d.redone_at is None for d in decisions)


def lesson_read_version(completed: str, decisions: Sequence[Decision]) -> str:
    """The version the hire last read: of their last reading again, else of the completion."""
    again = [d for d in decisions if d.redone_at is not None and d.redone_version]
    if not again:
        return completed
    last = max(again, key=lambda d: d.redone_at or d.decided_at)
    return last.redone_version or completed


def lesson_outdated(completed: str, item: Versioned, decisions: Sequence[Decision]) -> bool:
    if lesson_redo_open(decisions):
        return False  # the redo says it already, and the lesson does not count
    read = lesson_read_version(completed, decisions)
    return not same_version(read, item) and not is_minor(decisions, item.content_hash)


def redo_since(
    decisions: Iterable[Decision], done_at: Iterable[datetime | None]
) -> datetime | None:
    """When the hire was asked to redo a quiz or a case they have not done again since
    (passed, approved at ``done_at``), else None."""
    asked = [d.decided_at for d in decisions if d.verdict == "redo"]
    if not asked:
        return None
    since = max(asked)
    if any(at is not None and at > since for at in done_at):
        return None
    return since


def work_outdated(versions: Iterable[str], item: Versioned, decisions: Iterable[Decision]) -> bool:
    """Passing work (attempts, approved answers, of ``versions``) all made against another
    version of the item than the current one, and that change not marked minor."""
    found = list(versions)
    if not found or any(same_version(v, item) for v in found):
        return False
    return not is_minor(decisions, item.content_hash)
