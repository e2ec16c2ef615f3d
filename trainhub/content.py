"""The current catalog, for views: the one place that reaches into the app's catalog store.

``catalog()`` is the originals; ``read_catalog()`` is the same catalog as the person reading
the page reads it (their language's translations where they exist). Both have the same items,
slugs, hashes and grading, so either may be handed to a service; views show ``read_catalog()``.
"""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError
from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from .catalog import Catalog, CatalogStore
from .language import gettext as _


def store() -> CatalogStore:
    found: CatalogStore = current_app.extensions["trainhub.catalog"]
    return found


def catalog() -> Catalog:
    return store().get()


def reader_language() -> str:
    """The language the content is read in: the interface's (the person's setting, inside
    ``flask_babel.force_locale`` the recipient's), else the content's own."""
    try:
        # ``force_locale`` works outside a request too (a notice sent by ``trainhub notify``).
        locale = get_locale()
    except RuntimeError:  # no request and no forced locale: a CLI command
        locale = None
    return str(locale.language) if locale is not None else catalog().default_language


def read_catalog(language: str | None = None) -> Catalog:
    """The catalog in ``language`` (default: the reader's), translated where it can be."""
    return catalog().in_language(language or reader_language())


def content_title(kind: str, slug: str, track: str | None = None) -> str:
    """For templates: an item's title in the reader's language, never its slug. An item gone
    from the files (its history stays) is named as such."""
    found = read_catalog().title_of(kind, slug, track=track)
    return found if found is not None else _("(removed from the training materials)")


def language_name(code: str) -> str:
    """A language's name in the reader's language ("русский", "англійська")."""
    reader = reader_language()
    try:
        name = Locale.parse(code).get_language_name(Locale.parse(reader))
    except (UnknownLocaleError, ValueError, TypeError):
        name = None
    return name or code


def text_read(text_language: str | None, text_hash: str | None, current: Any) -> str:
    """Which text a hire answered, in words, for the mentor: "Language of the answer:
    Russian, the current translation". ``current`` is the item as the catalog has it in that
    language today (or None), to tell the current translation from an earlier one."""
    if not text_language:
        return _(
            "Language of the answer: %(language)s, the original",
            language=language_name(catalog().default_language),
        )
    name = language_name(text_language)
    if current is not None and getattr(current, "text_hash", "") == text_hash:
        return _("Language of the answer: %(language)s, the current translation", language=name)
    return _("Language of the answer: %(language)s, an earlier translation", language=name)


def answered_in(record: Any, kind: str, slug: str) -> str:
    """``text_read`` for a stored attempt or submission (its ``text_language`` and
    ``text_hash``), against today's translation of the item."""
    language = getattr(record, "text_language", None)
    current = catalog().in_language(language).item(kind, slug) if language else None
    if current is not None and current.language != language:
        current = None
    return text_read(language, getattr(record, "text_hash", None), current)


def title_in(kind: str, slug: str, language: str, track: str | None = None) -> str | None:
    """An item's title in ``language`` (a notice in its recipient's language)."""
    return catalog().title_of(kind, slug, language, track=track)


def text_lang(item: Any) -> Markup:
    """For templates: ``lang="en"`` on the element of an item's text when the reader gets it
    in its original (not translated into their language), so it is read as English; empty
    when the item is translated or the reader reads the originals' language."""
    cat = read_catalog()
    if item is None or not cat.is_untranslated(item, reader_language()):
        return Markup("")
    return Markup(' lang="%s"') % cat.language_of(item)


TEMPLATE_GLOBALS = {
    "text_lang": text_lang,
    "content_title": content_title,
    "answered_in": answered_in,
    "read_catalog": read_catalog,
    "reader_language": reader_language,
}
