"""A copied session cookie replayed after sign-out, a password change, a role change,
deactivation and the absolute lifetime: each ends every copy of the session."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest

from tests import factories
from tests.conftest import sign_in
from trainhub.auth import service as accounts
from trainhub.db import utcnow, write_intent
from trainhub.extensions import db
from trainhub.sessions import STARTED


def _cookie(client: Any) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return str(cookie.value)


def _replay(app: Any, cookie: str) -> Any:
    attacker = app.test_client()
    attacker.set_cookie("session", cookie)
    return attacker.get("/team/")


def _change(app: Any, email: str, *, password: str | None = None, **changes: Any) -> None:
    with app.app_context(), write_intent():
        user = accounts.find_by_email(db.session, email)
        assert user is not None
        data = dataclasses.replace(accounts.PersonData.of(user), **changes)
        accounts.update_user(
            db.session, user, data, password=password, known_tracks=set(), actor=None,
            now=utcnow(),
        )  # fmt: skip
        db.session.commit()


CHANGES = {
    "sign-out": None,
    "password change": {"password": "a-brand-new-long-password"},
    "role change": {"role": "admin"},
    "deactivation": {"is_active": False},
}


@pytest.mark.parametrize("event", list(CHANGES))
def test_a_copied_session_dies_with(app, client, db_session, event):
    manager = factories.make_user(db_session, "manager")
    db_session.commit()
    sign_in(client, manager.email)
    stolen = _cookie(client)
    assert _replay(app, stolen).status_code == 200  # the copy works while the session lives
    if event == "sign-out":
        client.post_form("/logout", token_from="/")
    else:
        _change(app, manager.email, **CHANGES[event])
    response = _replay(app, stolen)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_copied_session_dies_at_its_absolute_lifetime(app, client, db_session):
    # The session's own clock: the cookie says when it signed in; nothing sleeps.
    manager = factories.make_user(db_session, "manager")
    db_session.commit()
    sign_in(client, manager.email)
    serializer = app.session_interface.get_signing_serializer(app)
    data = dict(serializer.loads(_cookie(client)))
    lifetime = app.config["SESSION_ABSOLUTE_LIFETIME"]
    young = serializer.dumps({**data, STARTED: time.time() - lifetime + 60})
    old = serializer.dumps({**data, STARTED: time.time() - lifetime - 1})
    assert _replay(app, young).status_code == 200
    assert _replay(app, old).status_code == 302
