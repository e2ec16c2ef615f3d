"""``/team``: the readiness dashboard, one hire's picture, the CSV, the certificate, and
clearing a ready hire for clients."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import nullcontext
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..access import authorize, requires
from ..auth.lookup import hire_or_404
from ..auth.models import User
from ..auth.scope import hires_of
from ..clock import company_zone, counts_weekends, today
from ..content import catalog, read_catalog, reader_language
from ..db import utcnow
from ..extensions import db
from ..forms import Form
from ..language import LANGUAGES
from ..permissions import (
    can_clear_for_clients,
    can_decide_content_change,
    can_manage_review_pool,
    can_schedule_hire,
    can_view_hire,
    can_view_team,
    is_signed_in,
    is_staff,
)
from ..roleplays.pools import active_mentors, pool_members, set_pool
from ..schedule.service import (
    ScheduleError,
    current_pause,
    move_start,
    pause_hire,
    pause_rows,
    resume_hire,
    schedule_history,
)
from . import changes as stale_changes
from . import counts, pages
from .export import csv_lines, header
from .forms import (
    SORT_LABELS,
    ClearForm,
    DecideForm,
    FilterForm,
    MoveStartForm,
    PauseForm,
    PoolForm,
    ResumeForm,
)
from .service import HireRow, NotReadyError, clear_for_clients, row_of
from .timeline import due_against_done, timeline_of

bp = Blueprint("team", __name__, url_prefix="/team")

PAGE_SIZE = 50
FILTER_ARGS = ("q", "track", "mentor", "status", "month", "sort", "order")


def _listing() -> tuple[FilterForm, pages.Listing]:
    """The filter form read from the query string, and what it asks of the kept rows."""
    cat = read_catalog()
    scope = hires_of(current_user)
    mentors, start_range = counts.filter_choices(db.session, scope)
    form = FilterForm(request.args)
    # A track not yet translated is named in the original, marked with its language.
    reader = reader_language()
    tracks = [
        (t.role, t.title, cat.language_of(t) if cat.is_untranslated(t, reader) else None)
        for t in cat.tracks.values()
    ]
    form.fill_choices(tracks, mentors, start_range)
    form.validate()
    found = pages.listing(cat, scope, form.filters(), today(), count_weekends=counts_weekends())
    return form, found


def _filter_args(form: FilterForm) -> dict[str, str]:
    return {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}


def _page_size() -> int:
    return int(current_app.config.get("TEAM_PAGE_SIZE", PAGE_SIZE))


@bp.get("/")
@requires(can_view_team)
def dashboard() -> ResponseReturnValue:
    cat = read_catalog()
    form, found = _listing()
    summary, everyone, _late = counts.summary(db.session, found)
    size = _page_size()
    pages_n = max(1, math.ceil(summary.total / size))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages_n)
    status = 422 if form.errors else 200
    funnels, days = counts.charts_of(db.session, cat, found)
    return render_template(
        "team/dashboard.html",
        form=form,
        rows=pages.page_rows(db.session, cat, found, offset=(page - 1) * size, limit=size),
        matched=summary.total,
        total=everyone,
        page=page,
        pages=pages_n,
        args=_filter_args(form),
        summary=summary,
        funnels=funnels,
        days=days,
        sort_labels=SORT_LABELS,
    ), status


@bp.get("/export.csv")
@requires(can_view_team)
def export_csv() -> ResponseReturnValue:
    form, found = _listing()
    if form.errors:
        # Messages may be lazy strings (the forms' own checks): join them as text.
        problems = "; ".join(
            f"{name}: {', '.join(str(e) for e in errs)}" for name, errs in form.errors.items()
        )
        return Response(problems, status=422, mimetype="text/plain")
    wanted = request.args.get("lang", "")
    language = wanted if wanted in LANGUAGES else str(get_locale() or "en")
    with force_locale(language):
        head = header(language)
    # The titles in the CSV's language; English keeps the codes and slugs integrations read.
    zone = company_zone()
    rows = pages.stream_rows(
        db.session, read_catalog(language), found, now=utcnow(), count_weekends=counts_weekends()
    )

    def body() -> Iterator[str]:
        # A BOM so spreadsheet programs read the names as UTF-8.
        yield "\ufeff"
        # Forced only for another language than the page's: Flask-Babel looks the catalog up
        # on every call inside ``force_locale``, and a worded CSV asks it for every row.
        forced = force_locale(language) if language != str(get_locale()) else nullcontext()
        with forced:
            yield from csv_lines(rows, head, worded=None if language == "en" else zone)

    filename = f"team-readiness-{today():%Y-%m-%d}.csv"
    return Response(
        stream_with_context(body()),
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


def _row(hire: User) -> HireRow:
    return row_of(db.session, read_catalog(), hire, today(), count_weekends=counts_weekends())


def _schedule_forms(hire: User) -> dict[str, Form]:
    # Prefilled for the usual case: a new start near the old one, a pause from today.
    return {
        "move_form": MoveStartForm(formdata=None, started_on=hire.started_on),
        "pause_form": PauseForm(formdata=None, starts_on=today()),
        "resume_form": ResumeForm(formdata=None, resumes_on=today()),
    }


def _render_hire(
    hire: User, form: ClearForm | None = None, status: int = 200, **forms: Form
) -> ResponseReturnValue:
    cat = read_catalog()
    row = _row(hire)
    can_schedule = can_schedule_hire(current_user, hire)
    schedule: dict[str, Any] = {}
    if can_schedule:
        schedule = {**_schedule_forms(hire), **forms}
    return render_template(
        "team/hire.html",
        hire=hire,
        row=row,
        track=cat.track_of(hire),
        timeline=timeline_of(db.session, cat, hire),
        changes=stale_changes.changes_by_step(
            stale_changes.changes_of(db.session, cat, hire, row.readiness)
        ),
        can_decide=can_decide_content_change(current_user, hire),
        plan=due_against_done(row, company_zone()),
        form=form or ClearForm(),
        can_clear=can_clear_for_clients(current_user, hire),
        can_schedule=can_schedule,
        pauses=pause_rows(db.session, hire),
        paused_now=current_pause(db.session, hire, today()),
        history=schedule_history(db.session, hire),
        **schedule,
    ), status


@bp.get("/<int:user_id>")
@requires(is_staff)
def hire(user_id: int) -> ResponseReturnValue:
    return _render_hire(_load_hire(user_id))


@bp.get("/<int:user_id>/certificate")
@requires(is_signed_in)
def certificate(user_id: int) -> ResponseReturnValue:
    """The readiness certificate: the hire's own, or a hire's for their mentor, manager or an
    admin (``can_view_hire``). It is issued once a manager has cleared the hire for clients:
    finishing the steps makes a hire *ready*, but the certificate says they may meet
    clients, which is the manager's call; before it there is no certificate (404)."""
    person = _load_hire(user_id)
    cat = read_catalog()
    row = _row(person)
    if row.cleared_at is None:
        abort(404)
    return render_template(
        "team/certificate.html",
        hire=person,
        row=row,
        track=cat.track_of(person),
        issued_on=today(),
    )


@bp.post("/<int:user_id>/clear")
@requires(can_view_team)
def clear(user_id: int) -> ResponseReturnValue:
    person = hire_or_404(user_id)
    authorize(can_clear_for_clients(current_user, person))
    form = ClearForm()
    if not form.validate_on_submit():
        return _render_hire(person, form, 422)
    row = _row(person)
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


# --- work done against content that changed since: ask to redo, or minor -----------------


def _decide(user_id: int, verdict: str) -> ResponseReturnValue:
    person = hire_or_404(user_id)
    authorize(can_decide_content_change(current_user, person))
    form = DecideForm()
    if not form.validate_on_submit():
        abort(400)
    cat = catalog()
    # Judged afresh in the write transaction: a second click finds the item decided.
    row = _row(person)
    try:
        decided = stale_changes.decide(
            db.session,
            cat,
            person,
            row.readiness,
            kind=form.kind.data or "",
            item=form.item.data or "",
            verdict=verdict,
            actor=current_user,
            now=utcnow(),
        )
    except stale_changes.NotChanged:
        db.session.rollback()
        flash(_("This change was already decided."), "info")
        return redirect(url_for("team.hire", user_id=person.id))
    db.session.commit()
    title = decided.change.title
    if not decided.is_new:
        flash(_("This change was already decided."), "info")
    elif verdict == "redo":
        flash(_("%(name)s is asked to redo “%(item)s”.", name=person.name, item=title), "success")
    else:
        flash(_("The change to “%(item)s” is marked as minor.", item=title), "success")
    return redirect(url_for("team.hire", user_id=person.id))


@bp.post("/<int:user_id>/changes/redo")
@requires(is_staff)
def ask_redo(user_id: int) -> ResponseReturnValue:
    return _decide(user_id, "redo")


@bp.post("/<int:user_id>/changes/minor")
@requires(is_staff)
def mark_minor(user_id: int) -> ResponseReturnValue:
    return _decide(user_id, "minor")


# --- the hire's schedule: move the start, pause, resume -----------------------------------


def _load_schedulable(user_id: int) -> User:
    person = hire_or_404(user_id)
    authorize(can_schedule_hire(current_user, person))
    return person


def _refused(person: User, form: Form, error: ScheduleError, name: str) -> ResponseReturnValue:
    """The hire page again, with the service's reason next to the field it is about."""
    db.session.rollback()
    field = form._fields.get(error.field) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
    return _render_hire(person, None, 422, **{name: form})


@bp.post("/<int:user_id>/schedule/start")
@requires(can_view_team)
def move_start_date(user_id: int) -> ResponseReturnValue:
    person = _load_schedulable(user_id)
    form = MoveStartForm()
    if not form.validate_on_submit() or form.started_on.data is None:
        return _render_hire(person, None, 422, move_form=form)
    try:
        move_start(
            db.session,
            person,
            form.started_on.data,
            form.reason.data or "",
            actor=current_user,
            now=utcnow(),
        )
    except ScheduleError as error:
        return _refused(person, form, error, "move_form")
    db.session.commit()
    flash(_("Start date moved. Due dates follow it; nothing done is changed."), "success")
    return redirect(url_for("team.hire", user_id=person.id))


@bp.post("/<int:user_id>/schedule/pause")
@requires(can_view_team)
def pause(user_id: int) -> ResponseReturnValue:
    person = _load_schedulable(user_id)
    form = PauseForm()
    if not form.validate_on_submit() or form.starts_on.data is None:
        return _render_hire(person, None, 422, pause_form=form)
    try:
        pause_hire(
            db.session,
            person,
            form.starts_on.data,
            form.resumes_on.data,
            form.reason.data or "",
            actor=current_user,
            now=utcnow(),
        )
    except ScheduleError as error:
        return _refused(person, form, error, "pause_form")
    db.session.commit()
    flash(_("Onboarding paused. Paused days do not count toward due dates."), "success")
    return redirect(url_for("team.hire", user_id=person.id))


@bp.post("/<int:user_id>/schedule/resume")
@requires(can_view_team)
def resume(user_id: int) -> ResponseReturnValue:
    person = _load_schedulable(user_id)
    form = ResumeForm()
    if not form.validate_on_submit() or form.resumes_on.data is None:
        return _render_hire(person, None, 422, resume_form=form)
    try:
        resume_hire(
            db.session,
            person,
            form.resumes_on.data,
            form.reason.data or "",
            today=today(),
            actor=current_user,
            now=utcnow(),
        )
    except ScheduleError as error:
        return _refused(person, form, error, "resume_form")
    db.session.commit()
    flash(_("Onboarding resumes. Due dates follow."), "success")
    return redirect(url_for("team.hire", user_id=person.id))


@bp.route("/pool", methods=["GET", "POST"])
@requires(can_manage_review_pool)
def pool() -> ResponseReturnValue:
    """A manager names the mentors who cover their hires' answers (their review pool)."""
    mentors = active_mentors(db.session)
    form = PoolForm()
    form.mentors.choices = [(m.id, m.name) for m in mentors]
    if not form.is_submitted():
        form.mentors.data = [m.id for m in pool_members(db.session, current_user.id)]
    elif form.validate():
        set_pool(
            db.session, current_user, set(form.mentors.data or []), actor=current_user, now=utcnow()
        )
        db.session.commit()
        flash(_("Review pool saved."), "success")
        return redirect(url_for("team.pool"))
    status = 422 if form.errors else 200
    return render_template("team/pool.html", form=form, has_mentors=bool(mentors)), status
