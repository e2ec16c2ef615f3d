"""``/stale``: the hire's mentor or manager decides about a step done against changed
content: ask the hire to redo it, or mark the change as minor for them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ..access import authorize, requires
from ..auth.lookup import hire_or_404
from ..clock import counts_weekends, today
from ..content import catalog
from ..db import utcnow
from ..extensions import db
from ..permissions import can_decide_content_change, is_staff
from ..team.service import row_of
from . import service
from .forms import DecideForm

bp = Blueprint("stale", __name__, url_prefix="/stale")


def _decide(user_id: int, verdict: str) -> ResponseReturnValue:
    hire = hire_or_404(user_id)
    authorize(can_decide_content_change(current_user, hire))
    form = DecideForm()
    if not form.validate_on_submit():
        abort(400)
    cat = catalog()
    # Judged afresh in the write transaction: a second click finds the item decided.
    row = row_of(db.session, cat, hire, today(), count_weekends=counts_weekends())
    try:
        decided = service.decide(
            db.session,
            cat,
            hire,
            row.readiness,
            kind=form.kind.data or "",
            item=form.item.data or "",
            verdict=verdict,
            actor=current_user,
            now=utcnow(),
        )
    except service.NotChanged:
        db.session.rollback()
        flash(_("This change was already decided."), "info")
        return redirect(url_for("team.hire", user_id=hire.id))
    db.session.commit()
    title = decided.change.title
    if not decided.is_new:
        flash(_("This change was already decided."), "info")
    elif verdict == "redo":
        flash(_("%(name)s is asked to redo “%(item)s”.", name=hire.name, item=title), "success")
    else:
        flash(_("The change to “%(item)s” is marked as minor.", item=title), "success")
    return redirect(url_for("team.hire", user_id=hire.id))


@bp.post("/<int:user_id>/redo")
@requires(is_staff)
def redo(user_id: int) -> ResponseReturnValue:
    return _decide(user_id, "redo")


@bp.post("/<int:user_id>/minor")
@requires(is_staff)
def minor(user_id: int) -> ResponseReturnValue:
    return _decide(user_id, "minor")
