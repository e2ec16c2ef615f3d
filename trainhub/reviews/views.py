"""``/reviews/``: the mentor's queue and the review form (a hire's page with their answers
and sign-offs is ``signoffs``; its URLs sit under ``/reviews/hires/``).

Who may do what (see permissions.py): mentors review their own hires' work and admins
anyone's; managers see their hires' answers and reviews on the hire page and may sign off
practical items, but do not score answers (the rubric is the mentor's job). Nobody reviews
or signs off their own work.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from ..access import authorize, requires
from ..auth.lookup import load_with_owner
from ..auth.models import User
from ..auth.scope import people_of
from ..catalog.roleplays import RoleplayCase
from ..catalog.tracks import step_threshold
from ..catalog.versions import same_version
from ..content import read_catalog
from ..db import start_writing, utcnow
from ..extensions import db
from ..permissions import (
    can_claim_review,
    can_override_claim,
    can_reassign_review,
    can_review,
    is_staff,
)
from ..roleplays import claims
from ..roleplays import service as answers
from ..roleplays.decisions import (
    AlreadyDecided,
    ClaimedByOther,
    ReviewRefused,
    decide_submission,
)
from ..roleplays.forms import ReassignForm
from ..roleplays.models import RoleplaySubmission
from ..roleplays.pools import active_mentors, pool_of, reassign_choices
from ..signoffs.service import open_requests_for
from ..templating import NAV_BADGES
from . import service
from .forms import ClaimForm, review_form_for
from .sla import is_past_sla, overdue_before, service_level

bp = Blueprint("reviews", __name__, url_prefix="/reviews")


def review_queue_badge(user: User) -> dict[str, int]:
    if not can_review(user):
        return {}
    return {"reviews": service.queue_count(db.session, user)}


if review_queue_badge not in NAV_BADGES:
    NAV_BADGES.append(review_queue_badge)


def review_overdue(waiting_since: datetime | None) -> bool:
    """Template global: has work waiting since then passed the service level? The cutoff
    is computed once a request, so a dashboard of a thousand rows compares one instant."""
    if waiting_since is None:
        return False
    if "review_cutoff" not in g:
        g.review_cutoff = overdue_before(utcnow(), service_level(current_app.config))
    return bool(waiting_since < g.review_cutoff)


bp.add_app_template_global(review_overdue, "review_overdue")


def _lease() -> timedelta:
    return timedelta(hours=float(current_app.config["REVIEW_LEASE_HOURS"]))


@bp.get("/")
@requires(can_review)
def queue() -> ResponseReturnValue:
    now = utcnow()
    sla = service_level(current_app.config)
    found = service.review_queue(db.session, current_user, now=now, sla=sla)
    mine = found.section("mine")
    cases = read_catalog().roleplays
    sections = [(name, found.section(name)) for name in service.SECTIONS]
    # Answers whose case changed after they were handed in: scored against today's rubric.
    changed = {
        item.submission.id
        for _name, items in sections
        for item in items
        if (case := cases.get(item.submission.case_slug)) is not None
        and not same_version(item.submission.case_hash, case)
    }
    return render_template(
        "reviews/queue.html",
        queue=found,
        sections=sections,
        changed=changed,
        numbers=service.mentor_numbers(
            db.session, current_user, waiting=len(mine), now=now, sla=sla
        ),
        requests=open_requests_for(db.session, current_user),
        cases=cases,
        tracks=read_catalog(),
        hires=people_of(db.session, current_user),
        now=now,
        sla_hours=sla.hours,
    )


def _submission_and_hire(submission_id: int) -> tuple[RoleplaySubmission, User]:
    return load_with_owner(RoleplaySubmission, submission_id)


def _reviewable(submission_id: int) -> tuple[RoleplaySubmission, User]:
    """A non-draft submission and its hire, once the actor may review (claim) it."""
    submission, hire = _submission_and_hire(submission_id)
    authorize(can_claim_review(current_user, hire, pool_of(db.session, hire.manager_id)))
    if submission.status == "draft":
        abort(404)  # a draft is the hire's private work in progress
    return submission, hire


def _back(submission: RoleplaySubmission) -> ResponseReturnValue:
    return redirect(url_for("reviews.review", submission_id=submission.id))


@bp.post("/<int:submission_id>/claim")
@requires(can_review)
def claim(submission_id: int) -> ResponseReturnValue:
    submission, _hire = _reviewable(submission_id)
    if not ClaimForm().validate_on_submit():
        abort(400)
    now = utcnow()
    take = claims.take_over_claim if can_override_claim(current_user) else claims.claim_submission
    try:
        taken = take(db.session, submission, actor=current_user, now=now, lease=_lease())
        db.session.commit()
    except claims.ClaimTaken:
        db.session.rollback()
        flash(_("Another mentor claimed this answer first; it is theirs for now."), "warning")
        return _back(submission)
    flash(_("Claimed until %(until)s.", until=format_datetime(taken.until, "short")), "success")
    return _back(submission)


@bp.post("/<int:submission_id>/release")
@requires(can_review)
def release(submission_id: int) -> ResponseReturnValue:
    submission, _hire = _reviewable(submission_id)
    if not ClaimForm().validate_on_submit():
        abort(400)
    if claims.release_claim(db.session, submission, actor=current_user, now=utcnow()):
        db.session.commit()
        flash(_("Released: the answer is back in the queue."), "success")
    return redirect(url_for("reviews.queue"))


@bp.post("/<int:submission_id>/reassign")
@requires(is_staff)
def reassign(submission_id: int) -> ResponseReturnValue:
    submission, hire = _submission_and_hire(submission_id)
    authorize(can_reassign_review(current_user, hire))
    if submission.status != "submitted":
        flash(_("This version was already decided; nothing was changed."), "warning")
        return redirect(url_for("signoffs.hire", user_id=hire.id))
    pool = pool_of(db.session, hire.manager_id)
    form = ReassignForm(
        mentors=reassign_choices(hire, pool, active_mentors(db.session)),
        prefix=f"assign-{submission.id}",
    )
    if not form.validate_on_submit():
        for error in form.mentor.errors:
            flash(str(error), "error")
        return redirect(url_for("signoffs.hire", user_id=hire.id) + f"#answer-{submission.id}")
    mentor = db.session.get(User, form.mentor.data)
    assert mentor is not None  # a valid choice is an active mentor
    try:
        claims.reassign_submission(
            db.session, submission, mentor, actor=current_user, now=utcnow(), lease=_lease()
        )
        db.session.commit()
    except claims.ClaimTaken:
        db.session.rollback()
        flash(_("This version was already decided; nothing was changed."), "warning")
    else:
        flash(_("Assigned to %(name)s.", name=mentor.name), "success")
    return redirect(url_for("signoffs.hire", user_id=hire.id) + f"#answer-{submission.id}")


def _required_score(hire: User, case: RoleplayCase) -> float:
    """The score approval needs: the case's passing score, or what the hire's track step
    needs (``step_threshold``) when higher. An approval below the step's figure could never
    complete the step, and one below the case's own is refused whatever the track says."""
    track = read_catalog().track_of(hire)
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
    now = utcnow()
    claim = claims.live_claim(submission, now)
    holder = db.session.get(User, claim.holder_id) if claim is not None else None
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
        is_outdated=case is not None and not same_version(submission.case_hash, case),
        required_score=_required_score(hire, case) if case is not None else None,
        claim=claim,
        holder=holder,
        claim_form=ClaimForm(formdata=None),
        is_overdue=submission.status == "submitted"
        and is_past_sla(submission.submitted_at, now, service_level(current_app.config)),
    ), status


@bp.route("/<int:submission_id>", methods=["GET", "POST"])
@requires(can_review)
def review(submission_id: int) -> ResponseReturnValue:
    submission, hire = _reviewable(submission_id)
    case = read_catalog().roleplays.get(submission.case_slug)
    form = review_form_for(case) if case is not None else None
    if form is None or not form.is_submitted():
        if claims.live_claim(submission, utcnow()) is not None:
            # Opening the form renews one's own claim; the read transaction ends first so
            # the renewal takes SQLite's write lock at once instead of upgrading later.
            start_writing(db.session)
            if claims.renew_claim(
                db.session, submission, actor=current_user, now=utcnow(), lease=_lease()
            ):
                db.session.commit()
        return _render_review(submission, hire, case, form)
    if submission.status != "submitted":
        flash(_("This version was already decided; nothing was changed."), "warning")
        return _render_review(submission, hire, case, form, 409)
    if not form.validate():
        return _render_review(submission, hire, case, form, 422)
    assert case is not None
    held = claims.live_claim(submission, utcnow())
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
            override_claim=can_override_claim(current_user),
        )
        db.session.commit()
    except ReviewRefused as exc:
        db.session.rollback()
        form.decision.errors = [*form.decision.errors, exc.message]
        return _render_review(submission, hire, case, form, 422)
    except ClaimedByOther:
        db.session.rollback()
        db.session.expire_all()
        db.session.refresh(submission)
        flash(_("Another mentor has claimed this answer; their claim stands."), "warning")
        return _render_review(submission, hire, case, form, 409)
    except AlreadyDecided:
        db.session.rollback()
        db.session.expire_all()
        flash(_("Another reviewer decided this version first; their decision stands."), "warning")
        return _render_review(submission, hire, case, form, 409)
    if held is not None and held.holder_id != current_user.id:
        flash(_("You decided over another mentor's claim; the audit log records it."), "warning")
    if review_.decision == "approved":
        flash(_("Approved. %(name)s has been told.", name=hire.name), "success")
    else:
        flash(_("Sent back with your coaching. %(name)s has been told.", name=hire.name), "success")
    return redirect(url_for("reviews.queue"))
