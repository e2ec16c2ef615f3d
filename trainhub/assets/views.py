"""``/courses/<course>/assets/<file>`` and ``/roleplays/assets/<case>/<file>``, and the same
under ``/preview/``: the URLs the relative links of lessons, cases and quizzes become.

Whoever may read a course or a case may read its files: every signed-in person (a hire reads
other tracks' courses too, as their pages allow). The preview routes are staff's, as the
preview pages are; a lesson's relative image URL leads there from a preview page.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app
from flask.typing import ResponseReturnValue

from ..access import requires
from ..content import catalog
from ..permissions import can_preview_content, is_signed_in
from . import files

bp = Blueprint("assets", __name__)


def _root() -> Path:
    return Path(current_app.config["CONTENT_ROOT"])


def _course_file(course_slug: str, filename: str) -> ResponseReturnValue:
    # A course that is not in the catalog (gone, or left out for an error) serves nothing,
    # as its lessons do not.
    if course_slug not in catalog().courses:
        abort(404)
    return files.response_for(files.course_folder(_root(), course_slug), filename)


def _case_file(case_slug: str, filename: str) -> ResponseReturnValue:
    if case_slug not in catalog().roleplays:
        abort(404)
    return files.response_for(files.case_folder(_root(), case_slug), filename)


@bp.get("/courses/<course_slug>/assets/<path:filename>")
@requires(is_signed_in)
def course_file(course_slug: str, filename: str) -> ResponseReturnValue:
    return _course_file(course_slug, filename)


@bp.get("/roleplays/assets/<case_slug>/<path:filename>")
@requires(is_signed_in)
def case_file(case_slug: str, filename: str) -> ResponseReturnValue:
    return _case_file(case_slug, filename)


@bp.get("/preview/courses/<course_slug>/assets/<path:filename>")
@requires(can_preview_content)
def preview_course_file(course_slug: str, filename: str) -> ResponseReturnValue:
    return _course_file(course_slug, filename)


@bp.get("/preview/roleplays/assets/<case_slug>/<path:filename>")
@requires(can_preview_content)
def preview_case_file(case_slug: str, filename: str) -> ResponseReturnValue:
    return _case_file(case_slug, filename)
