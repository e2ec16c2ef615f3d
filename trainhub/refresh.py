"""``refresh(session, hire_ids, now)``: the call every event that changes a hire's facts
makes, in its own transaction, so that the kept readiness (``readiness.kept``) is never behind
what the hire did.

It lives here, below every feature, because the features that record events (courses,
quizzes, role-plays, sign-offs, schedule, accounts) are the very ones readiness reads: a
direct import would be a cycle between packages. ``create_app`` registers the readiness
package's refresher; with none registered (a bare script) the call does nothing and the
rebuild (``trainhub readiness rebuild``) brings the rows current.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from .db import DbSession

Refresher = Callable[[DbSession, Iterable[int], datetime], None]
_REFRESHER: list[Refresher] = []


def register(refresher: Refresher) -> None:
    _REFRESHER[:] = [refresher]


def refresh(session: DbSession, hire_ids: Iterable[int], now: datetime) -> None:
    for refresher in _REFRESHER:
        refresher(session, hire_ids, now)
