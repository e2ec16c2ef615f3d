"""Text made by pure functions, shown later in the reader's language.

Readiness is computed by pure functions (``readiness/rules.py``) and kept per worker for many
requests, so its words cannot be translated when they are made: the reader, and their
language, are only known when a page shows them. ``N_("quiz %(slug)s: best %(best)s",
slug=..., best=...)`` makes a ``Text``: a ``str`` holding the English, for the API, logs and
comparisons, that also carries its message id and values. A template shows it through
Jinja's ``__html__`` protocol, translated into the request's language with the values
escaped, so no template has to remember a filter. ``N_`` is one of Babel's default keywords:
``pybabel extract`` collects these ids like any other.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import has_request_context
from flask_babel import format_date
from markupsafe import Markup, escape

from .language import translations


class Text(str):
    """English text that is translated wherever a template shows it."""

    msgid: str
    params: tuple[tuple[str, Any], ...]

    def __new__(cls, msgid: str, **params: Any) -> Text:
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid = msgid
        text.params = tuple(params.items())
        return text

    def _template(self) -> str:
        if not has_request_context():
            return self.msgid
        return translations().ugettext(self.msgid)

    def __html__(self) -> Markup:
        template = escape(self._template())
        if not self.params:
            return template
        # Markup's % escapes each value (a person's name in "signed off by ..."); a date is
        # shown in the reader's format (the English str keeps it as YYYY-MM-DD).
        values = {
            key: format_date(value, "medium")
            if isinstance(value, date) and has_request_context()
            else value
            for key, value in self.params
        }
        return template % values

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.msgid, self.params))


def _rebuild(msgid: str, params: tuple[tuple[str, Any], ...]) -> Text:
    return Text(msgid, **dict(params))


def N_(msgid: str, **params: Any) -> Text:  # noqa: N802 - Babel's keyword for deferred text
    return Text(msgid, **params)
