"""``/preview/``: lessons, quizzes (every question with its key), cases (with the rubric and
mentor notes) and tracks, for staff. Read-only: nothing here touches the database."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from ..access import requires
from ..content import content_title, read_catalog
from ..permissions import can_preview_content

bp = Blueprint("preview", __name__, url_prefix="/preview")

QUESTION_KINDS = {
    "single": _l("one right answer"),
    "multiple": _l("several right answers"),
    "true_false": _l("true or false"),
    "short": _l("short written answer"),
    "numeric": _l("a number"),
    "matching": _l("matching"),
    "essay": _l("written answer, graded by a mentor"),
    "description": _l("text"),
}


@bp.app_template_filter("question_kind")
def question_kind(kind: str) -> str:
    return str(QUESTION_KINDS.get(kind, ""))


@bp.get("/")
@requires(can_preview_content)
def index() -> ResponseReturnValue:
    cat = read_catalog()
    return render_template("preview/index.html", cat=cat, errors=len(cat.errors))


@bp.get("/courses/<course_slug>/<lesson_slug>")
@requires(can_preview_content)
def lesson(course_slug: str, lesson_slug: str) -> ResponseReturnValue:
    found = read_catalog().lesson(course_slug, lesson_slug)
    if found is None:
        abort(404)
    course, lesson_ = found
    previous, following = course.neighbours(lesson_slug)
    return render_template(
        "preview/lesson.html", course=course, lesson=lesson_, previous=previous, following=following
    )


@bp.get("/quizzes/<quiz_slug>")
@requires(can_preview_content)
def quiz(quiz_slug: str) -> ResponseReturnValue:
    found = read_catalog().quizzes.get(quiz_slug)
    if found is None:
        abort(404)
    return render_template("preview/quiz.html", quiz=found)


@bp.get("/roleplays/<case_slug>")
@requires(can_preview_content)
def roleplay(case_slug: str) -> ResponseReturnValue:
    found = read_catalog().roleplays.get(case_slug)
    if found is None:
        abort(404)
    return render_template("preview/roleplay.html", case=found)


@bp.get("/tracks/<role>")
@requires(can_preview_content)
def track(role: str) -> ResponseReturnValue:
    cat = read_catalog()
    found = cat.tracks.get(role)
    if found is None:
        abort(404)
    steps = [
        (step, cat.step_title(role, step) or content_title(step.kind, step.slug))
        for step in found.steps
    ]
    return render_template("preview/track.html", track=found, steps=steps)


@bp.get("/version")
@requires(can_preview_content)
def version() -> ResponseReturnValue:
    """The catalog's fingerprint: the preview pages reload when it changes (a file saved)."""
    return jsonify(version=read_catalog().fingerprint)
