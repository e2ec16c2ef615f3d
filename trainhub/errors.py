"""Error pages. A bad request is answered with a page that says what to do next."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

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


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> ResponseReturnValue:
        return _render(400, _("The form expired or was sent from elsewhere. Reload and retry."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        message = error.description if code in (400, 409, 429) and error.description else None
        return _render(code, message or str(MESSAGES.get(code, error.name)))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> ResponseReturnValue:
        log.exception("unhandled error on %s %s", request.method, request.path)
        try:
            # A failed statement (a lost connection) leaves the session unusable until it is
            # rolled back, and the error page reads the signed-in person for its nav and
            # language.
            db.session.rollback()
            return _render(500, str(MESSAGES[500]))
        except Exception:
            # The database is still out of reach: a page that needs nothing from it.
            log.exception("the error page failed too on %s %s", request.method, request.path)
            return Response(FALLBACK_500, 500, mimetype="text/plain")
