"""URL converters, and absolute links for e-mails.

Ids are INTEGER columns, 32 bits on PostgreSQL: a larger number in a URL must be a 404, not
an overflow deep in the database driver (SQLite's OverflowError, PostgreSQL's
NumericValueOutOfRange).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, url_for
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL


class IdConverter(IntegerConverter):
    def __init__(self, map: Map, *args: object, **kwargs: object) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def register(app: Flask) -> None:
    # Replaces the built-in "int" converter, so every <int:...> route is bounded.
    app.url_map.converters["int"] = IdConverter


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an e-mail: under ``TRAINHUB_BASE_URL`` when set (the address people use,
    which a proxy may hide from the app), else the request's own host."""
    base = current_app.config.get("BASE_URL")
    if base:
        return str(base).rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
