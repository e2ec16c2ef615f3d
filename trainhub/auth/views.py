"""Sign in and sign out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..access import public, requires
from ..db import finish_writing, reads_first, start_writing, utcnow
from ..extensions import db, login_manager
from ..logs import security_event
from ..permissions import is_signed_in
from ..sessions import restart
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


def _new_csrf_secret() -> None:
    # Flask-WTF keeps this request's token in g; forget it, or the new session gets none.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()


def _https_required() -> bool:
    # With secure cookies (production) a browser on plain HTTP never sends the session
    # cookie back, so its sign-in can never pass the CSRF check: say why up front.
    return bool(current_app.config.get("SESSION_COOKIE_SECURE")) and not request.is_secure


def _login_page(form: LoginForm, status: int = 200) -> ResponseReturnValue:
    return render_template("auth/login.html", form=form, https_required=_https_required()), status


@bp.route("/login", methods=["GET", "POST"])
@public
@reads_first
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        now = utcnow()
        throttle = service.Throttle.of(form.email.data or "", request.remote_addr)
        # Count the attempt first, in a short write transaction of its own; the password
        # is hashed afterwards, holding no lock (SQLite has one write lock for everyone).
        start_writing(db.session)
        reserved = service.reserve_login_attempt(
            db.session, throttle, service.configured_limits(throttle, current_app.config), now
        )
        if reserved is None:
            db.session.rollback()
            security_event("signin.throttled", email=form.email.data)
            abort(429)
        finish_writing(db.session)
        user = service.authenticate(db.session, form.email.data or "", form.password.data or "")
        start_writing(db.session)
        service.settle_login_attempt(db.session, throttle, reserved, succeeded=user is not None)
        finish_writing(db.session)
        if user is None:
            security_event("signin.failed", email=form.email.data)
            # The same message for an unknown e-mail and a wrong password.
            form.password.errors.append(_("Wrong e-mail or password."))
            return _login_page(form, 401)
        # A new session (and CSRF secret): nothing set before sign-in carries over. It expires
        # after PERMANENT_SESSION_LIFETIME without use, or SESSION_ABSOLUTE_LIFETIME after now.
        restart(session, now.timestamp())
        # The new session's CSRF secret at once, so the first page after sign-in can be kept
        # by the page cache (a page that creates the secret while rendering is not kept).
        _new_csrf_secret()
        session.permanent = True
        login_user(user)
        security_event("signin.ok", person=user.id)
        return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
    return _login_page(form)


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
    restart(session, utcnow().timestamp())
    _new_csrf_secret()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
