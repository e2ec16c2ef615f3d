"""Search: word forms in English, Russian and Ukrainian, ranking, highlighting, and what is
never indexed (pure functions, on fixture texts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainhub.catalog import load_catalog
from trainhub.catalog.cache import RenderCache
from trainhub.search.analysis import query_terms, terms
from trainhub.search.documents import catalog_documents, is_visible, plain_text
from trainhub.search.index import Document, build_index, highlight, snippet

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "search_content"

RU = Document(
    "lesson",
    ("c", "ru"),
    "Работа с возражениями",
    "Когда клиент говорит «дорого», продажа только начинается. Продажи растут от вопросов.",
)
UK = Document(
    "lesson",
    ("c", "uk"),
    "Робота із запереченнями",
    "Обсяг продажів залежить від дзвінків. Продаж — це процес, а не одна розмова.",
)
EN = Document("lesson", ("c", "en"), "Handling objections", "When a client objects, listen first.")
INDEX = build_index([RU, UK, EN])


def _titles(query: str) -> list[str]:
    return [hit.document.title for hit in INDEX.search(query)]


@pytest.mark.parametrize("query", ["продажа", "продажи", "продаж", "ПРОДАЖУ"])
def test_russian_word_forms_find_each_other(query: str) -> None:
    assert "Работа с возражениями" in _titles(query)


@pytest.mark.parametrize("query", ["продаж", "продажі", "продажів", "продажем"])
def test_ukrainian_word_forms_find_each_other(query: str) -> None:
    assert "Робота із запереченнями" in _titles(query)


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("возражение", "Работа с возражениями"),
        ("возражений", "Работа с возражениями"),
        ("заперечення", "Робота із запереченнями"),
        ("запереченням", "Робота із запереченнями"),
        ("objection", "Handling objections"),
        ("listening", "Handling objections"),
    ],
)
def test_titles_and_bodies_match_in_every_language(query: str, title: str) -> None:
    assert _titles(query) == [title]


def test_every_word_of_the_query_must_match() -> None:
    assert _titles("продажи дорого") == ["Работа с возражениями"]
    assert _titles("продажи холодильник") == []


def test_a_title_match_ranks_above_a_body_match() -> None:
    index = build_index(
        [
            Document("lesson", ("a",), "Prices", "Objections come up when we talk about price."),
            Document("lesson", ("b",), "Objections", "What to say when the client hesitates."),
        ]
    )
    assert [hit.document.key for hit in index.search("objections")] == [("b",), ("a",)]


def test_only_visible_documents_are_answered() -> None:
    assert [hit.document.title for hit in INDEX.search("продажа", visible=[1])] == [
        "Робота із запереченнями"
    ]
    assert INDEX.search("продажа", visible=[]) == []


def test_an_empty_or_wordless_query_finds_nothing() -> None:
    assert INDEX.search("") == []
    assert INDEX.search(" «» — !? ") == []


def test_highlight_marks_every_form_and_keeps_the_text_whole() -> None:
    matched = frozenset().union(*query_terms("продажа"))
    segments = highlight(RU.body, matched)
    assert "".join(text for text, _ in segments) == RU.body
    assert [text for text, is_match in segments if is_match] == ["продажа", "Продажи"]


def test_highlighted_segments_are_plain_text_for_the_template_to_escape() -> None:
    text = "Say <b>no</b> & <script>alert(1)</script> to objections"
    segments = highlight(text, frozenset().union(*query_terms("script objections")))
    assert ("script", True) in segments and ("objections", True) in segments
    assert "".join(part for part, _ in segments) == text


def test_snippet_is_cut_around_the_first_match_with_ellipses() -> None:
    text = " ".join(f"word{n}" for n in range(100)) + " objection " + "tail " * 50
    parts = snippet(text, frozenset().union(*query_terms("objection")), size=10)
    joined = "".join(part for part, _ in parts)
    assert joined.startswith("… ") and joined.endswith(" …")
    assert ("objection", True) in parts
    assert len(joined.split()) <= 12


def test_yo_and_curly_apostrophes_are_spelling_variants() -> None:
    assert terms("ещё") == terms("еще")
    assert terms("м’ясо") == terms("м'ясо")


def test_plain_text_drops_tags_and_unescapes_entities() -> None:
    assert plain_text("<h2>Цена</h2><p>5 &lt; 7 &amp; 8</p>") == "Цена 5 < 7 & 8"


def test_the_catalog_gives_every_kind_and_never_answer_keys_or_mentor_notes() -> None:
    catalog = load_catalog(FIXTURE, RenderCache(None))
    documents = list(catalog_documents(catalog))
    assert {d.kind for d in documents} == {"course", "lesson", "quiz", "roleplay", "track"}
    everything = " ".join(d.title + " " + d.body for d in documents)
    assert "ключответа" not in everything  # a quiz choice's feedback
    assert "Выслушать и спросить" not in everything  # a quiz choice
    assert "заметканаставника" not in everything  # mentor_notes
    assert "Нет причины звонка" not in everything  # a rubric level
    index = build_index(documents)
    assert index.search("ключответа-аметист") == []
    assert index.search("заметканаставника-изумруд") == []
    case = next(d for d in documents if d.kind == "roleplay")
    assert "Ольга" in case.body and "продажи упали" in case.body


def test_a_hire_sees_only_their_own_track_and_staff_see_every_track() -> None:
    track = Document("track", ("account-manager",), "Менеджер", "")
    lesson = Document("lesson", ("c", "l"), "Урок", "", ("account-manager",))
    assert not is_visible(track, role="hire", track="lead-generation")
    assert is_visible(track, role="hire", track="account-manager")
    assert is_visible(lesson, role="hire", track="lead-generation")  # any lesson, as /courses/
    for role in ("mentor", "manager", "admin"):
        assert is_visible(track, role=role, track=None)
