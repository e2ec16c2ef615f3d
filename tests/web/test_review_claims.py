"""Claims on answers: a mentor takes one, others see who has it until when, a lease that runs
out gives it back, and nobody decides another mentor's claimed answer (admins may, audited).
Two mentors claiming at once get one claim and one clear message, on both databases."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import Client, sign_in
from tests.web.roleplay_helpers import answer, as_user, decide
from trainhub.audit.models import AuditEvent
from trainhub.roleplays.models import Review, ReviewPoolMember, RoleplaySubmission


@pytest.fixture
def cast(client, db_session) -> dict[str, Any]:
    """A team whose manager has a pool of one more mentor, and a submitted answer."""
    team = factories.make_team(db_session)
    colleague = factories.make_user(db_session, "mentor", name="Olena Colleague")
    outsider = factories.make_user(db_session, "mentor")
    admin = factories.make_user(db_session, "admin")
    db_session.add(ReviewPoolMember(manager_id=team["manager"].id, mentor_id=colleague.id))
    db_session.commit()
    as_user(client, team["hire"].email)
    answer(client, "My call script.")
    sub = db_session.scalars(sa.select(RoleplaySubmission)).one()
    return {**team, "colleague": colleague, "outsider": outsider, "admin": admin, "sub": sub}


def _post(client: Client, url: str, page: str, data: dict | None = None) -> Any:
    return client.post_form(url, data or {}, token_from=page)


def test_a_claim_shows_who_has_it_and_until_when(client, cast, db_session):
    sub = cast["sub"]
    as_user(client, cast["mentor"].email)
    page = f"/reviews/{sub.id}"
    response = _post(client, f"/reviews/{sub.id}/claim", page)
    assert response.status_code == 302
    assert "Claimed until" in client.get(page).get_data(as_text=True)
    assert "yours until" in client.get("/reviews/").get_data(as_text=True)

    as_user(client, cast["colleague"].email)
    queue = client.get("/reviews/").get_data(as_text=True)
    assert f"{cast['mentor'].name} has it until" in queue
    review_page = client.get(page).get_data(as_text=True)
    assert f"{cast['mentor'].name} has claimed this answer until" in review_page
    assert "Save decision" not in review_page  # the form is not offered over a live claim


def test_another_mentors_claim_refuses_a_decision(client, cast, db_session):
    sub = cast["sub"]
    as_user(client, cast["mentor"].email)
    _post(client, f"/reviews/{sub.id}/claim", f"/reviews/{sub.id}")
    as_user(client, cast["colleague"].email)
    response = decide(client, sub.id, 3, "approved")
    assert response.status_code == 409
    assert "Another mentor has claimed this answer" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(RoleplaySubmission, sub.id).status == "submitted"
    assert db_session.scalars(sa.select(Review)).all() == []


def test_an_admin_may_decide_over_a_claim_and_it_is_audited(client, cast, db_session):
    sub = cast["sub"]
    as_user(client, cast["mentor"].email)
    _post(client, f"/reviews/{sub.id}/claim", f"/reviews/{sub.id}")
    as_user(client, cast["admin"].email)
    page = client.get(f"/reviews/{sub.id}").get_data(as_text=True)
    assert "written to the audit log" in page
    response = decide(client, sub.id, 3, "approved")
    assert response.status_code == 302
    assert "decided over another mentor" in client.get("/reviews/").get_data(as_text=True)
    actions = db_session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_id == str(sub.id))
    ).all()
    assert "review.claim_overridden" in actions and "review.approved" in actions


def test_an_expired_lease_returns_the_answer_to_the_queue(client, cast, db_session):
    sub = cast["sub"]
    as_user(client, cast["mentor"].email)
    _post(client, f"/reviews/{sub.id}/claim", f"/reviews/{sub.id}")
    # Simulated time: the lease ran out an hour ago.
    db_session.execute(
        sa.update(RoleplaySubmission)
        .where(RoleplaySubmission.id == sub.id)
        .values(claimed_until=datetime.now(UTC) - timedelta(hours=1))
    )
    db_session.commit()
    as_user(client, cast["colleague"].email)
    assert "has it until" not in client.get("/reviews/").get_data(as_text=True)
    _post(client, f"/reviews/{sub.id}/claim", f"/reviews/{sub.id}")
    db_session.expire_all()
    assert db_session.get(RoleplaySubmission, sub.id).claimed_by_id == cast["colleague"].id


def test_opening_the_form_renews_the_lease_and_release_gives_it_back(client, app, cast, db_session):
    sub = cast["sub"]
    as_user(client, cast["mentor"].email)
    _post(client, f"/reviews/{sub.id}/claim", f"/reviews/{sub.id}")
    soon = datetime.now(UTC) + timedelta(minutes=5)
    db_session.execute(
        sa.update(RoleplaySubmission)
        .where(RoleplaySubmission.id == sub.id)
        .values(claimed_until=soon)
    )
    db_session.commit()
    client.get(f"/reviews/{sub.id}")
    db_session.expire_all()
    renewed = db_session.get(RoleplaySubmission, sub.id).claimed_until
    assert renewed > soon + timedelta(hours=app.config["REVIEW_LEASE_HOURS"] - 1)

    response = _post(client, f"/reviews/{sub.id}/release", f"/reviews/{sub.id}")
    assert response.status_code == 302
    assert "back in the queue" in client.get("/reviews/").get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(RoleplaySubmission, sub.id).claimed_by_id is None


def test_who_may_claim(client, cast, db_session):
    sub = cast["sub"]
    url, page = f"/reviews/{sub.id}/claim", "/"
    as_user(client, cast["hire"].email)
    assert _post(client, url, page).status_code == 403  # a hire
    as_user(client, cast["manager"].email)
    assert _post(client, url, page).status_code == 403  # a manager reassigns, never claims
    as_user(client, cast["outsider"].email)
    assert _post(client, url, page).status_code == 403  # another team's mentor
    assert client.get(f"/reviews/{sub.id}").status_code == 403
    as_user(client, cast["colleague"].email)
    assert _post(client, url, page).status_code == 302  # the pool's mentor


def _client(app, email: str) -> Client:
    app.test_client_class = Client
    other = app.test_client()
    sign_in(other, email)
    return other


def test_two_mentors_claiming_at_once_get_one_claim(app, client, cast, db_session):
    sub = cast["sub"]
    url = f"/reviews/{sub.id}/claim"
    people = [_client(app, cast["mentor"].email), _client(app, cast["colleague"].email)]
    tokens = [c.csrf_token(f"/reviews/{sub.id}") for c in people]
    barrier = threading.Barrier(2)
    pages: list[str] = []
    errors: list[BaseException] = []

    def claim(c: Client, token: str) -> None:
        try:
            barrier.wait(timeout=10)
            response = c.post(url, data={"csrf_token": token}, follow_redirects=True)
            pages.append(response.get_data(as_text=True))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=claim, args=pair) for pair in zip(people, tokens, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    won = [p for p in pages if "Claimed until" in p]
    lost = [p for p in pages if "Another mentor claimed this answer first" in p]
    assert len(won) == 1 and len(lost) == 1
    db_session.expire_all()
    assert db_session.get(RoleplaySubmission, sub.id).claimed_by_id in {
        cast["mentor"].id,
        cast["colleague"].id,
    }


@pytest.mark.parametrize(
    ("locale", "words"),
    [("ru", ("Взять в работу", "Ваши показатели", "Ждут меня")),
     ("uk", ("Взяти в роботу", "Ваші показники", "Чекають на мене"))],
)  # fmt: skip
def test_the_queue_and_the_claim_speak_the_persons_language(
    client, db_session, cast, locale, words
):
    cast["mentor"].locale = locale
    db_session.commit()
    as_user(client, cast["mentor"].email)
    page = client.get("/reviews/").get_data(as_text=True) + client.get(
        f"/reviews/{cast['sub'].id}"
    ).get_data(as_text=True)
    for word in words:
        assert word in page
    text = re.sub(r"<[^>]*>", " ", page)  # what a person reads, not the markup
    for english in ("Claim", "Your numbers", "Waiting for me", "submitted", "+00:00"):
        assert english not in text
