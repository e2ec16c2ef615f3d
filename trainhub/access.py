"""Route policies: every view says who may use it, and the app refuses views that do not.

``@requires(predicate)`` takes a predicate from ``permissions``; ``@public`` marks the few
routes open to everyone. A test walks ``app.url_map`` and fails on a view with no policy, and
at run time such a view answers 403 rather than leaking (fail closed).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, request
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

POLICY_ATTR = "access_policy"
# Endpoints that Flask itself adds.
BUILTIN_PUBLIC = {"static"}


def public(view: F) -> F:
    setattr(view, POLICY_ATTR, "public")
    return view


def requires(predicate: Callable[[Any], bool]) -> Callable[[F], F]:
    """Signed-in users for whom ``predicate(user)`` holds; others get the login page or 403."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapper, POLICY_ATTR, predicate.__name__)
        return wrapper  # type: ignore[return-value]

    return decorator


def policy_of(view: Callable[..., Any] | None) -> str | None:
    return getattr(view, POLICY_ATTR, None)


def enforce_declared_policy() -> None:
    """before_request hook: a view that declares no policy is never served."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in BUILTIN_PUBLIC:
        return
    view = current_app.view_functions.get(endpoint)
    if policy_of(view) is None:
        abort(403)


def authorize(allowed: bool) -> None:
    """Object-level check inside a view: ``authorize(can_view_hire(current_user, hire))``."""
    if not allowed:
        abort(403)
