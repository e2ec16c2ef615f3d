"""Readiness speaks the reader's language: each step's detail and each reason, on the hire's
home, the team dashboard, a hire's page and the certificate. The API keeps English; the CSV is
in the requester's language (``?lang=en`` for the English one).
"""

from __future__ import annotations

import pickle
from datetime import date

import pytest
from markupsafe import escape

from tests import factories
from tests.conftest import sign_in
from trainhub.content import catalog
from trainhub.extensions import db
from trainhub.messages import N_, Text

XSS = '<script>alert("x")</script>'


def test_text_is_its_english_and_escapes_its_values() -> None:
    text = N_("signed off by %(who)s on %(day)s", who=XSS, day="2026-11-30")
    assert text == f"signed off by {XSS} on 2026-11-30"
    assert str(escape(text)) == f"signed off by {escape(XSS)} on 2026-11-30"
    # Kept per worker and pickled by nothing today, but a Text must survive it.
    again = pickle.loads(pickle.dumps(text))
    assert isinstance(again, Text) and again.msgid == text.msgid and again == text


def test_a_date_in_a_text_is_shown_in_the_readers_format(app) -> None:
    text = N_("signed off by %(who)s on %(day)s", who="Olena", day=date(2026, 11, 30))
    assert text == "signed off by Olena on 2026-11-30"  # the API's and the CSV's English
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(escape(text)) == "signed off by Olena on Nov 30, 2026"
    with app.test_request_context(headers={"Accept-Language": "uk"}):
        shown = str(escape(text))
        assert "2026-11-30" not in shown and "2026" in shown


def _team(app, locale: str | None = None):  # type: ignore[no-untyped-def]
    """A hire on the lead-generation track with nothing done, and one sign-off made by a
    mentor whose name is a script."""
    with app.app_context():
        team = factories.make_team(db.session)
        team["manager"].locale = locale
        team["hire"].locale = locale
        team["mentor"].name = XSS
        track = catalog().tracks["lead-generation"]
        factories.make_signoff(
            db.session, team["hire"], track, "shadowed-cold-calls", by=team["mentor"]
        )
        db.session.commit()
        return team["manager"].email, team["hire"].email, team["hire"].id


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ru", ["попыток ещё не было", "пройдено уроков: 0 из", "подтверждено: "]),
        ("uk", ["спроб ще не було", "пройдено уроків: 0 з", "підтверджено: "]),
    ],
)
def test_a_manager_reads_why_a_hire_is_not_ready_in_their_language(
    client, app, locale, words
) -> None:
    manager, _hire, hire_id = _team(app, locale)
    sign_in(client, manager)
    page = client.get(f"/team/{hire_id}").get_data(as_text=True)
    for word in words:
        assert word in page
    assert "not attempted yet" not in page and "lessons done" not in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    dashboard = client.get("/team/").get_data(as_text=True)
    assert words[0] in dashboard or words[1] in dashboard


def test_a_hire_reads_their_steps_in_their_language(client, app) -> None:
    _manager, hire, _hire_id = _team(app, "uk")
    sign_in(client, hire)
    home = client.get("/").get_data(as_text=True)
    assert "уроки: 0/" in home
    assert "lessons" not in home.split("<main", 1)[-1]


def test_english_readers_get_english(client, app) -> None:
    manager, _hire, hire_id = _team(app, None)
    sign_in(client, manager)
    page = client.get(f"/team/{hire_id}").get_data(as_text=True)
    assert "not attempted yet" in page and "&lt;script&gt;" in page


def test_the_csv_is_in_the_requesters_language_and_english_on_request(client, app) -> None:
    # Issue 16: a Russian manager's CSV has Russian headers and words (with titles);
    # ``?lang=en`` keeps the English column names and codes that integrations read.
    manager, _hire, _hire_id = _team(app, "ru")
    sign_in(client, manager)
    csv = client.get("/team/export.csv").get_data(as_text=True)
    assert "попыток ещё не было" in csv and "not attempted yet" not in csv
    english = client.get("/team/export.csv?lang=en").get_data(as_text=True)
    assert "not attempted yet" in english and "попыток" not in english
