"""The queue in sections (mine, my pool, nobody), service levels, the mentor's numbers, and a
manager's reassignment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests import factories
from tests.web.roleplay_helpers import as_user
from trainhub.audit.models import AuditEvent
from trainhub.content import catalog
from trainhub.roleplays.models import ReviewPoolMember, RoleplaySubmission

CASE = "gatekeeper-cold-call"


@pytest.fixture
def case(app):
    with app.app_context():
        return catalog().roleplays[CASE]


@pytest.fixture
def world(db_session, case) -> dict[str, Any]:
    team = factories.make_team(db_session)
    colleague = factories.make_user(db_session, "mentor", name="Pool Mentor")
    outsider = factories.make_user(db_session, "mentor")
    admin = factories.make_user(db_session, "admin")
    db_session.add(ReviewPoolMember(manager_id=team["manager"].id, mentor_id=colleague.id))
    orphan = factories.make_user(db_session, "hire", name="Orphan Hire")  # no mentor, no pool
    mine = factories.make_submission(db_session, team["hire"], case)
    lost = factories.make_submission(db_session, orphan, case)
    db_session.commit()
    return {**team, "colleague": colleague, "outsider": outsider, "admin": admin,
            "orphan": orphan, "mine": mine, "lost": lost}  # fmt: skip


def _section(page: str, name: str) -> str:
    start = page.index(f'data-testid="section-{name}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_the_queue_shows_mine_my_pool_and_nobody(client, world):
    as_user(client, world["mentor"].email)
    page = client.get("/reviews/").get_data(as_text=True)
    assert world["hire"].name in _section(page, "mine")
    assert "Orphan Hire" not in page  # a mentor is told, not shown, whose work waits
    assert "1 answer waits for nobody" in page

    as_user(client, world["colleague"].email)
    page = client.get("/reviews/").get_data(as_text=True)
    assert world["hire"].name in _section(page, "pool")
    assert world["hire"].name not in _section(page, "mine")

    as_user(client, world["admin"].email)
    page = client.get("/reviews/").get_data(as_text=True)
    assert "Orphan Hire" in _section(page, "nobody")
    assert world["hire"].name in _section(page, "others")

    as_user(client, world["outsider"].email)
    page = client.get("/reviews/").get_data(as_text=True)
    assert world["hire"].name not in page


def test_an_inactive_mentor_leaves_the_answer_to_the_pool(client, db_session, world):
    world["mentor"].is_active = False
    db_session.commit()
    as_user(client, world["colleague"].email)
    page = client.get("/reviews/").get_data(as_text=True)
    assert world["hire"].name in _section(page, "pool")


def test_an_answer_past_two_working_days_is_flagged(client, db_session, world, case):
    old = datetime.now(UTC) - timedelta(days=6)
    world["mine"].submitted_at = old
    db_session.commit()
    as_user(client, world["mentor"].email)
    page = client.get("/reviews/").get_data(as_text=True)
    assert 'data-testid="overdue"' in _section(page, "mine")
    assert "overdue" in client.get(f"/reviews/{world['mine'].id}").get_data(as_text=True)


def test_a_fresh_answer_is_not_flagged(client, world):
    as_user(client, world["mentor"].email)
    page = client.get("/reviews/").get_data(as_text=True)
    assert 'data-testid="overdue"' not in page


def test_the_mentors_numbers(client, db_session, world, case):
    now = datetime.now(UTC)
    for hours in (2, 4, 30):
        factories.make_submission(
            db_session, world["hire"], case, status="approved", version=1 + hours,
            at=now - timedelta(hours=hours + 2), review_by=world["mentor"], score=3.0,
        )  # fmt: skip
    db_session.commit()
    as_user(client, world["mentor"].email)
    page = client.get("/reviews/").get_data(as_text=True)
    # Each was decided two hours after it was submitted (the factory's review time).
    assert 'data-testid="n-median">2 hours<' in page
    assert 'data-testid="n-waiting">1<' in page


def test_a_manager_reassigns_to_a_mentor_of_the_pool(client, db_session, world):
    sub = world["mine"]
    as_user(client, world["manager"].email)
    page_url = f"/reviews/hires/{world['hire'].id}"
    page = client.get(page_url).get_data(as_text=True)
    assert "Assign the review" in page
    data = {f"assign-{sub.id}-mentor": str(world["colleague"].id)}
    response = client.post_form(f"/reviews/{sub.id}/reassign", data, token_from=page_url)
    assert response.status_code == 302
    assert "Assigned to Pool Mentor" in client.get(page_url).get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(RoleplaySubmission, sub.id).claimed_by_id == world["colleague"].id
    event = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "review.reassigned")
    ).one()
    assert event.data["to_mentor_id"] == world["colleague"].id


def test_reassigning_to_a_mentor_who_may_not_review_is_refused(client, db_session, world):
    sub = world["mine"]
    as_user(client, world["manager"].email)
    page_url = f"/reviews/hires/{world['hire'].id}"
    data = {f"assign-{sub.id}-mentor": str(world["outsider"].id)}
    response = client.post_form(f"/reviews/{sub.id}/reassign", data, token_from=page_url)
    assert response.status_code == 302
    assert "Not a valid choice" in client.get(page_url).get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(RoleplaySubmission, sub.id).claimed_by_id is None


def test_who_may_reassign(client, db_session, world):
    sub = world["mine"]
    other_manager = factories.make_user(db_session, "manager")
    db_session.commit()
    data = {f"assign-{sub.id}-mentor": str(world["colleague"].id)}
    for person in (world["mentor"], world["colleague"], other_manager):
        as_user(client, person.email)
        response = client.post_form(f"/reviews/{sub.id}/reassign", data, token_from="/")
        assert response.status_code == 403, person.email
    as_user(client, world["hire"].email)
    assert client.post_form(f"/reviews/{sub.id}/reassign", data, token_from="/").status_code == 403


def test_the_managers_dashboard_and_home_flag_an_overdue_answer(client, db_session, world):
    world["mine"].submitted_at = datetime.now(UTC) - timedelta(days=6)
    db_session.commit()
    as_user(client, world["manager"].email)
    assert 'data-testid="overdue"' in client.get("/team/").get_data(as_text=True)
    assert 'data-testid="overdue"' in client.get("/").get_data(as_text=True)


def test_a_fresh_answer_is_not_flagged_on_the_dashboard(client, world):
    as_user(client, world["manager"].email)
    assert 'data-testid="overdue"' not in client.get("/team/").get_data(as_text=True)


def test_a_manager_names_the_review_pool(client, db_session, world):
    spare = factories.make_user(db_session, "mentor", name="Spare Mentor")
    db_session.commit()
    as_user(client, world["manager"].email)
    page = client.get("/team/pool").get_data(as_text=True)
    assert "Spare Mentor" in page and "checked" in page  # the colleague is in it already
    response = client.post_form("/team/pool", {"mentors": [str(spare.id)]}, token_from="/team/pool")
    assert response.status_code == 302
    members = db_session.scalars(
        sa.select(ReviewPoolMember.mentor_id).where(
            ReviewPoolMember.manager_id == world["manager"].id
        )
    ).all()
    assert members == [spare.id]
    assert db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "review_pool.changed")
    ).one()
    bad = client.post_form("/team/pool", {"mentors": ["999999"]}, token_from="/team/pool")
    assert bad.status_code == 422 and "Choose mentors from the list." in bad.get_data(as_text=True)


def test_only_managers_name_a_pool(client, world):
    for person in (world["mentor"], world["hire"], world["admin"]):
        as_user(client, person.email)
        assert client.get("/team/pool").status_code == 403, person.email
