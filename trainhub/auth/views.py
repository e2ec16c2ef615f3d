"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..access import public, requires
from ..db import utcnow
from ..extensions import db, login_manager
from ..permissions import is_signed_in
from . import service
from .forms import LoginForm, LogoutForm
from .models import User

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = None


def load_user(user_id: str) -> User | None:
    # The id carries the session version: bumping it (password or role change, deactivation)
    # invalidates every existing session of that person.
    raw_id, _sep, version = user_id.partition(":")
    if not raw_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


# Registered by a call: Flask-Login's decorator is untyped and would hide this signature.
login_manager.user_loader(load_user)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect after login is a phishing tool."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        now = utcnow()
        throttle = service.Throttle.of(form.email.data or "", request.remote_addr)
        limit = current_app.config["RATELIMIT_LOGIN_ATTEMPTS"]
        window = current_app.config["RATELIMIT_LOGIN_WINDOW"]
        if service.is_throttled(db.session, throttle, now, limit, window):
            abort(429)
        user = service.authenticate(db.session, form.email.data or "", form.password.data or "")
        if user is None:
            service.record_login_failure(db.session, throttle, now, window)
            db.session.commit()
            # The same message for an unknown e-mail and a wrong password.
            form.password.errors.append(_("Wrong e-mail or password."))
            return render_template("auth/login.html", form=form), 401
        service.clear_login_failures(db.session, throttle)
        db.session.commit()
        # A permanent session expires after PERMANENT_SESSION_LIFETIME without use.
        session.permanent = True
        login_user(user)
        return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@requires(is_signed_in)
def logout() -> ResponseReturnValue:
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    # Clearing this browser's cookie is not enough: a copy of it (another device, a stolen
    # cookie) would still work. Bumping the session version ends them all.
    service.end_all_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
