"""``/team``: the readiness dashboard, one hire's picture, the CSV, the certificate, and
clearing a ready hire for clients."""

from __future__ import annotations

import math
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ..access import authorize, requires
from ..auth.lookup import hire_or_404
from ..auth.models import User
from ..content import catalog
from ..db import utcnow
from ..extensions import db
from ..permissions import can_clear_for_clients, can_view_hire, can_view_team, is_staff
from . import charts
from .export import csv_text
from .forms import SORT_LABELS, ClearForm, FilterForm
from .service import HireRow, NotReadyError, clear_for_clients, row_of, rows_of, select_rows
from .service import summarize as summarize_rows
from .timeline import timeline_of

bp = Blueprint("team", __name__, url_prefix="/team")

PAGE_SIZE = 50
FILTER_ARGS = ("track", "mentor", "status", "month", "sort", "order")


def _filtered() -> tuple[FilterForm, list[HireRow], list[HireRow]]:
    """The viewer's rows, the filter form read from the query string, and the rows it keeps."""
    cat = catalog()
    rows = rows_of(db.session, cat, current_user, date.today())
    form = FilterForm(request.args)
    form.fill_choices([(t.role, t.title) for t in cat.tracks.values()], rows)
    form.validate()
    return form, rows, select_rows(rows, form.filters())


def _filter_args(form: FilterForm) -> dict[str, str]:
    return {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}


@bp.get("/")
@requires(can_view_team)
def dashboard() -> ResponseReturnValue:
    form, everyone, chosen = _filtered()
    pages = max(1, math.ceil(len(chosen) / PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    status = 422 if form.errors else 200
    return render_template(
        "team/dashboard.html",
        form=form,
        rows=chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        matched=len(chosen),
        total=len(everyone),
        page=page,
        pages=pages,
        args=_filter_args(form),
        summary=summarize_rows(chosen),
        funnels=charts.funnels(chosen),
        days=charts.days_to_ready(chosen),
        sort_labels=SORT_LABELS,
    ), status


@bp.get("/export.csv")
@requires(can_view_team)
def export_csv() -> ResponseReturnValue:
    form, _everyone, chosen = _filtered()
    if form.errors:
        problems = "; ".join(f"{name}: {', '.join(errs)}" for name, errs in form.errors.items())
        return Response(problems, status=422, mimetype="text/plain")
    # A BOM so spreadsheet programs read the names as UTF-8.
    body = "\ufeff" + csv_text(chosen)
    filename = f"team-readiness-{date.today():%Y-%m-%d}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _load_hire(user_id: int) -> User:
    hire = hire_or_404(user_id)
    authorize(can_view_hire(current_user, hire))
    return hire


def _render_hire(hire: User, form: ClearForm, status: int = 200) -> ResponseReturnValue:
    cat = catalog()
    row = row_of(db.session, cat, hire, date.today())
    return render_template(
        "team/hire.html",
        hire=hire,
        row=row,
        track=cat.track_of(hire),
        timeline=timeline_of(db.session, cat, hire),
        form=form,
        can_clear=can_clear_for_clients(current_user, hire),
    ), status


@bp.get("/<int:user_id>")
@requires(is_staff)
def hire(user_id: int) -> ResponseReturnValue:
    return _render_hire(_load_hire(user_id), ClearForm())


@bp.get("/<int:user_id>/certificate")
@requires(is_staff)
def certificate(user_id: int) -> ResponseReturnValue:
    person = _load_hire(user_id)
    cat = catalog()
    row = row_of(db.session, cat, person, date.today())
    if not row.is_ready:
        abort(404)
    return render_template(
        "team/certificate.html",
        hire=person,
        row=row,
        track=cat.track_of(person),
        issued_on=date.today(),
    )


@bp.post("/<int:user_id>/clear")
@requires(can_view_team)
def clear(user_id: int) -> ResponseReturnValue:
    person = hire_or_404(user_id)
    authorize(can_clear_for_clients(current_user, person))
    form = ClearForm()
    if not form.validate_on_submit():
        return _render_hire(person, form, 422)
    row = row_of(db.session, catalog(), person, date.today())
    try:
        is_new = clear_for_clients(
            db.session,
            person,
            row.readiness,
            actor=current_user,
            now=utcnow(),
            note=(form.note.data or "").strip(),
        )
    except NotReadyError:
        flash(_("%(name)s is not ready yet, so they cannot be cleared.", name=person.name), "error")
        return redirect(url_for("team.hire", user_id=person.id))
    db.session.commit()
    if is_new:
        flash(_("%(name)s is cleared for clients.", name=person.name), "success")
    else:
        flash(_("%(name)s was already cleared for clients.", name=person.name), "info")
    if form.back.data == "dashboard":
        return redirect(url_for("team.dashboard"))
    return redirect(url_for("team.hire", user_id=person.id))
