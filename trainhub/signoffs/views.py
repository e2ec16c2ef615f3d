"""A hire's page for the people who look after them: every role-play answer with its review,
and the practical steps to sign off or revoke.

The URLs stay under ``/reviews/hires/`` (the mentor's queue links there). Who may do what is
in permissions.py: the hire's mentor, manager and admins see the page; the mentor, manager and
admins sign off; nobody signs off their own work.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ..access import authorize, requires
from ..auth.lookup import hire_or_404, load_with_owner
from ..auth.models import User
from ..catalog.tracks import Track, TrackStep
from ..content import read_catalog
from ..db import utcnow
from ..extensions import db
from ..permissions import (
    can_claim_review,
    can_decide_signoff_request,
    can_reassign_review,
    can_request_signoff,
    can_sign_off,
    can_view_hire,
    is_signed_in,
    is_staff,
)
from ..roleplays import service as answers
from ..roleplays.forms import ReassignForm
from ..roleplays.pools import active_mentors, pool_of, reassign_choices
from ..roleplays.uploads import (
    UploadError,
    clean_name,
    download_response,
    store_upload,
    stored_path,
)
from . import service
from .forms import ApproveRequestForm, DeclineRequestForm, RequestForm, RevokeForm, SignOffForm
from .models import SignOffRequest

bp = Blueprint("signoffs", __name__, url_prefix="/reviews/hires")
# The hire's side of sign-offs: asking for one, and the evidence file.
requests_bp = Blueprint("signoff_requests", __name__, url_prefix="/signoffs")


def _render_hire(
    hire: User, bound: dict[str, Any] | None = None, status: int = 200
) -> ResponseReturnValue:
    cat = read_catalog()
    track = cat.track_of(hire)
    items = service.signoff_items(db.session, hire, track) if track else []
    forms: dict[str, Any] = {}
    for item in items:
        key = item.step.slug
        if bound and key in bound:
            forms[key] = bound[key]
        elif item.live is None:
            forms[key] = SignOffForm(prefix=key, formdata=None)
        else:
            forms[key] = RevokeForm(prefix=key, formdata=None)
    histories = answers.histories(db.session, hire.id)
    requests = service.latest_requests(db.session, hire.id)
    decide_forms: dict[int, tuple[Any, Any]] = {}
    for req in requests.values():
        if req.status == "open":
            given = (bound or {}).get(f"request-{req.id}")
            decide_forms[req.id] = given or (
                ApproveRequestForm(prefix=f"approve-{req.id}", formdata=None),
                DeclineRequestForm(prefix=f"decline-{req.id}", formdata=None),
            )
    assign_forms: dict[int, ReassignForm] = {}
    if can_reassign_review(current_user, hire):
        pool = pool_of(db.session, hire.manager_id)
        choices = reassign_choices(hire, pool, active_mentors(db.session))
        for versions in histories.values():
            newest = versions[-1].submission
            if newest.status == "submitted":
                assign_forms[newest.id] = ReassignForm(
                    prefix=f"assign-{newest.id}",
                    formdata=None,
                    mentors=choices,
                    data={"mentor": newest.claimed_by_id or hire.mentor_id},
                )
    return render_template(
        "signoffs/hire.html",
        requests=requests,
        decide_forms=decide_forms,
        assign_forms=assign_forms,
        now=utcnow(),
        hire=hire,
        track=track,
        items=items,
        forms=forms,
        cases=cat.roleplays,
        histories=histories,
        may_sign=can_sign_off(current_user, hire),
        may_review=can_claim_review(current_user, hire, pool_of(db.session, hire.manager_id)),
    ), status


@bp.get("/<int:user_id>")
@requires(is_staff)
def hire(user_id: int) -> ResponseReturnValue:
    person = hire_or_404(user_id)
    authorize(can_view_hire(current_user, person))
    return _render_hire(person)


def _signoff_target(user_id: int, item_key: str) -> tuple[User, Track, TrackStep]:
    """The hire, their track and the sign-off item, once the actor may sign it off."""
    person = hire_or_404(user_id)
    authorize(can_sign_off(current_user, person))
    track = read_catalog().track_of(person)
    step = track.step("signoff", item_key) if track else None
    if track is None or step is None:
        abort(404)
    return person, track, step


def _change_signoff(
    person: User, item_key: str, form: SignOffForm | RevokeForm, change: Any, done: str, clash: str
) -> ResponseReturnValue:
    """Validate, apply one sign-off change, commit once; a lost race is a message, not a 500."""
    if not form.validate_on_submit():
        return _render_hire(person, {item_key: form}, 422)
    try:
        change(note=form.note.data or "", actor=current_user, now=utcnow())
        db.session.commit()
    except service.SignOffConflict:
        db.session.rollback()
        flash(clash, "warning")
    else:
        flash(done, "success")
    return redirect(url_for("signoffs.hire", user_id=person.id) + f"#signoff-{item_key}")


@bp.post("/<int:user_id>/signoffs/<item_key>")
@requires(is_staff)
def sign_off(user_id: int, item_key: str) -> ResponseReturnValue:
    person, track, step = _signoff_target(user_id, item_key)
    return _change_signoff(
        person,
        item_key,
        SignOffForm(prefix=item_key),
        functools.partial(service.sign_off_item, db.session, person, track, step),
        _("Signed off: %(title)s.", title=step.title or step.slug),
        _("This item is already signed off."),
    )


@bp.post("/<int:user_id>/signoffs/<item_key>/revoke")
@requires(is_staff)
def revoke(user_id: int, item_key: str) -> ResponseReturnValue:
    person, _track, _step = _signoff_target(user_id, item_key)
    return _change_signoff(
        person,
        item_key,
        RevokeForm(prefix=item_key),
        functools.partial(service.revoke_signoff, db.session, person, item_key),
        _("Sign-off revoked; the record is kept."),
        _("This item is not signed off (any more)."),
    )


# --- requests ----------------------------------------------------------------------------


def _own_step(item_key: str) -> tuple[Track, TrackStep]:
    track = read_catalog().track_of(current_user)
    step = track.step("signoff", item_key) if track else None
    if track is None or step is None:
        abort(404)
    return track, step


def _render_request(
    track: Track, step: TrackStep, form: RequestForm, status: int = 200
) -> ResponseReturnValue:
    items = service.signoff_items(db.session, current_user, track)
    item = next(i for i in items if i.step.slug == step.slug)
    latest = service.latest_requests(db.session, current_user.id).get(step.slug)
    return render_template(
        "signoffs/request.html", step=step, item=item, latest=latest, form=form
    ), status


@requests_bp.route("/<item_key>", methods=["GET", "POST"])
@requires(can_request_signoff)
def ask(item_key: str) -> ResponseReturnValue:
    track, step = _own_step(item_key)
    form = RequestForm()
    if not form.is_submitted():
        return _render_request(track, step, RequestForm(formdata=None))
    if not form.validate():
        return _render_request(track, step, form, 422)
    upload = form.evidence.data
    stored = None
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    if upload is not None and getattr(upload, "filename", None):
        try:
            stored = store_upload(upload.stream, folder, current_app.config["UPLOAD_MAX_BYTES"])
        except UploadError as exc:
            form.evidence.errors = [exc.message]
            return _render_request(track, step, form, 422)
    try:
        service.request_signoff(
            db.session,
            current_user,
            track,
            step,
            note=form.note.data or "",
            now=utcnow(),
            evidence=stored,
            evidence_name=clean_name(upload.filename) if stored else "",
        )
        db.session.commit()
    except service.RequestConflict:
        db.session.rollback()
        if stored is not None:
            stored_path(folder, stored.stored_name).unlink(missing_ok=True)
        flash(_("You have already asked; your mentor will answer."), "warning")
    else:
        flash(_("Asked. Your mentor will see it in their queue."), "success")
    return redirect(url_for("signoff_requests.ask", item_key=step.slug))


@requests_bp.get("/requests/<int:request_id>/evidence")
@requires(is_signed_in)
def evidence(request_id: int) -> ResponseReturnValue:
    found, owner = load_with_owner(SignOffRequest, request_id)
    authorize(can_view_hire(current_user, owner))
    if found.stored_name is None or found.content_type is None:
        abort(404)
    return download_response(
        Path(current_app.config["UPLOAD_FOLDER"]),
        found.stored_name,
        found.content_type,
        found.file_name or "",
    )


def _decide(request_id: int, approve: bool) -> ResponseReturnValue:
    found, person = load_with_owner(SignOffRequest, request_id)
    authorize(can_decide_signoff_request(current_user, person))
    track = read_catalog().track_of(person)
    step = track.step("signoff", found.item_key) if track else None
    if track is None or step is None:
        abort(404)
    approve_form = ApproveRequestForm(prefix=f"approve-{found.id}")
    decline_form = DeclineRequestForm(prefix=f"decline-{found.id}")
    if approve:
        approve_form.validate_on_submit()
        decline_form = DeclineRequestForm(prefix=f"decline-{found.id}", formdata=None)
        form: Any = approve_form
        note = approve_form.note.data or ""
    else:
        decline_form.validate_on_submit()
        approve_form = ApproveRequestForm(prefix=f"approve-{found.id}", formdata=None)
        form = decline_form
        note = decline_form.reason.data or ""
    if form.errors or not form.is_submitted():
        return _render_hire(person, {f"request-{found.id}": (approve_form, decline_form)}, 422)
    try:
        service.decide_signoff_request(
            db.session,
            found,
            person,
            track,
            step,
            approve=approve,
            note=note,
            actor=current_user,
            now=utcnow(),
        )
        db.session.commit()
    except service.RequestConflict:
        db.session.rollback()
        flash(_("This request was already answered."), "warning")
    else:
        flash(
            _("Signed off: %(title)s.", title=step.title or step.slug)
            if approve
            else _("Declined; %(name)s sees your reason.", name=person.name),
            "success",
        )
    return redirect(url_for("signoffs.hire", user_id=person.id) + f"#signoff-{step.slug}")


@requests_bp.post("/requests/<int:request_id>/approve")
@requires(is_staff)
def approve(request_id: int) -> ResponseReturnValue:
    return _decide(request_id, approve=True)


@requests_bp.post("/requests/<int:request_id>/decline")
@requires(is_staff)
def decline(request_id: int) -> ResponseReturnValue:
    return _decide(request_id, approve=False)
