"""The query the notification scan calls: answers past the service level, in one statement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tests import factories
from trainhub.content import catalog
from trainhub.reviews.service import overdue_reviews
from trainhub.reviews.sla import ServiceLevel, is_past_sla

SLA = ServiceLevel(48, ZoneInfo("UTC"))
NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)  # a Wednesday


def test_overdue_reviews_lists_what_is_past_the_service_level(app, db_session):
    with app.app_context():
        case = catalog().roleplays["gatekeeper-cold-call"]
    team = factories.make_team(db_session, hires=3)
    times = [NOW - timedelta(days=6), NOW - timedelta(hours=47), NOW - timedelta(days=3)]
    subs = [
        factories.make_submission(db_session, hire, case, at=when)
        for hire, when in zip(team["hires"], times, strict=True)
    ]
    factories.make_submission(
        db_session, team["hires"][0], case, status="approved", version=2, at=times[0]
    )  # decided: never overdue
    db_session.commit()

    seen: list[str] = []
    engine = db_session.get_bind()
    listener = lambda *a: seen.append(a[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        found = overdue_reviews(db_session, now=NOW, sla=SLA)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert [s for s in seen if s != "BEGIN"] == seen[-1:]  # one statement
    expected = [s for s in subs if is_past_sla(s.submitted_at, NOW, SLA)]
    assert [f.submission_id for f in found] == [s.id for s in expected] == [subs[0].id, subs[2].id]
    assert {f.mentor_id for f in found} == {team["mentor"].id}
    assert {f.manager_id for f in found} == {team["manager"].id}
