"""The facts the readiness rules read carry the times as they were stored, as aware UTC.

``gather_raw`` reads times unconverted (SQLite's text, PostgreSQL's datetime) and converts
them only when the rules need them; a mistake there would move "ready since" or "waiting
since" by hours, or mix naive and aware datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from tests import factories
from trainhub.content import catalog
from trainhub.readiness.gather import gather_facts, gather_raw

STORED = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)


def test_gathered_times_are_the_stored_ones_in_utc(app, db_session):
    with app.app_context():
        cat = catalog()
    cast = factories.make_team(db_session, track="account-executive")
    hire, mentor = cast["hire"], cast["mentor"]
    course = next(iter(cat.courses.values()))
    case = next(iter(cat.roleplays.values()))
    track = cat.tracks["account-executive"]
    # Given in another zone: stored as UTC whatever the writer's zone.
    kyiv = STORED.astimezone(timezone(timedelta(hours=2)))
    factories.make_completions(db_session, hire, course, at=kyiv)
    factories.make_attempt(db_session, hire, "kpi-basics", 90.0, at=STORED)
    factories.make_submission(
        db_session, hire, case, status="approved", at=STORED, review_by=mentor, score=3.5
    )
    item = "shadowed-client-meetings"
    factories.make_signoff(db_session, hire, track, item, by=mentor, at=STORED)
    db_session.commit()

    facts = gather_facts(db_session, [hire.id])[hire.id]
    times = [
        facts.courses[course.slug].last_completed_at,
        facts.attempts["kpi-basics"][0].submitted_at,
        facts.submissions[case.slug][0].submitted_at,
        facts.signoffs[item].signed_at,
    ]
    assert times == [STORED] * 4
    assert all(t is not None and t.utcoffset() == timedelta(0) for t in times)
    reviewed = facts.submissions[case.slug][0].reviewed_at
    assert reviewed is not None and reviewed.tzinfo is not None
    # The raw rows are hashable: they are the key under which readiness is reused.
    assert hash(gather_raw(db_session, [hire.id])[hire.id])
