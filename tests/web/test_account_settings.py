"""The person's settings: a time zone from the IANA list (else the browser's, else the
company's) for every time shown, and the language."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import sign_in
from trainhub.auth.models import User
from trainhub.team.models import Clearance

READY_AT = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)


@pytest.fixture
def cleared(app, db_session):
    """A hire cleared at 22:30 UTC: 00:30 the next day in Kyiv, 17:30 in New York."""
    team = factories.make_team(db_session)
    db_session.add(
        Clearance(
            user_id=team["hire"].id, cleared_by_id=team["manager"].id, note="", cleared_at=READY_AT
        )
    )
    db_session.commit()
    return team["hire"].id, team["manager"].email


def _clearance(client, hire_id: int) -> str:
    page = client.get(f"/team/{hire_id}").get_data(as_text=True)
    return page.split('data-testid="clearance"')[1].split("</p>")[0]


def test_times_follow_the_persons_zone_then_the_browsers_then_the_companys(
    client, db_session, cleared
):
    hire_id, manager = cleared
    sign_in(client, manager)
    assert "Nov 20, 2026, 10:30:00" in _clearance(client, hire_id)  # the company's: UTC
    client.set_cookie("tz", "America/New_York")
    assert "Nov 20, 2026, 5:30:00" in _clearance(client, hire_id)
    client.set_cookie("tz", "Not/AZone")  # ignored, not an error
    assert "Nov 20, 2026, 10:30:00" in _clearance(client, hire_id)
    response = client.post_form(
        "/account/", {"time_zone": "Europe/Kyiv", "locale": ""}, token_from="/account/"
    )
    assert response.status_code == 302
    client.set_cookie("tz", "America/New_York")  # the person's own choice wins
    assert "Nov 21, 2026, 12:30:00" in _clearance(client, hire_id)
    person = db_session.scalar(sa.select(User).where(User.email == manager))
    assert person.time_zone == "Europe/Kyiv"


def test_the_zone_list_shows_names_and_refuses_unknown_zones(client, login_as):
    login_as("hire")
    page = client.get("/account/").get_data(as_text=True)
    assert '<option value="Europe/Kyiv">Ukraine — Kyiv</option>' in page
    assert '<option value="America/New_York">United States — New York</option>' in page
    response = client.post_form(
        "/account/", {"time_zone": "Mars/Olympus", "locale": ""}, token_from="/account/"
    )
    assert response.status_code == 422
    assert 'id="time_zone-error"' in response.get_data(as_text=True)


def test_the_language_is_saved_too(client, login_as):
    login_as("hire")
    client.post_form("/account/", {"time_zone": "", "locale": "uk"}, token_from="/account/")
    assert '<html lang="uk">' in client.get("/account/").get_data(as_text=True)


def test_the_settings_page_needs_a_sign_in(client):
    assert client.get("/account/").status_code == 302


def test_the_zone_list_speaks_the_persons_language(client, login_as):
    # The IANA names ("Europe/Kyiv") are codes: a Russian or Ukrainian reader gets the
    # country and the city in their language, in their alphabet's order.
    login_as("hire", locale="ru")
    page = client.get("/account/").get_data(as_text=True)
    assert '<option value="Europe/Kyiv">Украина — Киев</option>' in page
    assert ">Europe/" not in page and "летнее время" not in page
    options = re.findall(r'<option value="[A-Z][^"]*">([^<]+)</option>', page)
    assert options == sorted(options, key=str.casefold)
    client.post_form("/account/", {"time_zone": "", "locale": "uk"}, token_from="/account/")
    page = client.get("/account/").get_data(as_text=True)
    assert '<option value="Europe/Kyiv">Україна — Київ</option>' in page
