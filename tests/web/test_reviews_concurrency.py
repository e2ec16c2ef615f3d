"""Two reviewers deciding the same version at once: one wins, the other is told, no 500."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from tests import factories
from tests.conftest import Client, sign_in
from tests.web.roleplay_helpers import CASE, CASE_URL, review_data
from trainhub.audit.models import AuditEvent
from trainhub.roleplays.models import Review, RoleplaySubmission

ROUNDS = 4


def _client(app, email: str) -> Client:
    app.test_client_class = Client
    client = app.test_client()
    sign_in(client, email)
    return client


def _race(reviewers: list[tuple[Client, dict]], url: str) -> tuple[list[int], list[BaseException]]:
    """POST every reviewer's form at the same moment; the status codes and any exceptions."""
    tokens = [client.csrf_token(url) for client, _ in reviewers]
    barrier = threading.Barrier(len(reviewers))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def decide(client: Client, data: dict, token: str) -> None:
        try:
            barrier.wait(timeout=10)
            response = client.post(url, data={**data, "csrf_token": token})
            statuses.append(response.status_code)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)

    threads = [
        threading.Thread(target=decide, args=(client, data, token))
        for (client, data), token in zip(reviewers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses, errors


def test_simultaneous_decisions_give_one_consistent_result(app, db_session):
    cast = factories.make_team(db_session, hires=ROUNDS)
    admin = factories.make_user(db_session, "admin")
    db_session.commit()
    for hire in cast["hires"]:
        writer = _client(app, hire.email)
        writer.post_form(CASE_URL, {"text": "answer", "submit": "1"}, token_from=CASE_URL)
    subs = list(db_session.scalars(sa.select(RoleplaySubmission).order_by(RoleplaySubmission.id)))
    assert len(subs) == ROUNDS and {s.case_slug for s in subs} == {CASE}

    reviewers = [
        (_client(app, cast["mentor"].email), review_data(3, "approved", "mentor says yes")),
        (_client(app, admin.email), review_data(1, "needs_work", "admin says no")),
    ]
    for sub in subs:
        url = f"/reviews/{sub.id}"
        statuses, errors = _race(reviewers, url)
        assert not errors
        assert sorted(statuses) == [302, 409], statuses

        db_session.expire_all()
        reviews = list(db_session.scalars(sa.select(Review).where(Review.submission_id == sub.id)))
        assert len(reviews) == 1
        row = db_session.get(RoleplaySubmission, sub.id)
        assert row.status == reviews[0].decision
        events = db_session.scalars(
            sa.select(AuditEvent).where(AuditEvent.object_id == str(sub.id))
        ).all()
        assert [e.action for e in events] == [f"review.{reviews[0].decision}"]


def test_the_loser_sees_the_winning_decision(app, db_session):
    cast = factories.make_team(db_session)
    admin = factories.make_user(db_session, "admin")
    db_session.commit()
    writer = _client(app, cast["hire"].email)
    writer.post_form(CASE_URL, {"text": "answer", "submit": "1"}, token_from=CASE_URL)
    sub = db_session.scalars(sa.select(RoleplaySubmission)).one()
    url = f"/reviews/{sub.id}"
    mentor = _client(app, cast["mentor"].email)
    other = _client(app, admin.email)
    token = other.csrf_token(url)  # the admin opened the form first...
    mentor.post_form(url, review_data(3, "approved", "yes"), token_from=url)
    response = other.post(url, data={**review_data(1, "needs_work", "no"), "csrf_token": token})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "already decided" in page and "approved" in page
