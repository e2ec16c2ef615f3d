"""The scanner of the language walk (tests/browser/english.py) catches English: a word left
in a Russian sentence, an English attribute, text marked with another language kept apart,
and the allowlist's names let through only as names."""

from __future__ import annotations

import pytest

from tests.browser.english import ALLOWED, ALLOWED_PHRASES, Piece, english_words, leaks


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Отметить как пройденный", []),
        ("Mark as complete", ["Mark", "as", "complete"]),
        ("Maria Mentor: одобрено, 4 из 4 (pass 3)", ["pass"]),
        (
            "«Getting past the gatekeeper»: ответ отправлен",
            ["Getting", "past", "the", "gatekeeper"],
        ),
        ("course prospecting: 0 из 7", ["course", "prospecting"]),
        ("Скачать CSV", []),
        ("Запись в CRM-системе, e-mail клиенту", []),
        ("Пароль: demo-password", []),
        ("hire@demo.local · наставник: Maria Mentor", []),
        ("https://trainhub.example.test/team/4", []),
        ("Аудиозапись (mp3, m4a, ogg, wav, webm) или PDF.", []),
        ("Квалификация по N-D-B-T", []),
        # A demo person's name is allowed as the whole name, not its words alone.
        ("Mentor", ["Mentor"]),
        ("Ready", ["Ready"]),
        ("digital-маркетологи", ["digital"]),
        ("2026-12-02T06:44:33+00:00", ["T06"]),
    ],
)
def test_english_words(text: str, found: list[str]) -> None:
    assert english_words(text) == found


def test_pieces_marked_with_another_language_are_kept_apart() -> None:
    pieces = [
        Piece("Главная", "ru", "a"),
        Piece("Sign out", "ru", "button"),
        Piece("English", "en", "button"),
        Piece("Skip to content", "", "a @aria-label"),
    ]
    found, marked = leaks(pieces, "ru", "http://x/")
    assert [(leak.where, leak.words) for leak in found] == [
        ("button", ("Sign", "out")),
        ("a @aria-label", ("Skip", "to", "content")),
    ]
    assert [p.text for p in marked] == ["English"]
    assert "Sign, out" in str(found[0])
    # A Ukrainian page: a piece marked "uk-UA" is of the page's language.
    found, marked = leaks([Piece("Sign in", "uk-UA", "h1")], "uk")
    assert found and not marked


def test_the_allowlist_stays_short() -> None:
    # Proper names and formats only: a longer list would let interface words through.
    assert len(ALLOWED) <= 20 and len(ALLOWED_PHRASES) <= 20
    for word in ("mentor", "manager", "hire", "ready", "course", "quiz", "pass", "score"):
        assert word not in ALLOWED
