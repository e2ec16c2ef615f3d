"""The mentor's and the manager's views name items in the reader's language: the review queue,
the dashboard (its rows and its track filter), a hire's page (steps, plan, history), the
certificate, the CSV (``?lang=``: headers and values in words, English kept for integrations)
and search. On the fixture tree of tests/fixtures/translated_content.py, where Russian
translations exist and Ukrainian ones do not."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests import factories
from tests.browser.english import english_words
from tests.conftest import sign_in
from tests.fixtures.translated_content import make_tree
from tests.web.roleplay_helpers import as_user

# The originals' titles, and their Russian translations.
EN = ("Lead generation", "Sales basics", "KPI quiz", "A cold call", "Shadowed a call")
RU = ("Лидогенерация", "Основы продаж", "Тест по показателям", "Холодный звонок")
RU_SIGNOFF = "Прослушал звонок с наставником"


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    root = make_tree(tmp_path_factory.mktemp("translated"))
    return {**app_config, "CONTENT_ROOT": str(root)}


def _text(response: Any) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def cast(client, db_session) -> dict[str, Any]:
    """A Russian hire who read a lesson and answered the case; their mentor and manager
    read Russian too."""
    team = factories.make_team(db_session, track="seller")
    for person in (team["hire"], team["mentor"], team["manager"]):
        person.locale = "ru"
    db_session.commit()
    sign_in(client, team["hire"].email)
    url = "/courses/basics/funnel"
    client.post_form(f"{url}/complete", token_from=url)
    url = "/roleplays/cold-call"
    client.post_form(url, {"text": "Добрый день!", "submit": "1"}, token_from=url)
    return team


def test_the_review_queue_names_the_case_in_russian(client, cast) -> None:
    as_user(client, cast["mentor"].email)
    page = _text(client.get("/reviews/"))
    assert "Холодный звонок" in page and "A cold call" not in page
    page = _text(client.get(f"/reviews/hires/{cast['hire'].id}"))
    assert "Холодный звонок" in page and RU_SIGNOFF in page
    assert "A cold call" not in page and "Shadowed a call" not in page


def test_the_dashboard_names_tracks_and_steps_in_russian(client, cast) -> None:
    as_user(client, cast["manager"].email)
    page = _text(client.get("/team/"))
    assert "Лидогенерация" in page and "Lead generation" not in page
    # The filter lists the track by its Russian title too.
    assert '<option value="seller">Лидогенерация</option>' in page
    assert "Основы продаж" in page  # the next step's title, with the reason's words


def test_the_track_filter_marks_an_untranslated_title_with_its_language(client, cast) -> None:
    cast["manager"].locale = "uk"  # the fixture has no Ukrainian translation
    as_user(client, cast["manager"].email)
    page = _text(client.get("/team/"))
    assert '<option lang="en" value="seller">Lead generation</option>' in page


def test_a_hires_page_and_history_name_items_in_russian(client, cast, db_session) -> None:
    as_user(client, cast["manager"].email)
    page = _text(client.get(f"/team/{cast['hire'].id}"))
    for title in (*RU, RU_SIGNOFF):
        assert title in page, title
    for title in EN:
        assert title not in page, title
    assert "Пройден урок «Воронка»" in page  # the history, by the lesson's Russian title


def test_the_csv_in_russian_has_russian_headers_and_values(client, cast) -> None:
    as_user(client, cast["manager"].email)
    response = client.get("/team/export.csv?lang=ru")
    rows = list(csv.reader(io.StringIO(_text(response).lstrip("\ufeff"))))
    head, row = rows[0], rows[1]
    assert head[:3] == ["Имя", "Эл. почта", "Программа"]
    cells = dict(zip(head, row, strict=True))
    assert cells["Программа"] == "Лидогенерация"
    assert "Основы продаж" in cells["Причины"] and "Холодный звонок" in cells["Причины"]
    assert "Основы продаж" in cells["Сроки шагов"]
    people = {cast["hire"].name, cast["hire"].email, cast["mentor"].email}
    assert [c for c in row if c not in people and english_words(c)] == []


def test_the_csv_in_english_keeps_codes_for_integrations(client, cast) -> None:
    as_user(client, cast["manager"].email)
    response = client.get("/team/export.csv?lang=en")
    rows = list(csv.DictReader(io.StringIO(_text(response).lstrip("\ufeff"))))
    assert rows[0]["track"] == "seller" and rows[0]["status"] in {"in_progress", "not_started"}
    assert "course basics" in rows[0]["reasons"]


def test_a_russian_reader_searches_the_russian_texts(client, cast) -> None:
    for query in ("продажа", "продажи", "продаж"):
        page = _text(client.get(f"/search?q={query}"))
        assert "<mark>продаж</mark>" in page, query
        assert "Основы" in page
    page = _text(client.get("/search?q=kpis"))
    # The untranslated lesson is found in its original, marked with its language.
    assert 'lang="en"><a href="/courses/basics/kpis">' in page


def test_an_english_reader_searches_the_originals(client, cast, db_session) -> None:
    cast["hire"].locale = "en"
    db_session.commit()
    assert "<mark>Sales</mark> basics" in _text(client.get("/search?q=sales"))
    assert "Основы" not in _text(client.get("/search?q=продажи"))


def test_the_csv_in_another_language_than_the_page(client, cast) -> None:
    # A Russian manager asks for the Ukrainian CSV: Ukrainian words; the fixture has no
    # Ukrainian translation, so the titles are the originals'.
    as_user(client, cast["manager"].email)
    response = client.get("/team/export.csv?lang=uk")
    rows = list(csv.reader(io.StringIO(_text(response).lstrip("\ufeff"))))
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["Програма"] == "Lead generation"
    assert "Sales basics" in cells["Причини"] and "Основы продаж" not in cells["Причини"]
    # The next step is said once, with its title once ("“Title”: ..." is the reason's own).
    assert cells["Наступний крок"].count("Sales basics") == 1, cells["Наступний крок"]


def test_lists_mark_an_original_shown_to_a_reader_of_another_language(client, cast, db_session):
    page = _text(client.get("/courses/"))  # the Russian hire: the course is translated
    assert "Основы продаж" in page and 'lang="en"><a href="/courses/basics/"' not in page
    cast["hire"].locale = "uk"  # no Ukrainian translation: the original, marked as English
    db_session.commit()
    page = _text(client.get("/courses/"))
    assert 'lang="en"><a href="/courses/basics/">Sales basics</a>' in page
    assert '<p lang="en">What a sales department does.</p>' in page
    for path, title in (("/quizzes/", "KPI quiz"), ("/roleplays/", "A cold call")):
        assert f'lang="en"><a href="{path[:-1]}/' in _text(client.get(path)), title
