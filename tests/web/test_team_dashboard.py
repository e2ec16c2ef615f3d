"""The manager's readiness dashboard, the hire page, the CSV, the certificate and clearance."""

from __future__ import annotations

import csv
import io
import time
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import sign_in
from trainhub.audit.models import AuditEvent
from trainhub.auth.models import User
from trainhub.content import catalog, store
from trainhub.courses.models import LessonCompletion
from trainhub.db import utcnow, write_intent
from trainhub.demo.data import DEMO_PASSWORD, load_demo
from trainhub.extensions import db
from trainhub.readiness.kept import rebuild
from trainhub.refresh import refresh
from trainhub.team.models import Clearance

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow())


@pytest.fixture
def two_teams(app):
    """Two managers, each with a ready hire and a hire who has not started."""
    with app.app_context():
        cat = catalog()
        teams = []
        for n in (1, 2):
            team = factories.make_team(db.session, track="account-manager", hires=2)
            ready, fresh = team["hires"]
            ready.name, fresh.name = f"Ready of team {n}", f"Fresh of team {n}"
            factories.complete_track(db.session, cat, ready, team["mentor"])
            teams.append(
                {
                    "manager": team["manager"].email,
                    "mentor": team["mentor"].email,
                    "ready": ready.id,
                    "fresh": fresh.id,
                }
            )
        db.session.commit()
    return teams


def _csv(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_manager_sees_the_demo_hires_with_status_and_reasons(client, demo):
    sign_in(client, "manager@demo.local", DEMO_PASSWORD)
    page = client.get("/team/").get_data(as_text=True)
    ready_row = page.split('data-hire="ready@demo.local"')[1].split("</tr>")[0]
    fresh_row = page.split('data-hire="hire@demo.local"')[1].split("</tr>")[0]
    assert "status-ready" in ready_row
    assert "status-not_started" in fresh_row
    assert "0 of 7 lessons read" in fresh_row

    rows = {r["email"]: r for r in _csv(client.get("/team/export.csv"))}
    assert rows["ready@demo.local"]["status"] == "ready"
    assert rows["ready@demo.local"]["ready_since"]
    assert rows["hire@demo.local"]["status"] == "not_started"
    assert (
        "course sales-department-foundations: 0 of 7 lessons done"
        in (rows["hire@demo.local"]["reasons"])
    )


def test_a_manager_never_sees_another_managers_hires(client, two_teams):
    mine, theirs = two_teams
    sign_in(client, mine["manager"])
    page = client.get("/team/").get_data(as_text=True)
    assert "Ready of team 1" in page and "Fresh of team 1" in page
    assert "of team 2" not in page
    exported = client.get("/team/export.csv").get_data(as_text=True)
    assert "of team 1" in exported and "of team 2" not in exported
    assert client.get(f"/team/{theirs['ready']}").status_code == 403
    assert client.get(f"/team/{theirs['ready']}/certificate").status_code == 403
    assert "of team 2" not in client.get("/").get_data(as_text=True)


def test_an_admin_sees_every_team(client, login_as, two_teams):
    login_as("admin")
    page = client.get("/team/").get_data(as_text=True)
    assert "of team 1" in page and "of team 2" in page


def test_filters_apply_to_the_page_and_the_csv(client, two_teams):
    sign_in(client, two_teams[0]["manager"])
    page = client.get("/team/?status=ready").get_data(as_text=True)
    assert "Ready of team 1" in page and "Fresh of team 1" not in page
    assert [r["name"] for r in _csv(client.get("/team/export.csv?status=not_started"))] == [
        "Fresh of team 1"
    ]
    month = f"{date(2026, 11, 1):%Y-%m}"  # the factories' start date
    assert len(_csv(client.get(f"/team/export.csv?month={month}&track=account-manager"))) == 2
    assert _csv(client.get("/team/export.csv?track=lead-generation")) == []


def test_the_cards_count_in_the_plural_and_months_are_named(client, two_teams):
    # A walk in Chromium found "1 hires" ("1 всего сотрудников") and a "2026-11" option.
    sign_in(client, two_teams[0]["manager"])
    for language, one, month in (
        ("en", "hire", "November 2026"),
        ("ru", "сотрудник", "ноябрь 2026"),
        ("uk", "співробітник", "листопад 2026"),
    ):
        page = client.get("/team/?status=ready", headers={"Accept-Language": language}).get_data(
            as_text=True
        )
        assert f"<strong>1</strong><span>{one}</span>" in page, language
        assert f'<option value="2026-11">{month}</option>' in page, language
        assert ">2026-11<" not in page
    page = client.get("/team/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "<strong>2</strong><span>сотрудника</span>" in page


def test_a_bad_filter_value_is_reported_next_to_the_field(client, two_teams):
    sign_in(client, two_teams[0]["manager"])
    response = client.get("/team/?track=no-such-track&status=ready")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error"' in page
    assert "Ready of team 1" in page  # the valid filters still apply
    assert "Fresh of team 1" not in page
    assert client.get("/team/export.csv?mentor=abc").status_code == 422


def test_sorting_by_progress(client, two_teams):
    sign_in(client, two_teams[0]["manager"])
    up = [r["name"] for r in _csv(client.get("/team/export.csv?sort=progress"))]
    down = [r["name"] for r in _csv(client.get("/team/export.csv?sort=progress&order=desc"))]
    assert up == ["Fresh of team 1", "Ready of team 1"]
    assert down == list(reversed(up))
    page = client.get("/team/?sort=progress&order=desc").get_data(as_text=True)
    assert page.index("Ready of team 1") < page.index("Fresh of team 1")


def test_charts_are_inline_svg(client, two_teams):
    sign_in(client, two_teams[0]["manager"])
    page = client.get("/team/").get_data(as_text=True)
    assert 'data-testid="funnel-account-manager"' in page
    assert 'data-testid="days-to-ready"' in page
    assert "<svg" in page and "http://" not in page.split("<main")[1]


def test_clearing_a_ready_hire_is_recorded_once_and_audited(client, two_teams, db_session):
    mine = two_teams[0]
    sign_in(client, mine["manager"])
    url = f"/team/{mine['ready']}/clear"
    page = f"/team/{mine['ready']}"
    first = client.post_form(url, {"note": "Meets ACME on Monday"}, token_from=page)
    assert first.status_code == 302
    client.post_form(url, {"note": "again"}, token_from=page)  # a double click
    clearances = db_session.scalars(sa.select(Clearance)).all()
    assert [(c.user_id, c.note) for c in clearances] == [(mine["ready"], "Meets ACME on Monday")]
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "readiness.cleared")
    ).all()
    assert len(events) == 1 and events[0].subject_id == mine["ready"]
    shown = client.get(page).get_data(as_text=True)
    assert "Cleared for clients on" in shown and "Meets ACME on Monday" in shown
    assert "cleared for clients" in client.get("/team/").get_data(as_text=True)
    exported = {r["name"]: r for r in _csv(client.get("/team/export.csv"))}
    assert exported["Ready of team 1"]["cleared_at"]


def test_a_hire_who_is_not_ready_cannot_be_cleared(client, two_teams, db_session):
    mine = two_teams[0]
    sign_in(client, mine["manager"])
    response = client.post_form(
        f"/team/{mine['fresh']}/clear", {}, token_from=f"/team/{mine['fresh']}"
    )
    assert response.status_code == 302
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Clearance)) == 0
    assert "not ready yet" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_only_the_hires_own_manager_clears(client, two_teams, db_session):
    mine, theirs = two_teams
    sign_in(client, mine["manager"])
    response = client.post_form(f"/team/{theirs['ready']}/clear", {}, token_from="/team/")
    assert response.status_code == 403
    client.post("/logout", data={"csrf_token": client.csrf_token("/")})
    sign_in(client, mine["mentor"])
    response = client.post_form(f"/team/{mine['ready']}/clear", {}, token_from="/")
    assert response.status_code == 403
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Clearance)) == 0


def test_a_too_long_note_is_refused_next_to_the_field(client, two_teams):
    mine = two_teams[0]
    sign_in(client, mine["manager"])
    response = client.post_form(
        f"/team/{mine['ready']}/clear", {"note": "x" * 2001}, token_from=f"/team/{mine['ready']}"
    )
    assert response.status_code == 422
    assert 'id="note-error"' in response.get_data(as_text=True)


def test_the_hire_page_shows_steps_reasons_and_a_timeline(client, two_teams):
    mine = two_teams[0]
    sign_in(client, mine["manager"])
    ready = client.get(f"/team/{mine['ready']}").get_data(as_text=True)
    assert "Completed lesson" in ready
    assert "Signed off" in ready
    assert "Review of" in ready
    # Ready but not cleared for clients yet: no certificate until the manager clears them.
    assert 'data-testid="certificate-link"' not in ready
    assert client.get(f"/team/{mine['ready']}/certificate").status_code == 404
    client.post_form(f"/team/{mine['ready']}/clear", {}, token_from=f"/team/{mine['ready']}")
    ready = client.get(f"/team/{mine['ready']}").get_data(as_text=True)
    assert 'data-testid="certificate-link"' in ready
    fresh = client.get(f"/team/{mine['fresh']}").get_data(as_text=True)
    assert "0 of 7 lessons read" in fresh
    assert 'data-testid="certificate-link"' not in fresh
    assert client.get(f"/team/{mine['fresh']}/certificate").status_code == 404


def test_the_certificate_is_printable(client, two_teams):
    mine = two_teams[0]
    sign_in(client, mine["manager"])
    client.post_form(f"/team/{mine['ready']}/clear", {}, token_from=f"/team/{mine['ready']}")
    response = client.get(f"/team/{mine['ready']}/certificate")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Certificate of readiness" in page and "Ready of team 1" in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]


def test_the_mentor_opens_their_hires_page_but_not_the_dashboard(client, two_teams):
    mine, theirs = two_teams
    sign_in(client, mine["mentor"])
    assert client.get("/team/").status_code == 403
    assert client.get("/team/export.csv").status_code == 403
    assert client.get(f"/team/{mine['fresh']}").status_code == 200
    assert client.get(f"/team/{theirs['fresh']}").status_code == 403


def test_pages_about_nobody_are_404(client, login_as):
    manager_id = login_as("manager")
    assert client.get("/team/999999").status_code == 404
    assert client.get(f"/team/{manager_id}").status_code == 404  # not a hire


def test_hires_and_anonymous_visitors_are_kept_out(client, login_as):
    for url in ("/team/", "/team/export.csv"):
        assert client.get(url).headers["Location"].startswith("/login")
    login_as("hire")
    for url in ("/team/", "/team/export.csv"):
        assert client.get(url).status_code == 403


def test_script_payloads_are_inert_everywhere(client, app, db_session):
    with app.app_context():
        cat = catalog()
        team = factories.make_team(db.session, track="account-manager")
        hire = team["hire"]
        hire.name = XSS
        factories.complete_track(db.session, cat, hire, team["mentor"])
        track = cat.tracks["account-manager"]
        factories.make_signoff(
            db.session, hire, track, "extra-item", by=team["mentor"], note=XSS
        )  # an item no longer in the track: its note still shows in the timeline
        db.session.commit()
        manager, hire_id = team["manager"].email, hire.id
    sign_in(client, manager)
    client.post_form(f"/team/{hire_id}/clear", {"note": XSS}, token_from=f"/team/{hire_id}")
    for url in ("/team/", f"/team/{hire_id}", f"/team/{hire_id}/certificate"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert "&lt;script&gt;" in page, url
    timeline = client.get(f"/team/{hire_id}").get_data(as_text=True)
    assert timeline.count("&lt;script&gt;") >= 3  # name, sign-off note, clearance note


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, app):
    with app.app_context():
        team = factories.make_team(db.session, track="account-manager")
        team["hire"].name = '=HYPERLINK("http://evil","x")'
        second = factories.make_user(
            db.session,
            "hire",
            name="@SUM(1)",
            track="account-manager",
            manager_id=team["manager"].id,
        )
        second.email = "+cmd@example.test"
        db.session.commit()
        manager = team["manager"].email
    sign_in(client, manager)
    rows = _csv(client.get("/team/export.csv"))
    names = {r["name"] for r in rows}
    assert names == {'\'=HYPERLINK("http://evil","x")', "'@SUM(1)"}
    assert "'+cmd@example.test" in {r["email"] for r in rows}


def test_full_width_and_hidden_formula_starts_are_neutralised_too(client, app):
    # Spreadsheets read "＝1+1" as "=1+1"; "|" starts a DDE link; blanks hide a start.
    names = [
        "\uff1dHYPERLINK(1)",
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(1)",
        "|calc",
        " =1+1",
        "\uff5ccalc",
    ]
    with app.app_context():
        team = factories.make_team(db.session, track="account-manager")
        team["hire"].name = "Plain Name"
        for name in names:
            factories.make_user(
                db.session,
                "hire",
                name=name,
                track="account-manager",
                manager_id=team["manager"].id,
            )
        db.session.commit()
        manager = team["manager"].email
    sign_in(client, manager)
    shown = {r["name"] for r in _csv(client.get("/team/export.csv"))}
    assert shown == {"Plain Name", *("'" + n for n in names)}


def test_csv_headers_are_in_the_readers_language_or_the_one_asked_for(client, two_teams):
    sign_in(client, two_teams[0]["manager"])
    english = client.get("/team/export.csv").get_data(as_text=True).lstrip("\ufeff")
    assert english.splitlines()[0].startswith("name,email,track,mentor,started_on")
    russian = client.get("/team/export.csv?lang=ru").get_data(as_text=True).lstrip("\ufeff")
    head = russian.splitlines()[0]
    assert head.startswith("Имя,") and "email" not in head
    assert "Ready of team 1" in russian  # the rows are the same
    ukrainian = client.get("/team/export.csv", headers={"Accept-Language": "uk"}).get_data(
        as_text=True
    )
    assert ukrainian.lstrip("\ufeff").splitlines()[0].startswith("Ім’я,")
    # An unknown language falls back to the reader's own.
    assert client.get("/team/export.csv?lang=xx").get_data(as_text=True) == client.get(
        "/team/export.csv"
    ).get_data(as_text=True)


def test_the_dashboard_searches_names_and_emails_and_says_updating_for_stale_rows(
    client, app, two_teams
):
    sign_in(client, two_teams[0]["manager"])
    page = client.get("/team/?q=READY of").get_data(as_text=True)
    assert "Ready of team 1" in page and "Fresh of team 1" not in page
    by_mail = client.get("/team/?q=hire").get_data(as_text=True)
    assert "Ready of team 1" in by_mail and "Fresh of team 1" in by_mail
    assert "of team 2" not in by_mail
    # A new version of a course in the track: the kept rows are stale until the rebuild.
    with app.app_context():
        cat = catalog()
        slug = next(s.slug for s in cat.tracks["account-manager"].steps if s.kind == "course")
        kept = store()
        kept._catalog = replace(
            cat, courses={**cat.courses, slug: replace(cat.courses[slug], content_hash="v2")}
        )
        kept._checked_at = time.monotonic()
        kept.check_interval = 3600
    page = client.get("/team/").get_data(as_text=True)
    row = page.split("Ready of team 1")[1].split("</tr>")[0]
    assert "updating" in row and "status-ready" not in row
    assert 'data-testid="summary-updating"' in page
    # The CSV hands figures on: it evaluates those rows afresh rather than say "updating".
    assert {r["name"]: r for r in _csv(client.get("/team/export.csv"))}["Ready of team 1"][
        "status"
    ] == "ready"
    with app.app_context(), write_intent():
        rebuild(db.session, utcnow())
    row = client.get("/team/").get_data(as_text=True).split("Ready of team 1")[1].split("</tr>")[0]
    assert "status-ready" in row and "updating" not in row


def test_the_csv_is_a_download(client, two_teams):
    sign_in(client, two_teams[0]["manager"])
    response = client.get("/team/export.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_homes_of_mentor_and_manager(client, two_teams):
    mine = two_teams[0]
    sign_in(client, mine["mentor"])
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="review-summary"' in home
    assert "Ready of team 1" in home and "Fresh of team 1" in home
    assert "of team 2" not in home
    client.post("/logout", data={"csrf_token": client.csrf_token("/")})
    sign_in(client, mine["manager"])
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="dashboard-summary"' in home
    assert 'data-testid="summary-ready">1<' in home
    assert "Ready of team 1" in home  # ready and not yet cleared: needs attention


def test_new_records_show_at_once(client, app, two_teams):
    # Results are reused while a hire's records are unchanged; a new record must count.
    mine = two_teams[0]
    sign_in(client, mine["manager"])
    before = {r["name"]: r for r in _csv(client.get("/team/export.csv"))}
    assert before["Fresh of team 1"]["status"] == "not_started"
    with app.app_context():
        cat = catalog()
        fresh = db.session.get(User, mine["fresh"])
        mentor = db.session.scalar(sa.select(User).where(User.email == mine["mentor"]))
        factories.complete_track(db.session, cat, fresh, mentor, steps=1)
        db.session.commit()
    middle = {r["name"]: r for r in _csv(client.get("/team/export.csv"))}
    assert middle["Fresh of team 1"]["status"] == "in_progress"
    with app.app_context():
        cat = catalog()
        fresh = db.session.get(User, mine["fresh"])
        mentor = db.session.scalar(sa.select(User).where(User.email == mine["mentor"]))
        track = cat.tracks[fresh.track]
        for step in track.steps[1:]:
            if step.kind == "signoff":
                factories.make_signoff(db.session, fresh, track, step.slug, by=mentor)
        db.session.commit()
    after = {r["name"]: r for r in _csv(client.get("/team/export.csv"))}
    assert after["Fresh of team 1"]["reasons"] != middle["Fresh of team 1"]["reasons"]
    assert "sign-off" not in after["Fresh of team 1"]["reasons"]


def test_a_step_done_against_an_older_file_is_flagged(client, app, two_teams):
    mine = two_teams[0]
    with app.app_context():
        db.session.execute(
            sa.update(LessonCompletion)
            .where(LessonCompletion.user_id == mine["ready"])
            .values(lesson_hash="an-older-version")
        )
        # Rows rewritten behind the services' back: keep the readiness as they would.
        refresh(db.session, [mine["ready"]], utcnow())
        db.session.commit()
    sign_in(client, mine["manager"])
    rows = {r["name"]: r for r in _csv(client.get("/team/export.csv"))}
    ready = rows["Ready of team 1"]
    assert ready["status"] == "ready"  # still done: the manager decides whether to re-check
    assert "course:sales-department-foundations" in ready["outdated_steps"]
    assert rows["Fresh of team 1"]["outdated_steps"] == ""
    assert "content changed since" in client.get("/team/").get_data(as_text=True)
    hire_page = client.get(f"/team/{mine['ready']}").get_data(as_text=True)
    assert 'data-testid="outdated"' in hire_page
