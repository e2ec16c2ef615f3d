"""Each person's private calendar feed: made and revoked on the settings page, read without
a cookie, scoped to the person's own hires, and 404 for a wrong or revoked link."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import icalendar
import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import sign_in
from trainhub import clock
from trainhub.calendar.models import CalendarToken
from trainhub.calendar.tokens import hash_token

NOW = datetime(2026, 12, 2, 10, tzinfo=UTC)
FEED_RE = re.compile(r'value="(http://localhost/calendar/(cal_[A-Za-z0-9_-]+)\.ics)"')


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)


@pytest.fixture
def teams(app, db_session):
    mine = factories.make_team(db_session, hires=2)
    theirs = factories.make_team(db_session)
    mine["hires"][0].name = "Anna, Sales; Team"  # needs escaping in the feed
    for hire in (*mine["hires"], theirs["hire"]):
        hire.started_on = date(2026, 11, 23)
    db_session.commit()
    return {
        "hire": mine["hires"][0].email,
        "hire_ids": {h.id for h in mine["hires"]},
        "manager": mine["manager"].email,
        "mentor": mine["mentor"].email,
        "other_hire": theirs["hire"].id,
        "other_manager": theirs["manager"].email,
    }


def _create_link(client) -> tuple[str, str]:
    response = client.post_form("/account/calendar", {}, token_from="/account/")
    assert response.status_code == 200
    match = FEED_RE.search(response.get_data(as_text=True))
    assert match, "the new link is shown once, on the response"
    return match.group(1), match.group(2)


def _events(client, url: str) -> list[icalendar.Event]:
    response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return list(icalendar.Calendar.from_ical(response.get_data(as_text=True)).walk("VEVENT"))


def test_a_hire_subscribes_to_their_own_due_dates(app, client, db_session, teams):
    sign_in(client, teams["hire"])
    url, secret = _create_link(client)
    stored = db_session.scalars(sa.select(CalendarToken)).one()
    assert stored.token_hash == hash_token(secret) and secret not in stored.token_hash
    anonymous = app.test_client()  # calendar programs send no cookie
    events = _events(anonymous, url)
    assert events and all(str(e["SUMMARY"]).startswith("Due: ") for e in events)
    first = min(events, key=lambda e: e.decoded("DTSTART"))
    assert first.decoded("DTSTART") == date(2026, 11, 25)  # foundations: day 3 of a Monday start
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == len(events)
    assert uids == {str(e["UID"]) for e in _events(anonymous, url)}  # stable across reads


def test_a_manager_sees_only_their_own_hires_with_names_escaped(app, client, teams):
    sign_in(client, teams["manager"])
    url, _secret = _create_link(client)
    body = app.test_client().get(url.removeprefix("http://localhost")).get_data(as_text=True)
    assert "SUMMARY:Anna\\, Sales\\; Team: " in body
    events = _events(app.test_client(), url)
    hire_ids = {int(str(e["UID"]).split("-")[1]) for e in events}
    assert hire_ids == teams["hire_ids"] and teams["other_hire"] not in hire_ids


def test_another_persons_token_never_shows_someone_elses_data(app, client, teams):
    sign_in(client, teams["other_manager"])
    url, _secret = _create_link(client)
    events = _events(app.test_client(), url)
    assert {int(str(e["UID"]).split("-")[1]) for e in events} == {teams["other_hire"]}


def test_wrong_replaced_and_revoked_links_are_404(app, client, teams):
    anonymous = app.test_client()
    assert anonymous.get("/calendar/cal_nope.ics").status_code == 404
    assert anonymous.get("/calendar/x.ics").status_code == 404
    sign_in(client, teams["hire"])
    first, _ = _create_link(client)
    second, _ = _create_link(client)  # a new link replaces the old one
    assert anonymous.get(first.removeprefix("http://localhost")).status_code == 404
    assert anonymous.get(second.removeprefix("http://localhost")).status_code == 200
    page = client.get("/account/").get_data(as_text=True)
    assert "A calendar link is active" in page and "cal_" not in page
    client.post_form("/account/calendar/revoke", {}, token_from="/account/")
    assert anonymous.get(second.removeprefix("http://localhost")).status_code == 404


def test_the_settings_buttons_need_a_csrf_token(client, teams):
    sign_in(client, teams["hire"])
    assert client.post("/account/calendar").status_code in (400, 422)
    assert "cal_" not in client.get("/account/").get_data(as_text=True)
