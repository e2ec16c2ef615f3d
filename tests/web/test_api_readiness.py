"""The readiness API: bearer tokens from the CLI, the contract's JSON shape, scoping."""

from __future__ import annotations

import hashlib
import re

import pytest
import sqlalchemy as sa

from tests import factories
from trainhub.api.models import ApiToken
from trainhub.auth.models import User
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.demo.data import load_demo
from trainhub.extensions import db

HIRE_KEYS = {
    "email",
    "name",
    "track",
    "mentor",
    "started_on",
    "progress",
    "status",
    "ready_since",
    "steps",
    "reasons",
}
# The contract's fields (DESIGN.md) stay; these were added with due dates (additive only).
ADDED_HIRE_KEYS = {"schedule_state"}
STEP_KEYS = {"kind", "slug", "done", "detail"}
ADDED_STEP_KEYS = {"due_on", "overdue_days", "outdated", "redo"}  # and with stale work
TOKEN_RE = re.compile(r"^th_[A-Za-z0-9_-]{40,}$", re.M)


def create_token(runner, email: str, *extra: str) -> str:
    result = runner.invoke(args=["api-token", "create", email, *extra])
    assert result.exit_code == 0, result.output
    match = TOKEN_RE.search(result.stdout)
    assert match, result.output
    return match.group(0)


def get(client, token: str | None, url: str = "/api/v1/readiness"):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.get(url, headers=headers)


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow())


@pytest.fixture
def two_teams(app):
    with app.app_context():
        cat = catalog()
        teams = []
        for _ in range(2):
            team = factories.make_team(db.session, track="account-manager", hires=2)
            factories.complete_track(db.session, cat, team["hires"][0], team["mentor"])
            teams.append(
                {
                    "manager": team["manager"].email,
                    "mentor": team["mentor"].email,
                    "hires": {h.email for h in team["hires"]},
                    "hire": team["hire"].email,
                }
            )
        db.session.commit()
    return teams


def test_the_demo_manager_reads_the_contracts_shape(client, runner, demo):
    token = create_token(runner, "manager@demo.local", "--name", "HR sync")
    response = get(client, token)
    assert response.status_code == 200
    body = response.get_json()
    # The contract's fields, and "next" (added with pages): null on the last page.
    assert set(body) == {"generated_at", "hires", "next"}
    assert body["next"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["generated_at"])
    hires = {h["email"]: h for h in body["hires"]}
    assert set(hires) == {"hire@demo.local", "ready@demo.local"}
    for hire in hires.values():
        assert set(hire) == HIRE_KEYS | ADDED_HIRE_KEYS
        assert hire["schedule_state"] == "scheduled"
        assert 0.0 <= hire["progress"] <= 1.0
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", hire["started_on"])
        assert hire["mentor"] == "mentor@demo.local"
        for step in hire["steps"]:
            assert set(step) == STEP_KEYS | ADDED_STEP_KEYS
            assert step["due_on"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", step["due_on"])
            assert isinstance(step["overdue_days"], int) and step["overdue_days"] >= 0
            assert step["kind"] in {"course", "quiz", "roleplay", "signoff"}
    ready, fresh = hires["ready@demo.local"], hires["hire@demo.local"]
    assert ready["status"] == "ready" and ready["ready_since"] and ready["reasons"] == []
    assert ready["track"] == "account-manager" and ready["progress"] == 1.0
    assert all(step["done"] for step in ready["steps"])
    assert fresh["status"] == "not_started" and fresh["ready_since"] is None
    assert fresh["progress"] == 0.0
    assert "course sales-department-foundations: 0 of 7 lessons done" in fresh["reasons"]


def test_the_token_is_printed_once_and_stored_hashed(runner, demo, db_session):
    token = create_token(runner, "manager@demo.local")
    row = db_session.scalars(sa.select(ApiToken)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(row.prefix) and len(row.prefix) < len(token)
    listing = runner.invoke(args=["api-token", "list"])
    assert row.prefix in listing.output and token not in listing.output
    assert "manager@demo.local" in listing.output


def test_missing_wrong_and_malformed_tokens_get_401_json(client, runner, demo):
    create_token(runner, "manager@demo.local")
    for response in (
        get(client, None),
        get(client, "th_" + "x" * 43),
        get(client, "not-even-our-scheme"),
        client.get("/api/v1/readiness", headers={"Authorization": "Basic abc"}),
    ):
        assert response.status_code == 401
        assert response.is_json and response.get_json()["error"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(client, runner, demo, db_session):
    token = create_token(runner, "manager@demo.local")
    assert get(client, token).status_code == 200
    prefix = db_session.scalar(sa.select(ApiToken.prefix))
    result = runner.invoke(args=["api-token", "revoke", prefix])
    assert result.exit_code == 0 and "revoked" in result.output
    assert get(client, token).status_code == 401
    again = runner.invoke(args=["api-token", "revoke", prefix])
    assert "already revoked" in again.output


def test_revoke_by_id_and_unknown_references(runner, demo, db_session):
    create_token(runner, "manager@demo.local")
    token_id = db_session.scalar(sa.select(ApiToken.id))
    assert runner.invoke(args=["api-token", "revoke", str(token_id)]).exit_code == 0
    missing = runner.invoke(args=["api-token", "revoke", "th_nothing"])
    assert missing.exit_code != 0 and "no token" in missing.output
    assert runner.invoke(args=["api-token", "create", "nobody@x.test"]).exit_code != 0


def test_a_hires_token_gets_403(client, runner, demo):
    token = create_token(runner, "hire@demo.local")
    response = get(client, token)
    assert response.status_code == 403
    assert response.get_json()["error"]


def test_a_deactivated_owners_token_stops_working(client, runner, demo, db_session):
    token = create_token(runner, "manager@demo.local")
    db_session.execute(
        sa.text("UPDATE users SET is_active = false WHERE email = 'manager@demo.local'")
    )
    db_session.commit()
    assert get(client, token).status_code == 401


def test_a_managers_token_sees_only_their_hires(client, runner, two_teams):
    mine, theirs = two_teams
    emails = {h["email"] for h in get(client, create_token(runner, mine["manager"])).json["hires"]}
    assert emails == mine["hires"]
    assert not emails & theirs["hires"]


def test_a_mentors_token_sees_the_hires_they_mentor(client, runner, two_teams):
    mine, theirs = two_teams
    emails = {h["email"] for h in get(client, create_token(runner, mine["mentor"])).json["hires"]}
    assert emails == mine["hires"]


def test_an_admins_token_sees_everyone(client, runner, two_teams, app):
    with app.app_context():
        admin = factories.make_user(db.session, "admin")
        db.session.commit()
        email = admin.email
    emails = {h["email"] for h in get(client, create_token(runner, email)).json["hires"]}
    assert emails == two_teams[0]["hires"] | two_teams[1]["hires"]


def test_a_browser_session_does_not_authenticate_the_api(client, login_as):
    login_as("manager")
    assert client.get("/api/v1/readiness").status_code == 401


def test_the_token_records_when_it_was_last_used(client, runner, demo, db_session):
    token = create_token(runner, "manager@demo.local")
    assert db_session.scalar(sa.select(ApiToken.last_used_at)) is None
    get(client, token)
    db_session.expire_all()
    assert db_session.scalar(sa.select(ApiToken.last_used_at)) is not None


def test_the_openapi_document_describes_the_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.")
    operation = doc["paths"]["/readiness"]["get"]
    assert {"200", "401", "403"} <= set(operation["responses"])
    hire = doc["components"]["schemas"]["Hire"]
    assert set(hire["required"]) == HIRE_KEYS
    assert ADDED_HIRE_KEYS <= set(hire["properties"])
    step = doc["components"]["schemas"]["Step"]
    assert set(step["required"]) == STEP_KEYS
    assert ADDED_STEP_KEYS <= set(step["properties"])
    assert hire["properties"]["status"]["enum"] == [
        "not_started",
        "in_progress",
        "awaiting_review",
        "ready",
    ]


def test_pages_follow_a_keyset_cursor_to_every_hire_once(client, runner, demo, app):
    with app.app_context():
        manager = db.session.scalar(sa.select(User).where(User.email == "manager@demo.local"))
        for n in range(5):
            factories.make_user(
                db.session, "hire", name=f"Paged {n}", manager_id=manager.id, mentor_id=None
            )
        db.session.commit()
    token = create_token(runner, "manager@demo.local", "--name", "HR sync")
    first = get(client, token, "/api/v1/readiness?limit=3").get_json()
    assert len(first["hires"]) == 3 and first["next"]
    seen = [h["email"] for h in first["hires"]]
    url = first["next"]
    while url:
        page = get(client, token, url).get_json()
        assert len(page["hires"]) <= 3
        seen += [h["email"] for h in page["hires"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 7
    names = [
        h["name"] for h in get(client, token, "/api/v1/readiness?limit=100").get_json()["hires"]
    ]
    assert names == sorted(names)  # one page of everyone, by name, as before


def test_a_bad_limit_or_cursor_is_a_400_not_a_500(client, runner, demo):
    token = create_token(runner, "manager@demo.local", "--name", "HR sync")
    for query in ("limit=0", "limit=1001", "limit=abc", "cursor=not-ours", "cursor=WzEsMl0"):
        response = get(client, token, f"/api/v1/readiness?{query}")
        assert response.status_code == 400, query
        assert response.get_json()["status"] == 400
