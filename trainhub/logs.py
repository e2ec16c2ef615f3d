"""One log line format for every TrainHub process, and the security events.

Each record is one line: the time (UTC), the level, the request id, the signed-in person's
id, the client's address as the app trusted it (``TRAINHUB_PROXY_HOPS``, werkzeug's ProxyFix),
the logger and the message. ``TRAINHUB_LOG_FORMAT=json`` writes the same fields as one JSON
object a line. Whatever a person wrote (an e-mail typed at sign-in, a name) is escaped, so a
newline in it cannot forge a line; a traceback follows its line indented, never as lines of
its own. The request id is also the ``X-Request-Id`` response header and the gunicorn access
log's third field, so one grep finds a request in both logs.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

# Set by nginx ($request_id) when a proxy is trusted; anything else is replaced by our own.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_HANDLER_NAME = "trainhub"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")

security_log = logging.getLogger("trainhub.security")


def escape(text: str) -> str:
    """Control characters as visible escapes: ``\\n`` stays on the line it is part of."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _context() -> dict[str, str]:
    if not has_request_context():
        return {"request_id": "-", "person": "-", "address": "-"}
    person = "-"
    # current_user may need the database (it loads the person); a record written while the
    # database is away must not raise, so only an already loaded person is named.
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        person = str(user.id)
    return {
        "request_id": g.get("request_id", "-"),
        "person": person,
        "address": request.remote_addr or "-",
    }


class _Formatter(logging.Formatter):
    def __init__(self, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        context = _context()
        message = record.getMessage()
        trace = self.formatException(record.exc_info) if record.exc_info else ""
        if self.as_json:
            fields: dict[str, Any] = {
                "time": when.replace("+00:00", "Z"),
                "level": record.levelname,
                **context,
                "logger": record.name,
                "message": message,
            }
            if trace:
                fields["exception"] = trace
            return json.dumps(fields, ensure_ascii=False)
        line = (
            f"{when.replace('+00:00', 'Z')} {record.levelname} req={context['request_id']} "
            f"person={context['person']} addr={context['address']} {record.name}: "
            f"{escape(message)}"
        )
        if trace:
            line += "".join(f"\n    {escape(t)}" for t in trace.splitlines())
        return line


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg, unused-ignore]
    """Writes to whatever sys.stderr is now (test runners swap it), not the one at start."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


_configured = threading.Lock()


def configure(app: Flask) -> None:
    """One handler on the root logger, in the chosen format, once per process: every record
    (ours, SQLAlchemy's, werkzeug's) is written the same way. gunicorn's own loggers keep
    their handlers; its access log format is in gunicorn.conf.py."""
    root = logging.getLogger()
    with _configured:
        handler = next((h for h in root.handlers if h.get_name() == _HANDLER_NAME), None)
        if handler is None:
            handler = _StderrHandler()
            handler.set_name(_HANDLER_NAME)
            root.addHandler(handler)
            if root.level == logging.NOTSET or root.level > logging.WARNING:
                root.setLevel(logging.WARNING)
        handler.setFormatter(_Formatter(app.config["LOG_FORMAT"] == "json"))
        logging.getLogger("trainhub").setLevel(str(app.config["LOG_LEVEL"]).upper())

    trust_proxy = bool(app.config["PROXY_HOPS"])

    @app.before_request
    def _request_id() -> None:
        given = request.headers.get("X-Request-Id", "") if trust_proxy else ""
        g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]

    @app.after_request
    def _request_id_header(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        return response


def security_event(event: str, **fields: object) -> None:
    """One line of the security log: the event and its fields, never a password or a token.

    Refusals are warnings, the rest information. The formatter escapes the values (an e-mail
    typed at sign-in is a person's text).
    """
    detail = " ".join(f"{k}={v}" for k, v in fields.items())
    refused = event.endswith(("failed", "throttled", "denied", "refused"))
    security_log.log(logging.WARNING if refused else logging.INFO, "%s %s", event, detail)
