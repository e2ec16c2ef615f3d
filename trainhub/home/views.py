"""``/``: each person's home, and the health endpoints."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..access import public, requires
from ..clock import counts_weekends, today
from ..content import read_catalog
from ..db import utcnow
from ..extensions import db
from ..permissions import is_hire, is_mentor, is_signed_in
from ..reviews.sla import overdue_before, service_level
from ..signoffs.service import latest_requests
from ..team.service import (
    hire_steps_in_order,
    needs_attention,
    row_of,
    rows_of,
    summarize,
    waiting_reviews,
)
from . import health

bp = Blueprint("home", __name__)

ATTENTION_ROWS = 10
# A mentor has a handful of hires; the cap only keeps a demo with 1,000 of them light.
MENTOR_ROWS = 100


@bp.get("/")
@requires(is_signed_in)
def index() -> ResponseReturnValue:
    cat = read_catalog()
    if is_hire(current_user):
        track = cat.track_of(current_user)
        row = row_of(db.session, cat, current_user, today(), count_weekends=counts_weekends())
        return render_template(
            "home/hire.html",
            track=track,
            row=row,
            readiness=row.readiness if track else None,
            steps=hire_steps_in_order(row),
            signoff_requests=latest_requests(db.session, current_user.id),
        )
    rows = rows_of(db.session, cat, current_user, today(), count_weekends=counts_weekends())
    # A mentor sees each of their hires; a manager or admin, the team's numbers and the
    # hires that need attention first (the dashboard has the rest).
    waiting = waiting_reviews(rows)
    cutoff = overdue_before(utcnow(), service_level(current_app.config))
    return render_template(
        "home/staff.html",
        overdue_hires=sum(
            1 for r in rows if r.waiting_since is not None and r.waiting_since < cutoff
        ),
        rows=rows[:MENTOR_ROWS]
        if is_mentor(current_user)
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
    """200 when this host can serve: the database answers at the code's schema, and the
    uploads folder is writable and the shared one. 503 with the reasons otherwise."""
    found = health.problems(
        db.session,
        Path(current_app.config["UPLOAD_FOLDER"]),
        current_app.extensions["migrate"].directory,
    )
    if found:
        return jsonify(status="unavailable", problems=found), 503
    return jsonify(status="ok")
