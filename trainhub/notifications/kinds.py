"""The kinds of notice: one entry per kind in ``KINDS``, like the graders in
``quizzes/grading.py``. A kind says what it is called, who gets it, where it goes by default,
and how its text is made from the values stored with each notice.

Texts are message ids with named placeholders, rendered in the reader's language when shown
(the page's language) or when mailed (the recipient's saved language), so a stored notice
holds values, never words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.support import NullTranslations, Translations
from flask_babel import lazy_gettext as _l

from ..messages import N_

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

# Every kind's text is a message id; ``variant`` in a notice's data picks another one
# (a review approved or sent back, an overdue step told to the hire or to their staff).
Titles = Mapping[str, str]


@dataclass(frozen=True)
class Kind:
    slug: str
    label: Any  # lazy text: the kind's name on the settings page
    audience: Any  # lazy text: who receives it, on the settings page
    default: str  # app | email | digest | off
    roles: frozenset[str]  # whose settings page offers it
    titles: Titles
    dates: tuple[str, ...] = ()  # data keys holding ISO dates, shown in the reader's format


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.slug] = kind
    return kind


register(
    Kind(
        "review_waiting",
        _l("An answer waits for my review"),
        _l("the hire's mentor"),
        "email",
        frozenset({"mentor", "admin"}),
        {"": N_("%(hire)s submitted \u201c%(case)s\u201d (version %(version)s)")},
    )
)
register(
    Kind(
        "review_done",
        _l("My answer was reviewed"),
        _l("the hire"),
        "email",
        frozenset({"hire"}),
        {
            "approved": N_("Your answer to \u201c%(case)s\u201d was approved"),
            "needs_work": N_("Your answer to \u201c%(case)s\u201d was sent back for more work"),
        },
    )
)
register(
    Kind(
        "step_due_soon",
        _l("A step is due soon"),
        _l("the hire"),
        "app",
        frozenset({"hire"}),
        {"": N_("\u201c%(step)s\u201d is due on %(due_on)s")},
        dates=("due_on",),
    )
)
register(
    Kind(
        "step_overdue",
        _l("A step is overdue"),
        _l("the hire, then their mentor, then their manager"),
        "email",
        frozenset({"hire", "mentor", "manager"}),
        {
            "": N_("\u201c%(step)s\u201d was due on %(due_on)s"),
            "staff": N_("%(hire)s is behind: \u201c%(step)s\u201d was due on %(due_on)s"),
        },
        dates=("due_on",),
    )
)
register(
    Kind(
        "hire_ready",
        _l("A hire is ready for clients"),
        _l("the hire's manager"),
        "email",
        frozenset({"manager", "admin"}),
        {"": N_("%(hire)s is ready for clients")},
    )
)
register(
    Kind(
        "no_progress",
        _l("A hire has made no progress"),
        _l("the hire's mentor and manager"),
        "digest",
        frozenset({"mentor", "manager"}),
        {"": N_("%(hire)s has made no progress since %(since)s")},
        dates=("since",),
    )
)
register(
    Kind(
        "signoff_requested",
        _l("A sign-off is requested"),
        _l("the hire's mentor"),
        "email",
        frozenset({"mentor", "manager", "admin"}),
        {"": N_("%(hire)s asks for a sign-off: \u201c%(item)s\u201d")},
    )
)
register(
    Kind(
        "signoff_decided",
        _l("My sign-off request was decided"),
        _l("the hire"),
        "email",
        frozenset({"hire"}),
        {
            "approved": N_("Signed off: \u201c%(item)s\u201d"),
            "declined": N_("Your sign-off request for \u201c%(item)s\u201d was declined"),
        },
    )
)
register(
    Kind(
        "review_overdue",
        _l("An answer waits too long for review"),
        _l("the hire's mentor and manager"),
        "email",
        frozenset({"mentor", "manager", "admin"}),
        {"": N_("An answer by %(hire)s to \u201c%(case)s\u201d has waited since %(since)s")},
        dates=("since",),
    )
)
register(
    Kind(
        "mail_failed",
        _l("An e-mail could not be delivered"),
        _l("admins"),
        "app",
        frozenset({"admin"}),
        {"": N_("An e-mail to %(address)s could not be delivered: %(reason)s")},
    )
)

register(
    Kind(
        "redo_requested",
        _l("I am asked to redo a step whose content changed"),
        _l("the hire"),
        "email",
        frozenset({"hire"}),
        {
            "lesson": N_(
                "%(by)s asks you to read “%(item)s” again: it changed after you completed it"
            ),
            "quiz": N_("%(by)s asks you to take “%(item)s” again: it changed after you passed it"),
            "roleplay": N_(
                "%(by)s asks you to answer “%(item)s” again: it changed after it was approved"
            ),
        },
    )
)

UNKNOWN_TITLE = N_("A notice")
MAIL_OPEN = N_("Open it in TrainHub: %(url)s")
MAIL_SETTINGS = N_("Choose which notices you get, and how: %(url)s")
DIGEST_SUBJECT = N_("Your notices of %(day)s")
DIGEST_INTRO = N_("What happened in TrainHub since your last summary:")


@cache
def translations_for(locale: str) -> NullTranslations:
    """The catalog of one language, loaded once: a mail is written in its recipient's
    language, which is not the language of the request (or CLI run) that writes it."""
    if locale == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [locale], domain="messages")


Translate = Callable[[str], str]


def translator(locale: str) -> Translate:
    return translations_for(locale).ugettext


# The title of a content item in a language, or None (the app sets it: ``content.title_in``).
# A notice stores the item's reference beside its title (``case_slug``; ``step_kind``,
# ``step_slug`` and ``track`` for a step; ``item_slug`` and ``track`` for a sign-off), so it
# reads in its reader's language; the stored title is what shows when the item is gone.
ContentTitles = Callable[[str, str, str, str | None], str | None]
CONTENT_TITLES: list[ContentTitles] = []
_REFERENCES = (
    ("case", "roleplay", "case_slug"),
    ("step", "", "step_slug"),
    ("item", "signoff", "item_slug"),
)
_REFERENCE_KEYS = {"case_slug", "step_kind", "step_slug", "item_slug", "track"}


def _localized_titles(data: Mapping[str, Any], values: dict[str, Any], locale: str) -> None:
    for key, kind, slug_key in _REFERENCES:
        slug = data.get(slug_key)
        item_kind = kind or data.get("step_kind")
        if key not in values or not isinstance(slug, str) or not isinstance(item_kind, str):
            continue
        for resolve in CONTENT_TITLES:
            found = resolve(item_kind, slug, locale, data.get("track"))
            if found:
                values[key] = found
                break


def _values(kind: Kind | None, data: Mapping[str, Any], locale: str) -> dict[str, Any]:
    values = {k: v for k, v in data.items() if k != "variant" and k not in _REFERENCE_KEYS}
    _localized_titles(data, values, locale)
    for key in kind.dates if kind else ():
        raw = values.get(key)
        if isinstance(raw, str):
            try:
                values[key] = format_date(date.fromisoformat(raw), "medium", locale=locale)
            except ValueError:
                values[key] = ""
    return values


def title_of(kind_slug: str, data: Mapping[str, Any], locale: str) -> str:
    """The notice's one line, in ``locale``, as plain text (a template escapes it)."""
    kind = KINDS.get(kind_slug)
    translate = translator(locale)
    msgid = kind.titles.get(str(data.get("variant", "")), None) if kind else None
    if msgid is None and kind is not None:
        msgid = next(iter(kind.titles.values()))
    if msgid is None:
        return translate(UNKNOWN_TITLE)
    try:
        return translate(msgid) % _values(kind, data, locale)
    except (KeyError, TypeError, ValueError):
        # Stored values that no longer fit the text (a kind changed): say something true.
        return translate(UNKNOWN_TITLE)


def text(msgid: str, locale: str, **values: Any) -> str:
    return translator(locale)(msgid) % values if values else translator(locale)(msgid)
