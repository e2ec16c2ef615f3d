"""F2: signing out does not end the session: a copy of the cookie still works afterwards."""

from __future__ import annotations

from tests import factories
from tests.conftest import sign_in


def test_a_cookie_copied_before_sign_out_is_refused_after_it(client, app, db_session):
    user = factories.make_user(db_session, "manager")
    db_session.commit()
    sign_in(client, user.email)
    stolen = client.get_cookie("session").value
    client.post_form("/logout", token_from="/")
    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    assert attacker.get("/team/").status_code == 302
