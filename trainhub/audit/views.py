"""``/audit/``: the append-only audit log, for admins. Read-only: there is no edit route."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from ..access import requires
from ..content import read_catalog
from ..extensions import db
from ..permissions import can_manage_people
from ..routing import MAX_ID
from .service import PAGE, events_page, names_of, verify_chain
from .wording import describe, people_ids

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@requires(can_manage_people)
def log() -> ResponseReturnValue:
    before = request.args.get("before", type=int)
    if before is not None and not 0 < before <= MAX_ID:
        before = None  # a hand-edited page link; start from the newest
    rows = events_page(db.session, before)
    older = rows[-1][0].id if len(rows) == PAGE else None
    # The whole chain, on every view: an admin opens this page to check it. (Keyset reads in
    # batches, so memory stays flat; a very long log makes the page slower, not heavier.)
    verdict = verify_chain(db.session)
    # People named by id in the events' data (a pool's mentors), in one statement.
    ids = people_ids(event for event, _actor, _subject in rows)
    names = names_of(db.session, ids)
    cat = read_catalog()  # items named in the reader's language
    described = {event.id: describe(event, cat, names) for event, _actor, _subject in rows}
    return render_template(
        "audit/log.html", rows=rows, older=older, verdict=verdict, described=described
    )
