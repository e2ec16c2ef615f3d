"""``/account/``: the signed-in person's settings and their calendar feed link."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..access import requires
from ..calendar.tokens import create_feed_token, live_token, revoke_feed_token
from ..db import utcnow
from ..extensions import db
from ..permissions import is_signed_in
from ..zones import browser_zone
from .forms import CalendarForm, SettingsForm
from .service import save_settings

bp = Blueprint("account", __name__, url_prefix="/account")


def _render(
    form: SettingsForm | None = None, feed_url: str | None = None, status: int = 200
) -> ResponseReturnValue:
    if form is None:
        form = SettingsForm(
            formdata=None, time_zone=current_user.time_zone or "", locale=current_user.locale or ""
        )
        form.fill_choices(browser_zone(), str(get_locale() or "en"))
    return render_template(
        "account/settings.html",
        form=form,
        calendar_form=CalendarForm(),
        has_feed=live_token(db.session, current_user) is not None,
        feed_url=feed_url,
    ), status


@bp.get("/")
@requires(is_signed_in)
def settings() -> ResponseReturnValue:
    return _render()


@bp.post("/")
@requires(is_signed_in)
def save() -> ResponseReturnValue:
    form = SettingsForm()
    form.fill_choices(browser_zone(), str(get_locale() or "en"))
    if not form.validate_on_submit():
        return _render(form, status=422)
    save_settings(
        db.session,
        current_user,
        time_zone=form.time_zone.data or None,
        locale=form.locale.data or None,
        actor=current_user,
        now=utcnow(),
    )
    db.session.commit()
    # The footer's switch keeps its choice in the session too; the saved one now leads.
    session.pop("locale", None)
    flash(_("Settings saved."), "success")
    return redirect(url_for("account.settings"))


@bp.post("/calendar")
@requires(is_signed_in)
def create_calendar() -> ResponseReturnValue:
    if not CalendarForm().validate_on_submit():
        return _render(status=422)
    secret = create_feed_token(db.session, current_user, actor=current_user, now=utcnow())
    db.session.commit()
    # Shown on this response only: the secret is not stored, so no redirect can show it again.
    url = url_for("calendar.feed", token=secret, _external=True)
    return _render(feed_url=url)


@bp.post("/calendar/revoke")
@requires(is_signed_in)
def revoke_calendar() -> ResponseReturnValue:
    if not CalendarForm().validate_on_submit():
        return _render(status=422)
    revoked = revoke_feed_token(db.session, current_user, actor=current_user, now=utcnow())
    db.session.commit()
    if revoked:
        flash(_("The calendar link is revoked: calendars using it get nothing more."), "success")
    return redirect(url_for("account.settings"))
