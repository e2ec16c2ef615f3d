"""``/reviews/``: the mentor's queue, the review form, a hire's page with their sign-offs.

Who may do what (see permissions.py): mentors review their own hires' work and admins
anyone's; managers see their hires' answers and reviews on the hire page and may sign off
practical items, but do not score answers (the rubric is the mentor's job). Nobody reviews
or signs off their own work.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import authorize, load_with_owner, requires
from ..auth.models import User
from ..catalog.roleplays import RoleplayCase
from ..catalog.tracks import Track, TrackStep
from ..content import catalog
from ..db import utcnow
from ..extensions import db
from ..notices import reviewed_mail, send_mail
from ..permissions import can_review, can_review_work_of, can_sign_off, can_view_hire, is_staff
from ..readiness.service import people_of
from ..roleplays import service as answers
from ..roleplays.models import RoleplaySubmission
from ..roleplays.views import absolute_url
from ..templating import NAV_BADGES
from . import service
from .forms import RevokeForm, SignOffForm, review_form_for

bp = Blueprint("reviews", __name__, url_prefix="/reviews")


def review_queue_badge(user: User) -> dict[str, int]:
    if not can_review(user):
        return {}
    return {"reviews": service.queue_count(db.session, user)}


if review_queue_badge not in NAV_BADGES:
    NAV_BADGES.append(review_queue_badge)


@bp.get("/")
@requires(can_review)
def queue():  # type: ignore[no-untyped-def]
    cases = catalog().roleplays
    items = service.queue_for(db.session, current_user)
    hires = people_of(db.session, current_user)
    return render_template(
        "reviews/queue.html", items=items, cases=cases, hires=hires, now=utcnow()
    )


def _submission_and_hire(submission_id: int) -> tuple[RoleplaySubmission, User]:
    return load_with_owner(RoleplaySubmission, submission_id)


def _required_score(hire: User, case: RoleplayCase) -> float:
    """The score approval needs: the case's passing score or the hire's track minimum."""
    track = catalog().tracks.get(hire.track or "")
    step = track.step("roleplay", case.slug) if track else None
    minimum = step.min_score if step is not None and step.min_score is not None else 0.0
    return max(case.passing_score, minimum)


def _render_review(
    submission: RoleplaySubmission,
    hire: User,
    case: RoleplayCase | None,
    form: Any,
    status: int = 200,
):  # type: ignore[no-untyped-def]
    versions = answers.history(db.session, hire.id, submission.case_slug)
    this = next((v for v in versions if v.submission.id == submission.id), None)
    return render_template(
        "reviews/review.html",
        submission=submission,
        hire=hire,
        case=case,
        form=form,
        this=this,
        earlier=[v for v in versions if v.submission.version < submission.version],
        later=[v for v in versions if v.submission.version > submission.version],
        is_outdated=case is not None and case.content_hash != submission.case_hash,
        required_score=_required_score(hire, case) if case is not None else None,
    ), status


@bp.route("/<int:submission_id>", methods=["GET", "POST"])
@requires(can_review)
def review(submission_id: int):  # type: ignore[no-untyped-def]
    submission, hire = _submission_and_hire(submission_id)
    authorize(can_review_work_of(current_user, hire))
    if submission.status == "draft":
        abort(404)  # a draft is the hire's private work in progress
    case = catalog().roleplays.get(submission.case_slug)
    form = review_form_for(case) if case is not None else None
    if form is None or not form.is_submitted():
        return _render_review(submission, hire, case, form)
    if submission.status != "submitted":
        flash(_("This version was already decided; nothing was changed."), "warning")
        return _render_review(submission, hire, case, form, 409)
    if not form.validate():
        return _render_review(submission, hire, case, form, 422)
    assert case is not None
    try:
        review_ = service.decide_submission(
            db.session,
            submission,
            case,
            levels=form.levels(case),
            comments=form.comments(case),
            comment=form.comment.data or "",
            decision=form.decision.data or "",
            actor=current_user,
            now=utcnow(),
            required_score=_required_score(hire, case),
        )
        db.session.commit()
    except service.ReviewRefused as exc:
        db.session.rollback()
        form.decision.errors = [*form.decision.errors, _(str(exc))]
        return _render_review(submission, hire, case, form, 422)
    except service.AlreadyDecided:
        db.session.rollback()
        db.session.expire_all()
        flash(_("Another reviewer decided this version first; their decision stands."), "warning")
        return _render_review(submission, hire, case, form, 409)
    if review_.decision == "approved":
        flash(_("Approved. %(name)s has been told.", name=hire.name), "success")
    else:
        flash(_("Sent back with your coaching. %(name)s has been told.", name=hire.name), "success")
    send_mail(
        current_app.config,
        reviewed_mail(
            hire.email,
            case.title,
            review_.decision,
            review_.score,
            review_.passing_score,
            absolute_url("roleplays.case", case_slug=case.slug),
        ),
    )
    return redirect(url_for("reviews.queue"))


# --- a hire's page: answers and sign-offs ---------------------------------------------


def _hire_or_404(user_id: int) -> User:
    hire = db.session.get(User, user_id)
    if hire is None or not hire.is_hire:
        abort(404)
    return hire


def _track_of(hire: User) -> Track | None:
    return catalog().tracks.get(hire.track or "")


def _render_hire(hire: User, bound: dict[str, Any] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    cat = catalog()
    track = _track_of(hire)
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
    return render_template(
        "reviews/hire.html",
        hire=hire,
        track=track,
        items=items,
        forms=forms,
        cases=cat.roleplays,
        histories=histories,
        may_sign=can_sign_off(current_user, hire),
        may_review=can_review_work_of(current_user, hire),
    ), status


@bp.get("/hires/<int:user_id>")
@requires(is_staff)
def hire(user_id: int):  # type: ignore[no-untyped-def]
    person = _hire_or_404(user_id)
    authorize(can_view_hire(current_user, person))
    return _render_hire(person)


def _signoff_target(user_id: int, item_key: str) -> tuple[User, Track, TrackStep]:
    """The hire, their track and the sign-off item, once the actor may sign it off."""
    person = _hire_or_404(user_id)
    authorize(can_sign_off(current_user, person))
    track = _track_of(person)
    step = track.step("signoff", item_key) if track else None
    if track is None or step is None:
        abort(404)
    return person, track, step


def _change_signoff(
    person: User, item_key: str, form: SignOffForm | RevokeForm, change: Any, done: str, clash: str
):  # type: ignore[no-untyped-def]
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
    return redirect(url_for("reviews.hire", user_id=person.id) + f"#signoff-{item_key}")


@bp.post("/hires/<int:user_id>/signoffs/<item_key>")
@requires(is_staff)
def sign_off(user_id: int, item_key: str):  # type: ignore[no-untyped-def]
    person, track, step = _signoff_target(user_id, item_key)
    return _change_signoff(
        person,
        item_key,
        SignOffForm(prefix=item_key),
        functools.partial(service.sign_off_item, db.session, person, track, step),
        _("Signed off: %(title)s.", title=step.title or step.slug),
        _("This item is already signed off."),
    )


@bp.post("/hires/<int:user_id>/signoffs/<item_key>/revoke")
@requires(is_staff)
def revoke(user_id: int, item_key: str):  # type: ignore[no-untyped-def]
    person, _track, _step = _signoff_target(user_id, item_key)
    return _change_signoff(
        person,
        item_key,
        RevokeForm(prefix=item_key),
        functools.partial(service.revoke_signoff, db.session, person, item_key),
        _("Sign-off revoked; the record is kept."),
        _("This item is not signed off (any more)."),
    )
