"""The dashboard, the CSV and the API cost the same number of SQL statements for 10 hires as
for 1,000: the hires are read as a subquery, never one query each."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import sign_in
from trainhub.api.tokens import create_token
from trainhub.auth.models import User
from trainhub.calendar.tokens import create_feed_token
from trainhub.content import catalog
from trainhub.db import utcnow, write_intent
from trainhub.demo.data import DEMO_PASSWORD, load_demo
from trainhub.extensions import db
from trainhub.schedule.models import SchedulePause

PAGES = ("/team/", "/team/?status=ready&sort=progress&order=desc", "/team/export.csv", "/")


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
        db.session.commit()


def _counts(client, token: str, statements: list[str], feed: str) -> dict[str, int]:
    counts = {}
    api = {"Authorization": f"Bearer {token}"}
    urls = [*((p, {}) for p in PAGES), ("/api/v1/readiness", api), (feed, {})]
    for url, headers in urls:
        assert client.get(url, headers=headers).status_code == 200, url  # warm-up
        statements.clear()
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        counts[url] = len(statements)
    return counts


def test_statement_count_stays_constant_from_10_to_1000_hires(app, client, statements):
    _add_hires(app, 10)
    with app.app_context(), write_intent():
        manager = db.session.scalar(sa.select(User).where(User.email == "manager@demo.local"))
        _token, secret = create_token(db.session, manager, name="bench", actor=None, now=utcnow())
        feed = (
            f"/calendar/{create_feed_token(db.session, manager, actor=manager, now=utcnow())}.ics"
        )
        db.session.commit()
    sign_in(client, "manager@demo.local", DEMO_PASSWORD)

    small = _counts(client, secret, statements, feed)
    _add_hires(app, 990)
    large = _counts(client, secret, statements, feed)

    assert large == small, (small, large)
    print("statements per page:", small)
    assert max(small.values()) <= 12, small
    # And the big numbers really were served: 2 demo hires + 1,000 synthetic ones.
    exported = client.get("/team/export.csv").get_data(as_text=True).strip().splitlines()
    assert len(exported) == 1 + 1002
    assert (
        len(
            client.get(
                "/api/v1/readiness", headers={"Authorization": f"Bearer {secret}"}
            ).get_json()["hires"]
        )
        == 1002
    )
