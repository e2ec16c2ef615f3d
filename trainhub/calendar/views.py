"""``/calendar/<token>.ics``: a person's private feed of due dates.

The token in the URL is the credential (calendar programs send no cookie), so the route is
public and a wrong or revoked token is a plain 404, the same as a page that does not exist.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _

from ..access import public
from ..clock import counts_weekends, today
from ..content import read_catalog
from ..db import utcnow
from ..extensions import db
from ..permissions import is_hire
from .feed import events_of, rows_for_feed
from .ics import calendar_text
from .tokens import owner_of

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.get("/<token>.ics")
@public
def feed(token: str) -> ResponseReturnValue:
    owner = owner_of(db.session, token)
    if owner is None:
        abort(404)
    # Step titles in the owner's language too.
    cat = read_catalog(owner.locale or "en")
    rows = rows_for_feed(db.session, cat, owner, today(), count_weekends=counts_weekends())
    # The calendar program has no language of its own here: the owner's choice is used.
    with force_locale(owner.locale or "en"):
        own = is_hire(owner)
        name = _("My onboarding") if own else _("Hires' due dates")
        body = calendar_text(
            f"TrainHub: {name}", events_of(rows, own=own, host=request.host), utcnow()
        )
    return Response(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )
