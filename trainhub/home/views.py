"""``/``: each person's home, and the health endpoints."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from ..access import public, requires
from ..content import catalog
from ..extensions import db
from ..permissions import is_signed_in
from ..readiness.facts import gather_facts
from ..readiness.rules import HireFacts
from ..readiness.service import evaluate_with, people_of, readiness_of

bp = Blueprint("home", __name__)


@bp.get("/")
@requires(is_signed_in)
def index():  # type: ignore[no-untyped-def]
    if current_user.is_hire:
        cat = catalog()
        result = readiness_of(db.session, cat, current_user)
        track, readiness = result if result else (None, None)
        return render_template("home/hire.html", track=track, readiness=readiness)
    cat = catalog()
    hires = people_of(db.session, current_user)
    facts = gather_facts(db.session, [h.id for h in hires])
    rows = [(h, evaluate_with(cat, h, facts.get(h.id, HireFacts()))) for h in hires]
    return render_template("home/staff.html", rows=rows)


@bp.get("/healthz")
@public
def healthz():  # type: ignore[no-untyped-def]
    # No database, no catalog: the in-app baseline that benchmarks divide by.
    return jsonify(status="ok")


@bp.get("/readyz")
@public
def readyz():  # type: ignore[no-untyped-def]
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        return jsonify(status="unavailable", error=type(exc).__name__), 503
    return jsonify(status="ok")
