"""Error pages. A bad request is answered with a page that says what to do next."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, Response, current_app, jsonify, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .language import LANGUAGES
from .logs import security_event

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have access to this page."),
    404: _l("There is nothing here."),
    405: _l("That action is not allowed here."),
    409: _l("Someone else changed this at the same time. Reload the page and try again."),
    413: _l("The file is too large."),
    429: _l("Too many attempts. Wait a few minutes and try again."),
    500: _l("Something went wrong on our side. It has been logged."),
    503: _l("The service is temporarily unavailable."),
}


# English only: translating means knowing the person's language, which is in the database.
FALLBACK_500 = "Something went wrong on our side. It has been logged. Try again in a minute."


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(code: int, message: str) -> ResponseReturnValue:
    if _wants_json():
        return jsonify(error=message, status=code), code
    return render_template("error.html", code=code, message=message), code


UNAVAILABLE_JSON = "The database is unavailable. Try again in a minute."
# How long a client should wait before trying again while the database is away (seconds).
RETRY_AFTER = 30


def _unavailable(error: Exception) -> ResponseReturnValue:
    """The database is out of reach (down, restarting, refusing connections): 503 with a page
    that needs nothing from it, every route alike. One log line, not a traceback per page."""
    log.error(
        "database unavailable on %s %s: %s",
        request.method,
        request.path,
        str(error).splitlines()[0] if str(error) else type(error).__name__,
    )
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        pass  # the connection is gone; the pool replaces it on the next request
    headers = {"Retry-After": str(RETRY_AFTER)}
    if _wants_json():
        # English, like the API's other messages (and no locale lookup: it reads the person).
        return jsonify(error=UNAVAILABLE_JSON, status=503), 503, headers
    # The person's saved language needs the database; the browser's choice does not.
    lang = session.get("locale") or request.accept_languages.best_match(LANGUAGES) or "en"
    with force_locale(lang):
        # Straight from the environment: render_template's context processors read the
        # signed-in person (navigation, badges), which needs the database.
        page = current_app.jinja_env.get_template("maintenance.html").render(lang=lang)
    return page, 503, headers


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> ResponseReturnValue:
        if current_app.config.get("SESSION_COOKIE_SECURE") and not request.is_secure:
            # Secure cookies never come back over plain HTTP: no form can pass, ever.
            return _render(400, _("TrainHub works over HTTPS only: open it with an address "
                                  "that starts with https://."))  # fmt: skip
        return _render(400, _("The form expired or was sent from elsewhere. Reload and retry."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        if code == 403:
            security_event("access.denied", method=request.method, path=request.path)
        message = error.description if code in (400, 409, 429) and error.description else None
        return _render(code, message or str(MESSAGES.get(code, error.name)))

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    @app.errorhandler(sa.exc.TimeoutError)
    def _database_unavailable(error: Exception) -> ResponseReturnValue:
        return _unavailable(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> ResponseReturnValue:
        log.exception("unhandled error on %s %s", request.method, request.path)
        try:
            # A failed statement (a lost connection) leaves the session unusable until it is
            # rolled back, and the error page reads the signed-in person for its nav and
            # language.
            db.session.rollback()
            return _render(500, str(MESSAGES[500]))
        except Exception as again:
            # The page needs the database and it is still out of reach: a page that needs
            # nothing from it, and one line (the traceback above is the failure's own).
            log.error("the error page could not be shown either: %s", type(again).__name__)
            return Response(FALLBACK_500, 500, mimetype="text/plain")
