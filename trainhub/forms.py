"""The base of every form: Flask-WTF's CSRF protection, WTForms' own messages translated, and
one rule for every text field: no control characters, and no line break in a one-line field.

Flask-WTF loads WTForms' message catalog from disk on every request that validates a form
(even when no message is shown: a choice field's check builds "Not a valid choice." before
``Optional`` discards it). The catalogs are loaded once per language here instead.
"""

from __future__ import annotations

import re
from typing import Any

from babel.support import NullTranslations, Translations
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
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


# C0 controls but tab and line breaks, DEL and C1 controls: invisible, they break mail headers,
# log lines and CSV cells, and PostgreSQL refuses NUL in text (a 500 where SQLite stored it).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What ends a line: fine in a multi-line answer, never in a name, an e-mail or a title.
_LINE_BREAK = re.compile("[\t\r\n\x85\u2028\u2029]")
CONTROL_MESSAGE = _l("Remove the invisible control character (it often comes with pasted text).")
LINE_BREAK_MESSAGE = _l("This field takes one line: remove the line break or tab.")


def text_problem(value: str, *, multiline: bool) -> Any:
    """The message for a text value a person may not send, or None."""
    if _CONTROL.search(value):
        return CONTROL_MESSAGE
    if not multiline and _LINE_BREAK.search(value):
        return LINE_BREAK_MESSAGE
    return None


class Form(FlaskForm):
    def validate(self, extra_validators: Any = None) -> bool:
        is_valid: bool = super().validate(extra_validators)
        for field in self:
            if not isinstance(field.data, str):
                continue
            problem = text_problem(field.data, multiline=isinstance(field, TextAreaField))
            if problem is not None:
                field.errors = [*field.errors, problem]
                is_valid = False
        return is_valid

    class Meta:
        def get_translations(self, form: Any) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return DefaultMeta.get_translations(self, form)
            return _MESSAGES
