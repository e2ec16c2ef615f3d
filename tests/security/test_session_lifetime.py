"""Sign-in and sign-out start a new session with a new CSRF secret, and a signed-in session
ends SESSION_ABSOLUTE_LIFETIME after sign-in however often it is used."""

from __future__ import annotations

import time

from tests import factories
from tests.conftest import sign_in
from trainhub.sessions import STARTED


def _session(app, client) -> dict:
    serializer = app.session_interface.get_signing_serializer(app)
    return dict(serializer.loads(client.get_cookie("session").value))


def _cookie_with(app, data: dict) -> str:
    return app.session_interface.get_signing_serializer(app).dumps(data)


def test_sign_in_and_sign_out_replace_the_csrf_secret(app, client, db_session):
    user = factories.make_user(db_session, "manager")
    db_session.commit()
    client.get("/login")
    before = _session(app, client)["csrf_token"]
    old_token = client.csrf_token("/login")
    sign_in(client, user.email)
    client.get("/")
    after = _session(app, client)["csrf_token"]
    assert after != before
    # A token from before sign-in no longer passes, so a page planted earlier cannot post.
    refused = client.post("/logout", data={"csrf_token": old_token})
    assert refused.status_code == 400
    client.post_form("/logout", token_from="/")
    client.get("/login")
    assert _session(app, client).get("csrf_token") not in (None, after)


def test_a_session_used_all_day_ends_at_its_absolute_lifetime(app, client, db_session):
    user = factories.make_user(db_session, "manager")
    db_session.commit()
    sign_in(client, user.email)
    data = _session(app, client)
    assert client.get("/team/").status_code == 200
    lifetime = app.config["SESSION_ABSOLUTE_LIFETIME"]
    # The same cookie, as if signed in just over the lifetime ago (re-signed a moment ago,
    # so the idle limit alone would let it through).
    client.set_cookie("session", _cookie_with(app, {**data, STARTED: time.time() - lifetime - 60}))
    response = client.get("/team/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    client.set_cookie("session", _cookie_with(app, {**data, STARTED: time.time() - lifetime + 60}))
    assert client.get("/team/").status_code == 200


def test_a_signed_in_cookie_without_a_start_is_refused(app, client, db_session):
    user = factories.make_user(db_session, "manager")
    db_session.commit()
    sign_in(client, user.email)
    data = _session(app, client)
    data.pop(STARTED)
    client.set_cookie("session", _cookie_with(app, data))
    assert client.get("/team/").status_code == 302


def test_the_language_picked_before_sign_in_stays(app, client, db_session):
    user = factories.make_user(db_session, "manager")
    db_session.commit()
    client.post_form("/language", {"locale": "uk"}, token_from="/login")
    sign_in(client, user.email)
    assert _session(app, client).get("locale") == "uk"
