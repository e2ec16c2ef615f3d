"""``/passwords/``: change one's password, "Forgot password?", and the one-time links.

Password hashes are computed before the write transaction (``@reads_first``): on SQLite a
slow hash holding the one write lock would make everyone else's saves wait.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user
from werkzeug.security import check_password_hash

from ..access import public, requires
from ..auth import service as accounts
from ..auth.links import LinkError, LinkState, end_links, find_link, redeem_link
from ..auth.models import User
from ..db import finish_writing, reads_first, start_writing, utcnow
from ..extensions import db
from ..permissions import is_signed_in
from .forms import ChangeForm, ChooseForm, ForgotForm
from .service import send_reset

bp = Blueprint("passwords", __name__, url_prefix="/passwords")


@bp.route("/change", methods=["GET", "POST"])
@requires(is_signed_in)
@reads_first
def change() -> ResponseReturnValue:
    form = ChangeForm()
    me = current_user._get_current_object()
    if not form.validate_on_submit() or not form.check_policy(me.email):
        return render_template("passwords/change.html", form=form), (
            422 if form.is_submitted() else 200
        )
    # The current password is a password guess like a sign-in's: the same limits count it,
    # so a borrowed session cannot try passwords without end.
    now = utcnow()
    throttle = accounts.Throttle.of(me.email, request.remote_addr)
    start_writing(db.session)
    reserved = accounts.reserve_login_attempt(
        db.session, throttle, accounts.configured_limits(throttle, current_app.config), now
    )
    if reserved is None:
        db.session.rollback()
        abort(429)
    finish_writing(db.session)
    is_right = check_password_hash(me.password_hash, form.current.data or "")
    new_hash = accounts.hash_password(form.password.data or "") if is_right else ""
    start_writing(db.session)
    accounts.settle_login_attempt(db.session, throttle, reserved, succeeded=is_right)
    if not is_right:
        finish_writing(db.session)
        form.current.errors = [*form.current.errors, _("This is not your current password.")]
        return render_template("passwords/change.html", form=form), 422
    user = db.session.get(User, me.id)
    assert user is not None  # the signed-in person
    accounts.set_password(
        db.session, user, new_hash, actor=user, action="user.password_changed", now=now
    )
    end_links(db.session, user, now)
    db.session.commit()
    # Every session and API token of the person ended with the new session version; this
    # browser goes on under the new one (same session, same absolute lifetime).
    login_user(user)
    flash(
        _("Your password is changed. You were signed out everywhere else, and your API tokens "
          "stopped working."),
        "success",
    )  # fmt: skip
    return redirect(url_for("passwords.change"))


@bp.route("/forgot", methods=["GET", "POST"])
@public
def forgot() -> ResponseReturnValue:
    form = ForgotForm()
    if not form.validate_on_submit():
        return render_template("passwords/forgot.html", form=form), (
            422 if form.is_submitted() else 200
        )
    user = accounts.find_by_email(db.session, form.email.data or "")
    if user is not None and user.is_active:
        send_reset(db.session, user, actor=None, now=utcnow(), audit=False)
    db.session.commit()
    # The same page whether or not the address has an account: the form tells nobody who
    # works here.
    return render_template("passwords/sent.html", email=form.email.data)


def _refused(state: LinkState, purpose: str | None) -> ResponseReturnValue:
    status = 404 if state is LinkState.UNKNOWN else 410
    return render_template("passwords/refused.html", state=state.value, purpose=purpose), status


@bp.route("/set/<token>", methods=["GET", "POST"])
@public
@reads_first
def choose(token: str) -> ResponseReturnValue:
    now = utcnow()
    link = find_link(db.session, token, now)
    if link is None:
        return _refused(LinkState.UNKNOWN, None)
    if current_user.is_authenticated and current_user.id != link.user.id:
        # Someone else's link in a signed-in browser: setting it would leave this browser
        # signed in as one person while the other's password changes. Say so.
        return render_template("passwords/other_person.html"), 403
    if link.state is not LinkState.VALID:
        return _refused(link.state, link.token.purpose)
    form = ChooseForm()
    purpose = link.token.purpose
    if not form.validate_on_submit() or not form.check_policy(link.user.email):
        return render_template(
            "passwords/choose.html", form=form, purpose=purpose, person=link.user
        ), (422 if form.is_submitted() else 200)
    new_hash = accounts.hash_password(form.password.data or "")
    start_writing(db.session)
    try:
        redeem_link(db.session, token, new_hash, now=now)
    except LinkError as error:
        db.session.rollback()
        return _refused(error.state, purpose)
    db.session.commit()
    flash(_("Your password is saved. Sign in with it."), "success")
    return redirect(url_for("auth.login"))
