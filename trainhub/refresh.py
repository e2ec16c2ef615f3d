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

from flask import Flask, has_app_context

from .db import DbSession

Refresher = Callable[[DbSession, Iterable[int], datetime], None]
_REFRESHER: list[tuple[Flask, Refresher]] = []


def register(app: Flask, refresher: Refresher) -> None:
    _REFRESHER[:] = [(app, refresher)]


def refresh(session: DbSession, hire_ids: Iterable[int], now: datetime) -> None:
    for app, refresher in _REFRESHER:
        if has_app_context():
            refresher(session, hire_ids, now)
        else:
            # A script or a test's own session outside a request: the refresher reads the
            # app's catalog and settings.
            with app.app_context():
                refresher(session, hire_ids, now)
