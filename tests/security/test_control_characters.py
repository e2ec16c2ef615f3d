"""Control characters and line breaks in form values: a message next to the field, nothing
stored, never a 500 (PostgreSQL refuses NUL in text; SQLite used to store it silently)."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from tests.conftest import sign_in
from tests.web.roleplay_helpers import answer, team
from trainhub.auth.models import User
from trainhub.roleplays.models import RoleplaySubmission

CONTROL = "Remove the invisible control character"
ONE_LINE = "This field takes one line"


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("email", ["hire\x00@example.test", "hire@example.test\x1b[2J"])
def test_a_control_character_at_sign_in_is_a_message_not_a_500(client, email):
    response = client.post_form("/login", {"email": email, "password": "whatever-password"})
    assert response.status_code in (200, 422)
    assert CONTROL in _page(response)


def test_a_nul_in_a_draft_is_refused_and_nothing_is_saved(client, db_session):
    cast = team(db_session)
    assert sign_in(client, cast["hires"][0].email).status_code == 302
    response = answer(client, "My opening line\x00 and the rest", submit=False)
    assert response.status_code == 422
    assert CONTROL in _page(response)
    assert db_session.scalar(sa.select(sa.func.count()).select_from(RoleplaySubmission)) == 0


def test_a_multi_line_answer_keeps_its_line_breaks_and_tabs(client, db_session):
    cast = team(db_session)
    assert sign_in(client, cast["hires"][0].email).status_code == 302
    response = answer(client, "Opening:\r\n\tHello, this is Anna.\nNext step: a call", submit=False)
    assert response.status_code == 302
    saved = db_session.scalars(sa.select(RoleplaySubmission)).one()
    assert "\tHello" in saved.text


def test_a_line_break_in_a_name_is_reported_next_to_the_field(client, login_as, db_session):
    login_as("admin")
    response = client.post_form(
        "/admin/people/new",
        {
            "name": "Forged\nINFO admin logged in",
            "email": "new.person@example.test",
            "role": "hire",
            "track": "account-manager",
            "mentor_id": "",
            "manager_id": "",
            "started_on": "2026-11-02",
            "locale": "",
            "is_active": "y",
            "password": "a-long-enough-password",
        },
        token_from="/admin/people/new",
    )
    assert response.status_code == 422
    page = _page(response)
    assert 'id="name-error"' in page and ONE_LINE in page
    assert db_session.scalar(sa.select(User).where(User.email == "new.person@example.test")) is None
