"""API tokens expire, and end for good when their owner's role, password, e-mail or activity
changes; signing out of the browser leaves them alone."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.web.test_api_readiness import create_token, get
from trainhub.api.models import ApiToken
from trainhub.auth import service as accounts
from trainhub.auth.models import User
from trainhub.content import catalog
from trainhub.db import utcnow, write_intent
from trainhub.demo.data import load_demo
from trainhub.extensions import db

MANAGER = "manager@demo.local"


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow())


def _change(app, email: str, **changes: object) -> None:
    with app.app_context(), write_intent():
        user = accounts.find_by_email(db.session, email)
        assert user is not None
        data = accounts.PersonData.of(user)
        data = dataclasses.replace(data, **changes)  # type: ignore[arg-type]
        accounts.update_user(
            db.session, user, data, known_tracks={"account-manager", "lead-generation"},
            actor=None, now=utcnow(),
        )  # fmt: skip
        db.session.commit()


def test_a_token_stops_working_when_it_expires(client, runner, demo, db_session):
    token = create_token(runner, MANAGER, "--days", "30")
    assert get(client, token).status_code == 200
    row = db_session.scalars(sa.select(ApiToken)).one()
    assert row.expires_at is not None
    assert timedelta(days=29) < row.expires_at - row.created_at <= timedelta(days=30)
    # Thirty days on: the stored expiry is passed (time moved by the row, never slept).
    row.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    response = get(client, token)
    assert response.status_code == 401
    listed = runner.invoke(args=["api-token", "list"]).output
    assert "expired" in listed


def test_the_default_lifetime_is_shown_at_creation(runner, demo):
    result = runner.invoke(args=["api-token", "create", MANAGER])
    expected = (utcnow() + timedelta(days=90)).strftime("%Y-%m-%d")
    assert f"expires {expected}" in result.output


def test_a_password_change_ends_the_token(app, client, runner, demo):
    token = create_token(runner, MANAGER)
    _change(app, MANAGER)  # nothing changed: the token lives on
    assert get(client, token).status_code == 200
    with app.app_context(), write_intent():
        user = accounts.find_by_email(db.session, MANAGER)
        assert user is not None
        accounts.update_user(
            db.session, user, accounts.PersonData.of(user), password="a-brand-new-password",
            known_tracks=set(), actor=None, now=utcnow(),
        )  # fmt: skip
        db.session.commit()
    assert get(client, token).status_code == 401


def test_reactivating_an_account_does_not_bring_its_tokens_back(app, client, runner, demo):
    token = create_token(runner, MANAGER)
    _change(app, MANAGER, is_active=False)
    assert get(client, token).status_code == 401
    _change(app, MANAGER, is_active=True)
    assert get(client, token).status_code == 401
    assert "ended (owner's role" in runner.invoke(args=["api-token", "list"]).output


def test_signing_out_of_the_browser_keeps_the_token(client, runner, demo, db_session):
    token = create_token(runner, MANAGER)
    user = db_session.scalar(sa.select(User).where(User.email == MANAGER))
    assert user is not None
    client.post_form("/login", {"email": MANAGER, "password": "demo-password"})
    client.post_form("/logout", token_from="/")
    assert get(client, token).status_code == 200
