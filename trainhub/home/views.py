"""``/``: each person's home, and the health endpoints."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..access import public, requires
from ..auth.scope import hires_of
from ..clock import counts_weekends, today
from ..content import read_catalog
from ..db import utcnow
from ..extensions import db
from ..permissions import is_hire, is_mentor, is_signed_in
from ..reviews.sla import overdue_before, service_level
from ..signoffs.service import latest_requests, open_requests_for
from ..team.changes import changes_by_step, changes_of
from ..team.counts import summary as team_summary
from ..team.pages import attention_rows, first_rows, listing, waiting_rows
from ..team.service import TeamFilters, hire_steps_in_order, row_of, waiting_reviews
from . import health

bp = Blueprint("home", __name__)

HOME_ATTENTION_ROWS = 10
# A mentor has a handful of hires; the cap only keeps a demo with 1,000 of them light.
HOME_MENTOR_ROWS = 100


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
            changes=changes_by_step(changes_of(db.session, cat, current_user, row.readiness)),
            signoff_requests=latest_requests(db.session, current_user.id),
        )
    # A mentor sees each of their hires; a manager or admin, the team's numbers and the
    # hires that need attention first (the dashboard has the rest). Each list is read a
    # page at a time from the kept readiness.
    found = listing(
        cat, hires_of(current_user), TeamFilters(), today(), count_weekends=counts_weekends()
    )
    cutoff = overdue_before(utcnow(), service_level(current_app.config))
    summary, _everyone, overdue = team_summary(db.session, found, overdue_cutoff=cutoff)
    waiting = waiting_reviews(waiting_rows(db.session, cat, found, HOME_ATTENTION_ROWS))
    return render_template(
        "home/staff.html",
        overdue_hires=overdue,
        rows=first_rows(db.session, cat, found, HOME_MENTOR_ROWS)
        if is_mentor(current_user)
        else attention_rows(db.session, cat, found, HOME_ATTENTION_ROWS),
        summary=summary,
        waiting=waiting[:HOME_ATTENTION_ROWS],
        waiting_total=summary.waiting_reviews,
        # Sign-off requests are not reviews the kept readiness counts: the mentor's home
        # lists them beside the reviews, as the queue does.
        requests=open_requests_for(db.session, current_user) if is_mentor(current_user) else [],
        tracks=cat,
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
