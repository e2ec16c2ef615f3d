"""``/``: each person's home, and the health endpoints."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..access import public, requires
from ..content import catalog
from ..extensions import db
from ..permissions import is_hire, is_signed_in
from ..readiness.service import readiness_of
from ..team.service import needs_attention, rows_of, summarize, waiting_reviews

bp = Blueprint("home", __name__)

ATTENTION_ROWS = 10
# A mentor has a handful of hires; the cap only keeps a demo with 1,000 of them light.
MENTOR_ROWS = 100


@bp.get("/")
@requires(is_signed_in)
def index() -> ResponseReturnValue:
    if is_hire(current_user):
        cat = catalog()
        result = readiness_of(db.session, cat, current_user)
        track, readiness = result if result else (None, None)
        return render_template("home/hire.html", track=track, readiness=readiness)
    rows = rows_of(db.session, catalog(), current_user, date.today())
    # A mentor sees each of their hires; a manager or admin, the team's numbers and the
    # hires that need attention first (the dashboard has the rest).
    waiting = waiting_reviews(rows)
    return render_template(
        "home/staff.html",
        rows=rows[:MENTOR_ROWS]
        if current_user.is_mentor
        else needs_attention(rows)[:ATTENTION_ROWS],
        summary=summarize(rows),
        waiting=waiting[:ATTENTION_ROWS],
        waiting_total=len(waiting),
    )


@bp.get("/healthz")
@public
def healthz() -> ResponseReturnValue:
    # No database, no catalog: the in-app baseline that benchmarks divide by.
    return jsonify(status="ok")


@bp.get("/readyz")
@public
def readyz() -> ResponseReturnValue:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        return jsonify(status="unavailable", error=type(exc).__name__), 503
    return jsonify(status="ok")
