"""The request's language and its translations, for code below the views (``messages``,
templates): English first, then Russian and Ukrainian.

The choice is the person's saved preference, else the one picked on this browser, else the
browser's Accept-Language. This module imports no other TrainHub module, so anything may use
it; the language switch itself is ``i18n``'s view.
"""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import g, request, session
from flask_babel import get_translations
from flask_login import current_user

LANGUAGES = {"en": "English", "ru": "Русский", "uk": "Українська"}


def select_locale() -> str:
    saved = getattr(current_user, "locale", None) if current_user else None
    if isinstance(saved, str) and saved in LANGUAGES:
        return saved
    chosen = session.get("locale")
    if isinstance(chosen, str) and chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def translations() -> NullTranslations:
    # Flask-Babel resolves the domain, the locale and the catalog on every call (~40 µs);
    # a page calls it dozens of times, so the catalog is looked up once per request.
    if getattr(g.get("_flask_babel"), "forced_babel_locale", None) is not None:
        # Inside ``force_locale`` (a notice in its recipient's language): not the request's.
        forced: NullTranslations = get_translations()
        return forced
    found: NullTranslations | None = g.get("_trainhub_translations")
    if found is None:
        found = g._trainhub_translations = get_translations()
    return found


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's gettext, faster in templates. The result is plain text: Jinja escapes it."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables
