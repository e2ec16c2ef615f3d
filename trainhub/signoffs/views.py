"""A hire's page for the people who look after them: every role-play answer with its review,
and the practical steps to sign off or revoke.

The URLs stay under ``/reviews/hires/`` (the mentor's queue links there). Who may do what is
in permissions.py: the hire's mentor, manager and admins see the page; the mentor, manager and
admins sign off; nobody signs off their own work.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ..access import authorize, requires
from ..auth.lookup import hire_or_404
from ..auth.models import User
from ..catalog.tracks import Track, TrackStep
from ..content import catalog
from ..db import utcnow
from ..extensions import db
from ..permissions import can_review_work_of, can_sign_off, can_view_hire, is_staff
from ..roleplays import service as answers
from . import service
from .forms import RevokeForm, SignOffForm

bp = Blueprint("signoffs", __name__, url_prefix="/reviews/hires")


def _render_hire(
    hire: User, bound: dict[str, Any] | None = None, status: int = 200
) -> ResponseReturnValue:
    cat = catalog()
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
    return render_template(
        "signoffs/hire.html",
        hire=hire,
        track=track,
        items=items,
        forms=forms,
        cases=cat.roleplays,
        histories=histories,
        may_sign=can_sign_off(current_user, hire),
        may_review=can_review_work_of(current_user, hire),
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
    track = catalog().track_of(person)
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
