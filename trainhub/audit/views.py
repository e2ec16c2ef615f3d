"""``/audit/``: the append-only audit log, for admins. Read-only: there is no edit route."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from sqlalchemy.orm import aliased

from ..access import requires
from ..auth.models import User
from ..extensions import db
from ..permissions import can_manage_people
from ..routing import MAX_ID
from .models import AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 100


@bp.get("/")
@requires(can_manage_people)
def log():  # type: ignore[no-untyped-def]
    before = request.args.get("before", type=int)
    if before is not None and not 0 < before <= MAX_ID:
        before = None  # a hand-edited page link; start from the newest
    actor, subject = aliased(User), aliased(User)
    query = (
        sa.select(AuditEvent, actor.name, subject.name)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_id)
        .order_by(AuditEvent.id.desc())
        .limit(PAGE)
    )
    if before:
        query = query.where(AuditEvent.id < before)
    rows = db.session.execute(query).all()
    older = rows[-1][0].id if len(rows) == PAGE else None
    return render_template("audit/log.html", rows=rows, older=older)
