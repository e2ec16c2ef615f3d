"""The course catalog, a course, and a lesson."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ..access import requires
from ..content import read_catalog
from ..db import utcnow
from ..extensions import db
from ..forms import Form
from ..permissions import can_submit_work, is_hire, is_signed_in
from . import service
from .pagecache import render_cached

bp = Blueprint("courses", __name__, url_prefix="/courses")


class CompleteForm(Form):
    """Empty form: it carries the CSRF token of the "Mark as complete" button."""


@bp.get("/")
@requires(is_signed_in)
def index() -> ResponseReturnValue:
    cat = read_catalog()
    role = current_user.track if is_hire(current_user) else None
    mine = cat.courses_for(role) if role else list(cat.courses.values())
    others = [c for c in cat.courses.values() if c not in mine]
    done = service.completed_lessons(db.session, current_user)
    return render_template("courses/index.html", mine=mine, others=others, done=done)


@bp.get("/<course_slug>/")
@requires(is_signed_in)
def course(course_slug: str) -> ResponseReturnValue:
    found = read_catalog().courses.get(course_slug)
    if found is None:
        abort(404)
    done = service.completed_lessons(db.session, current_user, course_slug)
    changed = service.lesson_changes(db.session, current_user, found) if done else {}
    return render_template("courses/course.html", course=found, done=done, changed=changed)


@bp.get("/<course_slug>/<lesson_slug>")
@requires(is_signed_in)
def lesson(course_slug: str, lesson_slug: str) -> ResponseReturnValue:
    cat = read_catalog()
    found = cat.lesson(course_slug, lesson_slug)
    if found is None:
        abort(404)
    course_, lesson_ = found
    done = service.completed_lessons(db.session, current_user, course_slug)
    can_complete = can_submit_work(current_user)
    change = (
        service.lesson_changes(db.session, current_user, course_).get(lesson_slug) if done else None
    )

    def context() -> dict[str, object]:
        previous, following = course_.neighbours(lesson_slug)
        return {
            "course": course_,
            "lesson": lesson_,
            "done": done,
            "previous": previous,
            "following": following,
            "form": CompleteForm(),
            "can_complete": can_complete,
            "change": change,
        }

    # The most re-read page: kept rendered per person while nothing it shows changes.
    state = (
        cat.fingerprint,
        course_slug,
        lesson_slug,
        frozenset(done),
        can_complete,
        (change.redo, change.version) if change else None,
    )
    return render_cached("courses/lesson.html", state, context)


@bp.post("/<course_slug>/<lesson_slug>/complete")
@requires(can_submit_work)
def complete(course_slug: str, lesson_slug: str) -> ResponseReturnValue:
    found = read_catalog().lesson(course_slug, lesson_slug)
    if found is None:
        abort(404)
    course_, lesson_ = found
    if not CompleteForm().validate_on_submit():
        abort(400)
    if service.complete_lesson(db.session, current_user, lesson_, utcnow()):
        db.session.commit()
        flash(_("Lesson marked as complete."), "success")
    _previous, following = course_.neighbours(lesson_slug)
    if following is not None:
        return redirect(
            url_for("courses.lesson", course_slug=course_slug, lesson_slug=following.slug)
        )
    return redirect(url_for("courses.course", course_slug=course_slug))
