"""Signing in and out."""

from __future__ import annotations

from tests import factories
from tests.conftest import sign_in
from trainhub.auth.models import User


def test_sign_in_and_out(client, db_session):
    user = factories.make_user(db_session, "hire")
    db_session.commit()
    response = sign_in(client, user.email.upper())  # e-mail is case-insensitive
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.name in home.get_data(as_text=True)

    response = client.post_form("/logout", token_from="/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_same_message_for_unknown_email_and_wrong_password(client, db_session):
    user = factories.make_user(db_session, "hire")
    db_session.commit()
    wrong = client.post_form("/login", {"email": user.email, "password": "nope-nope-nope"})
    unknown = client.post_form("/login", {"email": "nobody@x.test", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail or password." in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password." in unknown.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, db_session):
    user = factories.make_user(db_session, "hire")
    db_session.commit()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_is_post_only(client, login_as):
    login_as("hire")
    assert client.get("/logout").status_code == 405


def test_inactive_account_cannot_sign_in(client, db_session):
    user = factories.make_user(db_session, "hire", is_active=False)
    db_session.commit()
    response = client.post_form("/login", {"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 401


def test_changing_role_ends_existing_sessions(app, client, db_session, login_as):
    user_id = login_as("mentor")
    assert client.get("/").status_code == 200
    user = db_session.get(User, user_id)
    user.session_version += 1
    db_session.commit()
    assert client.get("/").status_code == 302


def test_login_is_throttled_after_repeated_failures(app, client, db_session):
    app.config["RATELIMIT_LOGIN_ATTEMPTS"] = 3
    user = factories.make_user(db_session, "hire")
    db_session.commit()
    for _ in range(3):
        client.post_form("/login", {"email": user.email, "password": "wrong-password"})
    blocked = client.post_form("/login", {"email": user.email, "password": factories.PASSWORD})
    assert blocked.status_code == 429


def test_next_parameter_cannot_redirect_off_site(client, db_session):
    user = factories.make_user(db_session, "hire")
    db_session.commit()
    token = client.csrf_token()
    response = client.post(
        "/login?next=//evil.example/x",
        data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"
