"""``/api/v1``: readiness for HR and CRM integrations, authenticated by bearer tokens."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from ..access import public
from ..auth.models import User
from ..auth.scope import hires_of
from ..clock import counts_weekends, today
from ..content import catalog
from ..db import utcnow
from ..extensions import csrf, db
from ..permissions import can_read_team_api
from ..team.pages import BadCursor, decode_cursor, keyset_rows, listing
from ..team.service import TeamFilters
from .access import requires_token
from .schema import OPENAPI, readiness_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, not cookies, authenticate here, so a forged cross-site request carries no
# credentials and CSRF tokens would only get in an integration's way.
csrf.exempt(bp)


DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def _bad(message: str) -> tuple[Response, int]:
    return jsonify(error=message, status=400), 400


@bp.get("/readiness")
@requires_token(can_read_team_api)
def readiness(owner: User) -> ResponseReturnValue:
    """A page of the owner's hires by name; ``next`` is the next page's URL (null at the end)."""
    given = request.args.get("limit", str(DEFAULT_LIMIT))
    limit = int(given) if given.isascii() and given.isdigit() else 0
    if not 1 <= limit <= MAX_LIMIT:
        return _bad(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    cursor = request.args.get("cursor") or None
    try:
        after = decode_cursor(cursor) if cursor else None
    except BadCursor:
        return _bad("cursor is not one this API gave")
    cat = catalog()
    weekends = counts_weekends()
    found = listing(cat, hires_of(owner), TeamFilters(), today(), count_weekends=weekends)
    now = utcnow()
    rows, following = keyset_rows(
        db.session, cat, found, after=after, limit=limit, now=now, count_weekends=weekends
    )
    document = readiness_document(rows, now)
    document["next"] = (
        url_for("api.readiness", limit=limit, cursor=following) if following else None
    )
    response = jsonify(document)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/openapi.json")
@public
def openapi() -> ResponseReturnValue:
    return jsonify(OPENAPI)
