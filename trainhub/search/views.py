"""``/search?q=``: the content a person may see that matches their words."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..access import requires
from ..content import read_catalog
from ..permissions import can_view_team, is_hire, is_signed_in
from .index import Document
from .service import search_content

bp = Blueprint("search", __name__)

MAX_QUERY = 200


def _link(document: Document) -> str:
    kind, key = document.kind, document.key
    if kind == "course":
        return url_for("courses.course", course_slug=key[0])
    if kind == "lesson":
        return url_for("courses.lesson", course_slug=key[0], lesson_slug=key[1])
    if kind == "quiz":
        return url_for("quizzes.take", quiz_slug=key[0])
    if kind == "roleplay":
        return url_for("roleplays.case", case_slug=key[0])
    # A track has no page of its own: a hire's is their home, a manager's a dashboard filter.
    if is_hire(current_user):
        return url_for("home.index")
    if can_view_team(current_user):
        return url_for("team.dashboard", track=key[0])
    return url_for("courses.index")


@bp.get("/search")
@requires(is_signed_in)
def results() -> ResponseReturnValue:
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    hits = (
        # The reader's language: a Russian reader finds the Russian texts (and the originals
        # of what is not translated yet).
        search_content(read_catalog(), query, role=current_user.role, track=current_user.track)
        if query
        else []
    )
    return render_template(
        "search/results.html", query=query, hits=[(hit, _link(hit.document)) for hit in hits]
    )
