"""``/reviews/``: the mentor's queue and the review form (a hire's page with their answers
and sign-offs is ``signoffs``; its URLs sit under ``/reviews/hires/``).

Who may do what (see permissions.py): mentors review their own hires' work and admins
anyone's; managers see their hires' answers and reviews on the hire page and may sign off
practical items, but do not score answers (the rubric is the mentor's job). Nobody reviews
or signs off their own work.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ..access import authorize, requires
from ..auth.lookup import load_with_owner
from ..auth.models import User
from ..auth.scope import people_of
from ..catalog.roleplays import RoleplayCase
from ..catalog.tracks import step_threshold
from ..content import catalog
from ..db import utcnow
from ..extensions import db
from ..permissions import can_review, can_review_work_of
from ..roleplays import service as answers
from ..roleplays.decisions import AlreadyDecided, ReviewRefused, decide_submission
from ..roleplays.models import RoleplaySubmission
from ..templating import NAV_BADGES
from . import service
from .forms import review_form_for

bp = Blueprint("reviews", __name__, url_prefix="/reviews")


def review_queue_badge(user: User) -> dict[str, int]:
    if not can_review(user):
        return {}
    return {"reviews": service.queue_count(db.session, user)}


if review_queue_badge not in NAV_BADGES:
    NAV_BADGES.append(review_queue_badge)


@bp.get("/")
@requires(can_review)
def queue() -> ResponseReturnValue:
    cases = catalog().roleplays
    items = service.queue_for(db.session, current_user)
    hires = people_of(db.session, current_user)
    return render_template(
        "reviews/queue.html", items=items, cases=cases, hires=hires, now=utcnow()
    )


def _submission_and_hire(submission_id: int) -> tuple[RoleplaySubmission, User]:
    return load_with_owner(RoleplaySubmission, submission_id)


def _required_score(hire: User, case: RoleplayCase) -> float:
    """The score approval needs: the case's passing score, or what the hire's track step
    needs (``step_threshold``) when higher. An approval below the step's figure could never
    complete the step, and one below the case's own is refused whatever the track says."""
    track = catalog().track_of(hire)
    step = track.step("roleplay", case.slug) if track else None
    if step is None:
        return case.passing_score
    return max(case.passing_score, step_threshold(step, case))


def _render_review(
    submission: RoleplaySubmission,
    hire: User,
    case: RoleplayCase | None,
    form: Any,
    status: int = 200,
) -> ResponseReturnValue:
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
def review(submission_id: int) -> ResponseReturnValue:
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
        review_ = decide_submission(
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
    except ReviewRefused as exc:
        db.session.rollback()
        form.decision.errors = [*form.decision.errors, _(str(exc))]
        return _render_review(submission, hire, case, form, 422)
    except AlreadyDecided:
        db.session.rollback()
        db.session.expire_all()
        flash(_("Another reviewer decided this version first; their decision stands."), "warning")
        return _render_review(submission, hire, case, form, 409)
    if review_.decision == "approved":
        flash(_("Approved. %(name)s has been told.", name=hire.name), "success")
    else:
        flash(_("Sent back with your coaching. %(name)s has been told.", name=hire.name), "success")
    return redirect(url_for("reviews.queue"))
