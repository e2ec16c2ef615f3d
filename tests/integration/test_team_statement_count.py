"""The dashboard, the CSV and the API cost the same number of SQL statements for 10 hires as
for 1,000: the hires are read as a subquery, never one query each. And a page reads the same
rows: each statement of a dashboard page, a filtered page, an API page and the manager's home
returns as many rows at 10 hires as at 1,000 (a page, a row of counts, a row per track)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.conftest import sign_in
from trainhub.api.tokens import create_token
from trainhub.auth.models import User
from trainhub.calendar.tokens import create_feed_token
from trainhub.content import catalog
from trainhub.db import utcnow, write_intent
from trainhub.demo.data import DEMO_PASSWORD, load_demo
from trainhub.extensions import db
from trainhub.readiness.kept import refresh
from trainhub.schedule.models import SchedulePause

PAGE = 5  # smaller than the small team, so its pages are full too
PAGES = (
    "/team/",
    "/team/?status=ready&sort=progress&order=desc",
    "/team/?q=synthetic&sort=progress&order=desc",
    "/team/?q=hire&sort=overdue&page=2",
    "/team/export.csv",
    "/",
)
# Pages whose every statement returns the same rows at 10 hires as at 1,000 (the CSV hands
# over every row by design; the calendar feed lists every due date).
SAME_ROWS = (
    "/team/",
    "/team/?q=synthetic&sort=progress&order=desc",
    "/team/?q=hire&sort=overdue&page=2",
)


class _Counting:
    """A DB-API cursor that counts the rows handed out of it."""

    def __init__(self, cursor: Any, into: list[int]) -> None:
        self._cursor, self._into = cursor, into
        into.append(0)

    def _seen(self, rows: Any) -> Any:
        self._into[-1] += len(rows)
        return rows

    def fetchall(self) -> Any:
        return self._seen(self._cursor.fetchall())

    def fetchmany(self, *args: Any) -> Any:
        return self._seen(self._cursor.fetchmany(*args))

    def fetchone(self) -> Any:
        row = self._cursor.fetchone()
        if row is not None:
            self._into[-1] += 1
        return row

    def __iter__(self) -> Iterator[Any]:
        for row in self._cursor:
            self._into[-1] += 1
            yield row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


@pytest.fixture
def rows_read(app) -> Iterator[list[int]]:
    """The rows each statement returned, in order (SQLAlchemy's cursor events: the result is
    built from ``context.cursor`` after ``after_cursor_execute``)."""
    seen: list[int] = []
    with app.app_context():
        engine = db.engine

    def _wrap(_conn: Any, cursor: Any, _stmt: str, _params: Any, context: Any, _many: bool) -> None:
        if context is not None and cursor.description is not None:
            context.cursor = _Counting(cursor, seen)

    sa.event.listen(engine, "after_cursor_execute", _wrap)
    yield seen
    sa.event.remove(engine, "after_cursor_execute", _wrap)


def _add_hires(app, count: int) -> None:
    with app.app_context(), write_intent():
        load_demo(db.session, catalog(), now=utcnow(), hires=count)
        # Pauses are read for every hire at once too: some closed, some open.
        ids = db.session.scalars(sa.select(User.id).where(User.role == "hire")).all()
        today = utcnow().date()
        for n, hire_id in enumerate(ids[-count:]):
            if n % 3 == 0:
                db.session.add(
                    SchedulePause(
                        user_id=hire_id,
                        starts_on=today - timedelta(days=4),
                        resumes_on=None if n % 2 else today,
                        reason="leave",
                    )
                )
        db.session.flush()
        refresh(db.session, ids[-count:], utcnow())
        db.session.commit()


def _counts(
    client, token: str, statements: list[str], rows: list[int], feed: str
) -> tuple[dict[str, int], dict[str, list[int]]]:
    counts, returned = {}, {}
    api = {"Authorization": f"Bearer {token}"}
    urls = [*((p, {}) for p in PAGES), (f"/api/v1/readiness?limit={PAGE}", api), (feed, {})]
    for url, headers in urls:
        assert client.get(url, headers=headers).status_code == 200, url  # warm-up
        statements.clear()
        rows.clear()
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        response.get_data()  # a streamed body is read (and its statements run) here
        counts[url] = len(statements)
        returned[url] = list(rows)
    return counts, returned


def test_statements_and_rows_stay_constant_from_10_to_1000_hires(
    app, client, statements, rows_read
):
    app.config["TEAM_PAGE_SIZE"] = PAGE
    _add_hires(app, 10)
    with app.app_context(), write_intent():
        manager = db.session.scalar(sa.select(User).where(User.email == "manager@demo.local"))
        _token, secret = create_token(db.session, manager, name="bench", actor=None, now=utcnow())
        feed = (
            f"/calendar/{create_feed_token(db.session, manager, actor=manager, now=utcnow())}.ics"
        )
        db.session.commit()
    sign_in(client, "manager@demo.local", DEMO_PASSWORD)

    small, small_rows = _counts(client, secret, statements, rows_read, feed)
    _add_hires(app, 990)
    large, large_rows = _counts(client, secret, statements, rows_read, feed)

    assert large == small, (small, large)
    print("statements per page:", small)
    print("rows per statement:", large_rows)
    assert max(small.values()) <= 12, small
    for url in (*SAME_ROWS, f"/api/v1/readiness?limit={PAGE}"):
        assert large_rows[url] == small_rows[url], (url, small_rows[url], large_rows[url])
        # A page, a row of counts, a row per track or mentor: never the team.
        assert max(large_rows[url]) <= max(PAGE + 1, 10), (url, large_rows[url])
    # The manager's home reads only what it shows: ten hires at most, whatever the team.
    assert max(large_rows["/"]) <= 10, large_rows["/"]

    # And the big numbers really were served: 2 demo hires + 1,000 synthetic ones.
    exported = client.get("/team/export.csv").get_data(as_text=True).strip().splitlines()
    assert len(exported) == 1 + 1002
    seen, url = 0, "/api/v1/readiness?limit=1000"
    while url:
        answer = client.get(url, headers={"Authorization": f"Bearer {secret}"}).get_json()
        seen += len(answer["hires"])
        url = answer["next"]
    assert seen == 1002
