"""``/api/v1``: readiness for HR and CRM integrations, authenticated by bearer tokens."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from ..access import public
from ..auth.models import User
from ..content import catalog
from ..db import utcnow
from ..extensions import csrf, db
from ..permissions import can_read_team_api
from ..team.service import rows_of
from .access import requires_token
from .schema import OPENAPI, readiness_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, not cookies, authenticate here, so a forged cross-site request carries no
# credentials and CSRF tokens would only get in an integration's way.
csrf.exempt(bp)


@bp.get("/readiness")
@requires_token(can_read_team_api)
def readiness(owner: User) -> ResponseReturnValue:
    rows = rows_of(db.session, catalog(), owner, date.today())
    response = jsonify(readiness_document(rows, utcnow()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/openapi.json")
@public
def openapi() -> ResponseReturnValue:
    return jsonify(OPENAPI)
