"""Bearer-token access for the API: the token's owner acts with their own permissions.

``@requires_token(predicate)`` is the API's counterpart of ``access.requires``: it marks the
view with a policy (so the route-policy test and ``enforce_declared_policy`` see one) and
passes the token's owner to the view. Cookies are ignored here: a browser session never
authenticates an API call, which is also why the API needs no CSRF token.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, jsonify, request

from ..access import POLICY_ATTR
from ..auth.models import User
from ..db import utcnow, write_intent
from ..extensions import db
from ..logs import security_event
from .tokens import needs_touch, touch_statement, verify_token

F = TypeVar("F", bound=Callable[..., Any])

TOKEN_POLICY = "api_token"


def _refuse(status: int, message: str) -> tuple[Response, int]:
    response = jsonify(error=message, status=status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="trainhub"'
    return response, status


def bearer_token(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _touch(token_id: int) -> None:
    # Its own short write transaction, apart from the request's read-only session: on SQLite
    # a read transaction that later writes can fail with "database is locked".
    with write_intent(), db.engine.begin() as conn:
        conn.execute(touch_statement(token_id, utcnow()))


def requires_token(predicate: Callable[[User], bool]) -> Callable[[F], F]:
    """A valid bearer token whose owner passes ``predicate``: 401 without one, else 403."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            secret = bearer_token(request.headers.get("Authorization", ""))
            if secret is None:
                return _refuse(401, "Missing credentials: send 'Authorization: Bearer <token>'.")
            now = utcnow()
            found = verify_token(db.session, secret, now)
            if found is None:
                return _refuse(401, "The token is not valid: wrong, revoked or expired.")
            token, owner = found
            security_event("api.token_used", token=token.id, person=owner.id)
            if not predicate(owner):
                return _refuse(403, "This token's owner may not read this.")
            if needs_touch(token, now):
                _touch(token.id)
            return view(owner, *args, **kwargs)

        setattr(wrapper, POLICY_ATTR, TOKEN_POLICY)
        return wrapper  # type: ignore[return-value]

    return decorator
