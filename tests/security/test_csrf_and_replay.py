"""CSRF on every POST route of ``app.url_map``, and a copied session cookie replayed after
sign-out, a password change, a role change, deactivation and the absolute lifetime.

For each POST route the request is made by a role the route admits (read from the route
matrix), so a 400 here is the CSRF check and nothing else; the same request with the role's
own token is what the matrix shows answering (not 400).
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest

from tests import factories
from tests.conftest import sign_in
from tests.security.test_route_matrix import DENIALS, MATRIX, RULES, _url, parse_cells, takes_object
from tests.security.world import ROLES, World, client_of
from trainhub.auth import service as accounts
from trainhub.db import utcnow, write_intent
from trainhub.extensions import db
from trainhub.sessions import STARTED

POSTS = [(endpoint, rule) for method, endpoint, rule in RULES if method == "POST"]


def _admitted(endpoint: str, rule: str) -> tuple[str, str]:
    """A (role, object) the matrix says this POST route lets through."""
    line = MATRIX[("POST", endpoint)]
    cells = parse_cells(line, takes_object(rule))
    for (role, owner), code in cells.items():
        if code not in DENIALS and code != "B":
            return role, owner if owner != "-" else "own"
    # Routes whose every cell needs fields (a 400 without them): any signed-in role.
    return "hire", "own"


@pytest.mark.parametrize(("endpoint", "rule"), POSTS, ids=[e for e, _r in POSTS])
def test_a_post_without_a_valid_csrf_token_is_refused(world: World, endpoint: str, rule: str):
    world.reset_if_written()
    role, owner = _admitted(endpoint, rule)
    url = _url(rule, world, owner)
    client = client_of(world, role)
    other = next(r for r in ROLES if r != role)
    forged = {
        "no token": {},
        "an empty token": {"csrf_token": ""},
        "another session's token": {"csrf_token": world.tokens[other]},
        "a token with its signature cut": {"csrf_token": world.tokens[role].rsplit(".", 1)[0]},
    }
    for what, data in forged.items():
        response = client.post(url, data=data)
        assert response.status_code == 400, (endpoint, role, what, response.status_code)
    # Nothing was written by any of them (the CSRF check runs before the view).
    assert not world.dirty, f"{endpoint}: a refused POST wrote to the database"


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
