"""The base of every form: Flask-WTF's CSRF protection, with WTForms' own messages translated.

Flask-WTF loads WTForms' message catalog from disk on every request that validates a form
(even when no message is shown: a choice field's check builds "Not a valid choice." before
``Optional`` discards it). The catalogs are loaded once per language here instead.
"""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations, Translations
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path
from wtforms.meta import DefaultMeta

_CATALOGS: dict[str, NullTranslations] = {}


def wtforms_translations(locale: str) -> NullTranslations:
    found = _CATALOGS.get(locale)
    if found is None:
        found = _CATALOGS[locale] = Translations.load(messages_path(), [locale], domain="wtforms")
    return found


class _Messages:
    """WTForms' translations interface, in the request's language."""

    def gettext(self, string: str) -> str:
        return wtforms_translations(str(get_locale() or "en")).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return wtforms_translations(str(get_locale() or "en")).ungettext(singular, plural, n)


_MESSAGES = _Messages()


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return DefaultMeta.get_translations(self, form)
            return _MESSAGES
