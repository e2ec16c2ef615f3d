"""Interface language: English first, then Russian and Ukrainian.

The choice is the person's saved preference, else the one picked on this browser, else the
browser's Accept-Language.
"""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import Blueprint, abort, g, redirect, request, session, url_for
from flask_babel import get_translations
from flask_login import current_user
from wtforms import HiddenField
from wtforms.validators import AnyOf

from .access import public
from .extensions import db
from .forms import Form

LANGUAGES = {"en": "English", "ru": "Русский", "uk": "Українська"}

bp = Blueprint("i18n", __name__)


class LanguageForm(Form):
    locale = HiddenField(validators=[AnyOf(list(LANGUAGES))])


def select_locale() -> str:
    saved = getattr(current_user, "locale", None) if current_user else None
    if saved in LANGUAGES:
        return saved
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def _translations() -> NullTranslations:
    # Flask-Babel resolves the domain, the locale and the catalog on every call (~40 µs);
    # a page calls it dozens of times, so the catalog is looked up once per request.
    try:
        return g._trainhub_translations  # type: ignore[no-any-return]
    except AttributeError:
        g._trainhub_translations = get_translations()
        return g._trainhub_translations  # type: ignore[no-any-return]


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's gettext, faster in templates. The result is plain text: Jinja escapes it."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


@bp.post("/language")
@public
def set_language():  # type: ignore[no-untyped-def]
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session["locale"] = form.locale.data
    if current_user.is_authenticated:
        current_user.locale = form.locale.data
        db.session.commit()
    target = request.referrer or ""
    # Only back to a page of this site.
    if not target.startswith(request.host_url):
        target = url_for("home.index")
    return redirect(target)
