"""The language switch in the footer: saves the choice on this browser and, for a signed-in
person, on their account (see ``language`` for how a request's language is chosen).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import HiddenField
from wtforms.validators import AnyOf

from .access import public
from .extensions import db
from .forms import Form
from .language import LANGUAGES

bp = Blueprint("i18n", __name__)


class LanguageForm(Form):
    locale = HiddenField(validators=[AnyOf(list(LANGUAGES))])


@bp.post("/language")
@public
def set_language() -> ResponseReturnValue:
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
