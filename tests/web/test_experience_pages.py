"""What people read on the pages (issue 14, findings 3-6 and 9): titles instead of slugs,
the audit log in words, numbers in the reader's locale, the hire's own certificate, their
mentor and the step legend, quizzes in the navigation, and one style of form messages."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.conftest import sign_in
from tests.web.quiz_helpers import attempt_id, start, submit
from trainhub.content import catalog
from trainhub.extensions import db
from trainhub.formatting import (
    days,
    inline_code,
    median_days,
    number,
    plus_minus,
    ratio,
    score_of,
    took,
)

ISO_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", ("4.3", "4.3 of 9", "2.4\u00a0/ 4", "20 ± 0.05", "1 day", "5 days")),
        ("ru", ("4,3", "4,3 из 9", "2,4\u00a0/ 4", "20 ± 0,05", "1 день", "5 дней")),
        ("uk", ("4,3", "4,3 з 9", "2,4\u00a0/ 4", "20 ± 0,05", "1 день", "5 днів")),
    ],
)
def test_one_formatter_writes_numbers_in_the_readers_locale(app, locale, expected) -> None:
    with app.test_request_context(headers={"Accept-Language": locale}):
        shown = (
            number(4.3333),
            score_of(4.3333, 9.0),
            ratio(2.44, 4),
            plus_minus(20.0, 0.05),
            days(1),
            days(5),
        )
    assert shown == expected
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        assert days(2) == "2 дня"  # the third Russian form
        assert took(5) == "за 5 дней"
        assert median_days(5.0, 1) == "медиана 5 дней (1 сотрудник)"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert median_days(5.0, 1) == "median 5 days over 1 hire"  # not "1 hires"
        assert took(1) == "took 1 day"


def test_backticks_in_a_message_become_code_and_the_rest_is_escaped() -> None:
    shown = str(inline_code("unknown key `pass_mark` <b>"))
    assert shown == "unknown key <code>pass_mark</code> &lt;b&gt;"


def _hire_with_history(app):
    """A lead-generation hire, one lesson read and one sign-off, with their team."""
    with app.app_context():
        cat = catalog()
        team = factories.make_team(db.session)
        hire = team["hire"]
        course = cat.courses["sales-department-foundations"]
        factories.make_completions(db.session, hire, course, count=1)
        track = cat.tracks["lead-generation"]
        factories.make_signoff(db.session, hire, track, "shadowed-cold-calls", by=team["mentor"])
        db.session.commit()
        return {k: (v.email if hasattr(v, "email") else v) for k, v in team.items()} | {
            "hire_id": hire.id,
            "mentor_name": team["mentor"].name,
        }


def test_reasons_name_the_items_by_title_not_by_slug(client, app) -> None:
    team = _hire_with_history(app)
    sign_in(client, team["manager"])
    page = client.get(f"/team/{team['hire_id']}").get_data(as_text=True)
    reasons = " ".join(re.findall(r'data-testid="step-reason">(.*?)</div>', page, re.S))
    with app.app_context():
        title = catalog().courses["sales-department-foundations"].title
    assert f"“{title}”: 1 of 7 lessons read" in reasons
    assert "sales-department-foundations" not in reasons
    assert "quiz kpi-basics" not in reasons and "kpi-basics" not in reasons


def test_the_audit_log_reads_as_words_with_local_dates(client, app) -> None:
    with app.app_context():
        cat = catalog()
        team = factories.make_team(db.session, track="account-manager", hires=2)
        ready, fresh = team["hires"]
        factories.complete_track(db.session, cat, ready, team["mentor"])
        admin = factories.make_user(db.session, "admin")
        db.session.commit()
        ids = (ready.id, fresh.id)
        emails = (team["manager"].email, team["mentor"].email, admin.email)
        item = next(s.slug for s in cat.tracks["account-manager"].steps if s.kind == "signoff")
    manager, mentor, admin_email = emails
    sign_in(client, mentor)
    signoffs = f"/reviews/hires/{ids[1]}"
    client.post_form(f"{signoffs}/signoffs/{item}", {f"{item}-note": "ok"}, token_from=signoffs)
    client.post_form("/logout", token_from="/")
    sign_in(client, manager)
    client.post_form(f"/team/{ids[0]}/clear", {}, token_from=f"/team/{ids[0]}")
    client.post_form("/logout", token_from="/")
    sign_in(client, admin_email)
    page = client.get("/audit/").get_data(as_text=True)
    table = page.split('data-testid="audit"')[1]
    assert "Practical step signed off" in table and "Cleared for clients" in table
    assert "signoff.signed" not in table and "readiness.cleared" not in table
    assert not ISO_STAMP.search(table)  # "ready since" in the reader's format
    with app.app_context():
        track_title = catalog().tracks["account-manager"].title
    assert track_title in table and "account-manager" not in table
    assert "clearance " not in table and "signoff 1" not in table


def test_a_hire_opens_their_own_certificate_once_cleared(client, app) -> None:
    with app.app_context():
        cat = catalog()
        team = factories.make_team(db.session, track="account-manager", hires=2)
        ready, other = team["hires"]
        factories.complete_track(db.session, cat, ready, team["mentor"])
        factories.complete_track(db.session, cat, other, team["mentor"])
        db.session.commit()
        ids = (ready.id, other.id)
        emails = (team["manager"].email, ready.email, other.email)
    manager, hire, other_hire = emails
    url = f"/team/{ids[0]}/certificate"
    sign_in(client, hire)
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="my-certificate"' not in home
    assert client.get(url).status_code == 404  # ready, not yet cleared: no certificate
    client.post_form("/logout", token_from="/")
    sign_in(client, manager)
    client.post_form(f"/team/{ids[0]}/clear", {}, token_from=f"/team/{ids[0]}")
    client.post_form("/logout", token_from="/")
    sign_in(client, hire)
    home = client.get("/").get_data(as_text=True)
    assert f'href="{url}"' in home
    certificate = client.get(url)
    assert certificate.status_code == 200
    text = certificate.get_data(as_text=True)
    assert "Certificate of readiness" in text and "not yet" not in text
    client.post_form("/logout", token_from="/")
    sign_in(client, other_hire)
    assert client.get(url).status_code == 403  # another hire's certificate


def test_the_hire_is_told_their_mentor_and_what_the_markers_mean(client, app) -> None:
    team = _hire_with_history(app)
    sign_in(client, team["hire"])
    home = client.get("/").get_data(as_text=True)
    mentor_line = home.split('data-testid="my-mentor"')[1].split("</p>")[0]
    assert f"Your mentor is {team['mentor_name']}" in mentor_line
    legend = home.split('data-testid="step-legend"')[1].split("</ul>")[0]
    assert "yellow: waiting for your mentor" in legend


def test_quizzes_are_in_the_navigation_and_numbers_open_the_keypad(client, login_as) -> None:
    login_as("hire")
    home = client.get("/").get_data(as_text=True)
    nav = home.split('<nav class="nav"')[1].split("</nav>")[0]
    assert 'href="/quizzes/"' in nav
    attempt = attempt_id(start(client, "kpi-basics"))
    form = client.get(f"/quizzes/attempts/{attempt}").get_data(as_text=True)
    assert 'inputmode="decimal"' in form
    assert "data-unanswered=" in form and "js/quiz.js" in form


def test_a_quiz_sent_with_blanks_says_so_and_a_fail_looks_like_one(client, login_as) -> None:
    login_as("hire")
    attempt = attempt_id(start(client, "kpi-basics"))
    assert submit(client, attempt, {}).status_code == 302
    result = client.get(f"/quizzes/attempts/{attempt}").get_data(as_text=True)
    assert 'data-testid="unanswered"' in result and "questions unanswered" in result
    assert re.search(r'class="status status-failed" data-testid="verdict">Not passed', result)
    history = client.get("/quizzes/kpi-basics").get_data(as_text=True)
    assert "status-failed" in history


def test_russian_pages_write_numbers_and_dates_the_russian_way(client, app) -> None:
    with app.app_context():
        cat = catalog()
        team = factories.make_team(db.session, track="account-manager")
        team["hire"].locale = "ru"
        factories.complete_track(db.session, cat, team["hire"], team["mentor"])
        db.session.commit()
        email = team["hire"].email
    sign_in(client, email)
    home = client.get("/").get_data(as_text=True)
    steps = home.split('class="steps"')[1]
    assert "(pass " not in steps and "3.0" not in steps
    assert not re.search(r"\d{4}-\d{2}-\d{2}", steps)


def test_a_hire_without_a_track_gets_a_sentence_like_the_others(client, login_as) -> None:
    login_as("admin")
    url = "/admin/people/new"
    data = {
        "name": "",
        "email": "new@example.com",
        "role": "hire",
        "track": "",
        "started_on": "2026-12-01",
        "password": "a-long-enough-password",
    }
    page = client.post_form(url, data, token_from=url).get_data(as_text=True)
    assert "This field is required." not in page
    assert "Enter the person&#39;s name." in page or "Enter the person's name." in page
    assert "A new hire needs a track: choose one." in page
    assert "a hire needs a track" not in page
