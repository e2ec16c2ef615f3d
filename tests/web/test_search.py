"""``/search?q=``: word forms in Russian and Ukrainian, highlighted and escaped, from the
navigation bar, and only what the person may see (fixture content in ru/uk)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "search_content"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "CONTENT_ROOT": str(FIXTURE)}


def _results(html: str) -> list[str]:
    found = re.search(r'data-testid="search-results">(.*?)</ol>', html, re.S)
    # A title may carry its text's language (lang="en": an original shown to a Russian reader).
    return re.findall(r"<h2[^>]*><a [^>]*>(.*?)</a></h2>", found.group(1), re.S) if found else []


def _plain(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup)


@pytest.mark.parametrize("query", ["продажа", "продажи", "продаж"])
def test_a_russian_reader_finds_every_word_form_highlighted(client, login_as, query):
    login_as("hire")
    client.post_form("/language", {"locale": "ru"}, token_from="/")
    html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    titles = [_plain(t) for t in _results(html)]
    assert "Работа с возражениями" in titles
    assert "Основы продаж" in titles  # the course (its title matches)
    assert "<mark>продажа</mark>" in html and "<mark>Продажи</mark>" in html
    count = re.search(r"data-testid=\"search-count\">([^<]*)<", html).group(1)
    assert "по запросу «" in count, count  # the page speaks Russian


@pytest.mark.parametrize("query", ["продажі", "продажів"])
def test_a_ukrainian_reader_finds_ukrainian_word_forms(client, login_as, query):
    login_as("hire")
    html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    assert "Робота із запереченнями" in [_plain(t) for t in _results(html)]
    assert "<mark>продажів</mark>" in html


def test_results_link_to_the_pages_of_each_kind(client, login_as):
    login_as("hire")
    html = client.get("/search?q=продажи").get_data(as_text=True)
    assert 'href="/courses/prodazhi/vozrazheniya"' in html
    assert 'href="/courses/prodazhi/"' in html
    assert 'href="/quizzes/prodazhi-test"' in html
    assert 'href="/roleplays/kholodnyi-zvonok"' in html
    assert 'href="/"' in html  # the hire's own track: their home page
    assert client.get("/courses/prodazhi/vozrazheniya").status_code == 200


def test_the_query_is_escaped_and_never_becomes_markup(client, login_as):
    login_as("hire")
    html = client.get("/search", query_string={"q": '"><script>alert(1)</script> продажи'})
    text = html.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in text
    assert html.status_code == 200


def test_content_text_that_looks_like_markup_stays_text(client, login_as):
    login_as("hire")
    html = client.get("/search?q=менеджер спорит").get_data(as_text=True)
    assert "Работа с возражениями" in html
    assert '<script>alert("x")</script>' not in html


def test_a_hire_finds_only_their_own_track(client, login_as):
    login_as("hire", track="lead-generation")
    html = client.get("/search?q=клиентов").get_data(as_text=True)
    assert "Менеджер по работе с клиентами" not in html
    assert "Лидогенерация" in client.get("/search?q=квалифицирует").get_data(as_text=True)


def test_a_manager_finds_every_track_and_it_links_to_the_team_filter(client, login_as):
    login_as("manager")
    html = client.get("/search?q=клиентов").get_data(as_text=True)
    assert "Менеджер по работе с клиентами" in _plain(html)
    assert 'href="/team/?track=account-manager"' in html


@pytest.mark.parametrize("role", ["hire", "mentor", "manager", "admin"])
def test_answer_keys_and_mentor_notes_are_never_found(client, login_as, role):
    login_as(role)
    for secret in ("ключответа-аметист", "заметканаставника-изумруд", "Нет причины звонка"):
        html = client.get("/search", query_string={"q": secret}).get_data(as_text=True)
        assert _results(html) == [], (role, secret)
        assert "0 results for" in html


def test_the_navigation_bar_has_a_search_box_on_every_page(client, login_as):
    login_as("mentor")
    html = client.get("/").get_data(as_text=True)
    form = re.search(r'<form method="get" action="/search"[^>]*role="search"', html)
    assert form, "no search form in the navigation bar"
    assert 'name="q"' in html


def test_an_empty_query_shows_the_form_only(client, login_as):
    login_as("hire")
    html = client.get("/search?q=").get_data(as_text=True)
    assert 'id="search-page-q"' in html and 'data-testid="search-count"' not in html


def test_a_very_long_query_is_cut_not_refused(client, login_as):
    login_as("hire")
    response = client.get("/search", query_string={"q": "продажи " * 500})
    assert response.status_code == 200
