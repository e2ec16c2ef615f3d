"""The interface in Russian and Ukrainian, and catalogs that leave no string untranslated.

A string added to the code without re-extracting, or extracted without being translated,
fails here: see docs/translations.md for the extract / update / compile steps.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "trainhub" / "translations"
LOCALES = ("ru", "uk")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")

COURSE = "/courses/sales-department-foundations/"
LESSON = COURSE + "the-sales-conveyor"

# What a hire sees, by language: nav, home, course list (a plural form), lesson page.
EXPECTED = {
    "ru": {
        "nav": "Курсы",
        "home": "Моя адаптация",
        "lessons": "7 уроков",
        "complete": "Отметить как пройденный",
        "done": "Урок отмечен как пройденный.",
    },
    "uk": {
        "nav": "Курси",
        "home": "Моя адаптація",
        "lessons": "7 уроків",
        "complete": "Позначити як пройдений",
        "done": "Урок позначено як пройдений.",
    },
}


def _catalog(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=locale)


def _texts(catalog: Catalog) -> dict[object, object]:
    # read_mo gives plural ids and forms as lists, read_po as tuples.
    def plain(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {plain(m.id): plain(m.string) for m in catalog if m.id}


def _source_ids() -> set[object]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, "babel.cfg")
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS)
    return {message for _, _, message, _, _ in found}


@pytest.mark.parametrize("locale", LOCALES)
def test_hire_reads_home_and_lesson_in_their_language(client, login_as, locale):
    words = EXPECTED[locale]
    login_as("hire", locale=locale)

    home = client.get("/").get_data(as_text=True)
    assert f'<html lang="{locale}">' in home
    assert f">{words['nav']}</a>" in home
    assert words["home"] in home
    assert ">Courses</a>" not in home

    assert words["lessons"] in client.get("/courses/").get_data(as_text=True)

    lesson = client.get(LESSON).get_data(as_text=True)
    assert words["complete"] in lesson
    assert "Mark as complete" not in lesson

    done = client.post_form(LESSON + "/complete", token_from=LESSON, follow_redirects=True)
    assert words["done"] in done.get_data(as_text=True)


def test_english_stays_the_default(client, login_as):
    login_as("hire")
    lesson = client.get(LESSON).get_data(as_text=True)
    assert "Mark as complete" in lesson and ">Courses</a>" in lesson


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_and_not_fuzzy(locale):
    catalog = _catalog(locale)
    assert catalog.num_plurals == 3, "Russian and Ukrainian have three plural forms"
    untranslated, fuzzy, bad_placeholders = [], [], []
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(forms) != (catalog.num_plurals if message.pluralizable else 1) or not all(forms):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
        source = message.id[-1] if message.pluralizable else message.id
        want = sorted(PLACEHOLDER.findall(source))
        bad_placeholders += [form for form in forms if sorted(PLACEHOLDER.findall(form)) != want]
    assert not untranslated, f"{locale}: untranslated {untranslated}"
    assert not fuzzy, f"{locale}: fuzzy {fuzzy}"
    assert not bad_placeholders, (
        f"{locale}: placeholders differ from the English {bad_placeholders}"
    )


def test_catalogs_hold_every_string_of_the_code():
    in_code = _source_ids()
    for locale in LOCALES:
        in_catalog = {message.id for message in _catalog(locale) if message.id}
        missing = in_code - in_catalog
        assert not missing, f"{locale}: not extracted yet (run pybabel extract + update) {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_matches_the_po_file(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        compiled = _texts(read_mo(fh))
    assert compiled == _texts(_catalog(locale)), (
        f"{locale}: run pybabel compile -d trainhub/translations"
    )
