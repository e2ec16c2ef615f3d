"""Due dates where people see them, and the manager's schedule controls on the hire page.

Time is simulated: the company's "today" is pinned (``trainhub.clock.utcnow``), never slept.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import sign_in
from trainhub import clock
from trainhub.audit.models import AuditEvent
from trainhub.auth.models import User
from trainhub.clock import company_today
from trainhub.schedule.models import SchedulePause

# Wednesday 2 December 2026. The lead-generation track: foundations due on day 3, prospecting
# on day 7 (working days), the rest spread to day 21.
NOW = datetime(2026, 12, 2, 10, tzinfo=UTC)
MONDAY_LAST_WEEK = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)


@pytest.fixture
def team(app, db_session):
    team = factories.make_team(db_session)
    team["hire"].started_on = MONDAY_LAST_WEEK
    other = factories.make_team(db_session)
    db_session.commit()
    return {
        "hire": team["hire"].id,
        "hire_email": team["hire"].email,
        "manager": team["manager"].email,
        "mentor": team["mentor"].email,
        "other_manager": other["manager"].email,
    }


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_hires_home_shows_due_dates_overdue_first(client, team):
    sign_in(client, team["hire_email"])
    page = client.get("/").get_data(as_text=True)
    steps = re.findall(r'data-step="([^"]+)"', page)
    # Foundations (due Wed 25 Nov) is the most overdue, then the foundations quiz, the product
    # course and the KPI quiz (due Mon 30 Nov), then prospecting (due Tue 1 Dec).
    assert steps[:5] == [
        "course:sales-department-foundations",
        "quiz:foundations-basics",
        "course:product-and-crm",
        "quiz:kpi-basics",
        "course:prospecting",
    ]
    text = _text(client.get("/"))
    assert "Due Nov 25, 2026 · 7 days overdue" in text
    assert "Due Dec 1, 2026 · 1 day overdue" in text
    assert re.search(r"due in \d+ days", text)
    assert "not_scheduled" not in page and "2026-11-25" not in text


def test_a_hire_without_a_start_date_is_not_scheduled_never_on_track(client, db_session, team):
    hire = db_session.get(User, team["hire"])
    hire.started_on = None
    db_session.commit()
    sign_in(client, team["hire_email"])
    home = _text(client.get("/"))
    assert "not scheduled" in home and "overdue" not in home
    client.post("/logout", data={"csrf_token": client.csrf_token("/")})
    sign_in(client, team["manager"])
    dashboard = client.get("/team/").get_data(as_text=True)
    row = dashboard.split(f'data-hire="{team["hire_email"]}"')[1].split("</tr>")[0]
    assert "not scheduled" in row and "on track" not in row and "behind" not in row


def test_the_dashboard_calls_a_hire_behind_by_due_dates(client, team):
    sign_in(client, team["manager"])
    page = client.get("/team/").get_data(as_text=True)
    row = page.split(f'data-hire="{team["hire_email"]}"')[1].split("</tr>")[0]
    # Nine days in, well inside the 21 target days, but two steps are past their due dates.
    assert "behind" in row and "7 days overdue" in row


def test_the_manager_moves_the_start_and_due_dates_follow(client, db_session, team):
    sign_in(client, team["manager"])
    url = f"/team/{team['hire']}"
    response = client.post_form(
        f"{url}/schedule/start",
        {"started_on": "2026-11-30", "reason": "Joined a week later"},
        token_from=url,
    )
    assert response.status_code == 302
    page = client.get(url)
    text = _text(page)
    assert "Start date moved" in text and "Joined a week later" in text
    assert "behind" not in text.split("Steps")[0]
    csv = client.get("/team/export.csv").get_data(as_text=True)
    assert "course:sales-department-foundations=2026-12-02" in csv
    event = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "schedule.start_moved")
    ).one()
    assert event.data["to"] == "2026-11-30"


def test_pause_then_resume_with_reasons_and_history(client, db_session, team):
    sign_in(client, team["manager"])
    url = f"/team/{team['hire']}"
    client.post_form(
        f"{url}/schedule/pause",
        {"starts_on": "2026-11-26", "resumes_on": "", "reason": "Sick leave"},
        token_from=url,
    )
    page = _text(client.get(url))
    assert "paused" in page and "Sick leave" in page and "behind" not in page.split("Steps")[0]
    api_state = client.get("/team/export.csv").get_data(as_text=True)
    assert ",paused," in api_state
    response = client.post_form(
        f"{url}/schedule/resume", {"resumes_on": "2026-12-01", "reason": "Back"}, token_from=url
    )
    assert response.status_code == 302
    pause = db_session.scalars(sa.select(SchedulePause)).one()
    assert pause.resumes_on == date(2026, 12, 1)
    history = _text(client.get(url))
    assert "Paused from Nov 26, 2026" in history and "Resumes on Dec 1, 2026" in history


def test_nonsense_is_refused_next_to_the_field(client, team):
    sign_in(client, team["manager"])
    url = f"/team/{team['hire']}"
    overlapping = {"starts_on": "2026-11-24", "resumes_on": "2026-11-27", "reason": "Leave"}
    assert client.post_form(f"{url}/schedule/pause", overlapping, token_from=url).status_code == 302
    again = client.post_form(f"{url}/schedule/pause", overlapping, token_from=url)
    assert again.status_code == 422
    assert 'id="starts_on-error">This pause overlaps another pause.' in again.get_data(as_text=True)
    early = client.post_form(
        f"{url}/schedule/pause", {"starts_on": "2026-11-01", "reason": "Leave"}, token_from=url
    )
    assert "A pause cannot begin before the start date." in early.get_data(as_text=True)
    control = client.post_form(
        f"{url}/schedule/start", {"started_on": "2026-11-30", "reason": "late\x00r"}, token_from=url
    )
    assert control.status_code == 422
    assert 'id="reason-error">Remove the invisible control character' in control.get_data(
        as_text=True
    )
    missing = client.post_form(
        f"{url}/schedule/start", {"started_on": "2026-11-30"}, token_from=url
    )
    assert missing.status_code == 422 and 'id="reason-error"' in missing.get_data(as_text=True)


def test_the_forms_are_in_russian_for_a_russian_manager(client, db_session, team):
    manager = db_session.scalar(sa.select(User).where(User.email == team["manager"]))
    manager.locale = "ru"
    db_session.commit()
    sign_in(client, team["manager"])
    url = f"/team/{team['hire']}"
    page = client.get(url).get_data(as_text=True)
    assert "Move the start date" not in page and "Pause onboarding" not in page
    again = client.post_form(
        f"{url}/schedule/pause", {"starts_on": "2026-11-01", "reason": "Отпуск"}, token_from=url
    )
    assert "A pause cannot begin" not in again.get_data(as_text=True)


def test_only_the_hires_manager_or_an_admin_changes_the_schedule(client, login_as, team):
    url = f"/team/{team['hire']}"
    data = {"started_on": "2026-11-30", "reason": "x"}
    sign_in(client, team["other_manager"])
    assert client.post_form(f"{url}/schedule/start", data, token_from="/").status_code == 403
    assert (
        client.post_form(
            f"{url}/schedule/pause", {**data, "starts_on": "2026-11-30"}, token_from="/"
        ).status_code
        == 403
    )
    client.post("/logout", data={"csrf_token": client.csrf_token("/")})
    sign_in(client, team["mentor"])  # sees the hire, may not reschedule them
    assert "move-start-form" not in client.get(url).get_data(as_text=True)
    assert client.post_form(f"{url}/schedule/start", data, token_from="/").status_code == 403
    client.post("/logout", data={"csrf_token": client.csrf_token("/")})
    sign_in(client, team["hire_email"])
    assert (
        client.post_form(
            f"{url}/schedule/resume", {"resumes_on": "2026-12-01"}, token_from="/"
        ).status_code
        == 403
    )
    client.post("/logout", data={"csrf_token": client.csrf_token("/")})
    login_as("admin")
    assert client.post_form(f"{url}/schedule/start", data, token_from="/").status_code == 302


def test_a_post_without_its_csrf_token_is_refused(client, team):
    sign_in(client, team["manager"])
    url = f"/team/{team['hire']}/schedule/start"
    response = client.post(url, data={"started_on": "2026-11-30", "reason": "x"})
    assert response.status_code in (400, 422)
    assert "Start date moved" not in _text(client.get(f"/team/{team['hire']}"))


def test_the_timeline_shows_due_against_done(client, app, db_session, team):
    with app.app_context():
        cat = app.extensions["trainhub.catalog"].get()
    hire = db_session.get(User, team["hire"])
    course = cat.courses["sales-department-foundations"]
    factories.make_completions(db_session, hire, course, at=datetime(2026, 11, 27, 9, tzinfo=UTC))
    db_session.commit()
    sign_in(client, team["manager"])
    text = _text(client.get(f"/team/{team['hire']}"))
    assert "Due against done" in text
    assert "Nov 25, 2026 Nov 27, 2026 done 2 days late" in text


def test_today_is_the_companys_date_not_the_servers(app):
    late_evening_utc = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)
    for zone, expected in (("UTC", date(2026, 12, 2)), ("Europe/Kyiv", date(2026, 12, 3)),
                           ("America/Los_Angeles", date(2026, 12, 2))):  # fmt: skip
        app.config["COMPANY_TIMEZONE"] = zone
        with app.app_context():
            assert clock.today(late_evening_utc) == expected
            assert company_today(late_evening_utc, zone) == expected
