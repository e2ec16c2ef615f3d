"""Search in the reader's language: the index of a catalog in Russian holds the Russian texts
(and the originals of what is not translated, marked with their language), found by their
word forms; the English reader's index holds the originals. On the fixture tree of
tests/fixtures/translated_content.py (pure: no app)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.translated_content import make_tree
from trainhub.catalog import Catalog, load_catalog
from trainhub.search.documents import catalog_documents
from trainhub.search.index import build_index
from trainhub.search.service import index_of


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> Catalog:
    root = make_tree(tmp_path_factory.mktemp("translated"))
    return load_catalog(root, languages=("ru", "uk"))


def _found(cat: Catalog, query: str) -> list[tuple[str, str, str | None]]:
    index = build_index(list(catalog_documents(cat)))
    return [(h.document.kind, h.document.title, h.document.language) for h in index.search(query)]


@pytest.mark.parametrize("query", ["продажа", "продажи", "продаж", "продажам"])
def test_a_russian_reader_finds_the_russian_course_by_any_form(originals, query) -> None:
    assert ("course", "Основы продаж", "ru") in _found(originals.in_language("ru"), query)


@pytest.mark.parametrize("query", ["воронка", "воронки", "воронку", "воронкой"])
def test_a_russian_reader_finds_the_russian_lesson(originals, query) -> None:
    assert _found(originals.in_language("ru"), query)[0] == ("lesson", "Воронка", "ru")


def test_the_original_of_an_untranslated_lesson_is_found_and_says_its_language(originals):
    assert ("lesson", "The KPIs", "en") in _found(originals.in_language("ru"), "conversion")


def test_an_english_reader_searches_the_originals(originals) -> None:
    assert _found(originals, "воронка") == []
    assert ("lesson", "The funnel", "en") in _found(originals, "funnel")
    # And a Russian reader does not find the English text a translation replaced.
    assert ("lesson", "The funnel", "en") not in _found(originals.in_language("ru"), "funnel")


def test_each_language_keeps_its_own_index(originals) -> None:
    russian, english = originals.in_language("ru"), originals
    assert russian.fingerprint != english.fingerprint
    assert index_of(russian) is index_of(russian)
    assert index_of(russian) is not index_of(english)
    assert index_of(russian) is index_of(russian), "reading English dropped the Russian index"


def test_a_translated_quiz_and_case_are_found_by_their_russian_titles(originals) -> None:
    found = _found(originals.in_language("ru"), "холодный звонок")
    assert ("roleplay", "Холодный звонок", "ru") in found
    assert ("quiz", "Тест по показателям", "ru") in _found(
        originals.in_language("ru"), "показатели"
    )


def test_the_fixture_is_what_these_tests_say(tmp_path: Path) -> None:
    # Without the Russian files the Russian reader gets the originals: the tests above
    # depend on the translations, not on the stemmer matching English text.
    cat = load_catalog(make_tree(tmp_path, russian=False), languages=("ru",))
    assert _found(cat.in_language("ru"), "воронка") == []
