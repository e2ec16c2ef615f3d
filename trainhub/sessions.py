"""Flask's signed-cookie sessions, re-signed at most once per SESSION_REFRESH_INTERVAL.

Flask re-signs a permanent session on every response so that its lifetime counts from the
last use. That costs an HMAC, a JSON dump and a ``Set-Cookie`` header on every page, for a
lifetime measured in days. Here the cookie is re-signed when its content changes, or when the
signature is older than the interval (five minutes by default): a session still ends after
PERMANENT_SESSION_LIFETIME without use, give or take that interval.

A signed-in session also has an absolute lifetime (SESSION_ABSOLUTE_LIFETIME, 12 hours by
default) counted from sign-in, however often it is used: a stolen cookie stops working the
same day. Sign-in and sign-out start a new session (``restart``), so the CSRF secret, which
Flask-WTF keeps in the session, is new too, and a CSRF token dies with its session.
"""

from __future__ import annotations

import time
from datetime import datetime

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature

STARTED = "_started_at"  # when the person signed in (seconds since the epoch)
KEPT = ("locale",)  # what survives a restart: the language picked on this browser


def restart(session: SessionMixin, now: float) -> None:
    """A new session for a sign-in or a sign-out: nothing of the old one but the language."""
    kept = {key: session[key] for key in KEPT if key in session}
    session.clear()
    session.update(kept)
    session[STARTED] = now


def is_past_lifetime(data: dict[str, object], now: float, lifetime: float) -> bool:
    """A signed-in session older than its absolute lifetime, or one signed in before sessions
    recorded when (the only safe reading of such a cookie)."""
    if "_user_id" not in data:
        return False
    started = data.get(STARTED)
    return not isinstance(started, int | float) or now - started > lifetime


class TimedSession(SecureCookieSession):
    """A session that remembers when its cookie was signed (None: never, or unknown)."""

    signed_at: float | None = None


class SessionInterface(SecureCookieSessionInterface):
    session_class = TimedSession

    def open_session(self, app: Flask, request: Request) -> TimedSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if is_past_lifetime(data, time.time(), float(app.config["SESSION_ABSOLUTE_LIFETIME"])):
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed.timestamp() if isinstance(signed, datetime) else float(signed)
        return session

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        interval = float(app.config.get("SESSION_REFRESH_INTERVAL", 0))
        return signed_at is None or time.time() - signed_at >= interval
