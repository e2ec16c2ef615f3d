"""``/quizzes``: a quiz's page and history, taking an attempt, results, and essay grading."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ..access import authorize, requires
from ..auth.lookup import load_with_owner
from ..auth.models import User
from ..auth.scope import reviewees_of, reviewees_query
from ..catalog.quiz_review import is_shown
from ..content import read_catalog
from ..db import reads_first, start_writing, utcnow
from ..extensions import db
from ..permissions import (
    can_review,
    can_review_work_of,
    can_submit_work,
    can_view_hire,
    can_view_quiz_stats,
    is_hire,
    is_signed_in,
)
from ..templating import NAV_BADGES
from . import service
from .forms import StartForm, answer_form, answers_from, grade_form, marks_from, pair_slots
from .layout import Layout
from .models import QuizAttempt
from .review import review_rows
from .stats import Thresholds

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")


def essays_badge(user: User) -> dict[str, int]:
    """The mentor's count of quiz attempts whose essays wait for grading (for the nav)."""
    if not can_review(user):
        return {}
    return {"quiz_essays": service.grading_count(db.session, reviewees_of(user))}


if essays_badge not in NAV_BADGES:
    NAV_BADGES.append(essays_badge)


def _quiz_or_404(slug: str) -> Any:
    quiz = read_catalog().quizzes.get(slug)
    if quiz is None:
        abort(404)
    return quiz


def _attempt_or_404(attempt_id: int) -> tuple[QuizAttempt, User]:
    return load_with_owner(QuizAttempt, attempt_id)


@bp.get("/")
@requires(is_signed_in)
def index() -> ResponseReturnValue:
    cat = read_catalog()
    role = current_user.track if is_hire(current_user) else None
    quizzes = [q for q in cat.quizzes.values() if role is None or {"all", role} & set(q.roles)]
    return render_template("quizzes/index.html", quizzes=quizzes)


@bp.get("/<quiz_slug>")
@requires(is_signed_in)
def take(quiz_slug: str) -> ResponseReturnValue:
    quiz = _quiz_or_404(quiz_slug)
    attempts = service.attempts_of(db.session, current_user.id, quiz.slug)
    used = len(attempts)
    track_mark = service.track_pass_mark(read_catalog().tracks, current_user.track, quiz)
    best = service.best_percent(attempts)
    passed = service.has_passed(attempts)
    return render_template(
        "quizzes/take.html",
        quiz=quiz,
        attempts=attempts,
        open_attempt=next((a for a in attempts if a.status == "in_progress"), None),
        left=None
        if not quiz.attempts
        else max(
            0,
            quiz.attempts
            - (
                service.limit_count(
                    db.session, current_user.id, quiz.slug, track_mark or quiz.pass_mark
                )
                if used >= quiz.attempts
                else used
            ),
        ),
        passed=passed,
        shows_score=is_shown(
            quiz.review.score,
            passed=passed,
            attempts_left=service.attempts_left(quiz.attempts, attempts),
        ),
        track_mark=track_mark,
        track_step_done=track_mark is None or (best is not None and best >= track_mark),
        can_take=can_submit_work(current_user),
        change=service.quiz_change(
            db.session, current_user, quiz, attempts, track_mark or quiz.pass_mark
        ),
        form=StartForm(),
    )


@bp.post("/<quiz_slug>/start")
@requires(can_submit_work)
def start(quiz_slug: str) -> ResponseReturnValue:
    quiz = _quiz_or_404(quiz_slug)
    if not StartForm().validate_on_submit():
        abort(400)
    try:
        track_mark = service.track_pass_mark(read_catalog().tracks, current_user.track, quiz)
        attempt = service.start_attempt(
            db.session, current_user, quiz, utcnow(), pass_mark=track_mark
        )
    except service.AttemptsUsedUp:
        db.session.rollback()
        flash(_("You have used all your attempts at this quiz."), "error")
        return redirect(url_for("quizzes.take", quiz_slug=quiz.slug))
    except service.QuizError:
        db.session.rollback()
        flash(_("The quiz could not start just now. Please try again."), "error")
        return redirect(url_for("quizzes.take", quiz_slug=quiz.slug))
    db.session.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


def _render_result(attempt: QuizAttempt, hire: User, status: int = 200) -> ResponseReturnValue:
    own = attempt.user_id == current_user.id
    attempts = service.attempts_of(db.session, hire.id, attempt.quiz_slug)
    layout = service.layout_of(attempt)
    shown = service.shown_to(layout, attempts, own)
    rows = review_rows(layout, attempt.answers or {}, attempt.results or {}, shown)
    cat = read_catalog()
    quiz = cat.quizzes.get(attempt.quiz_slug)
    return render_template(
        "quizzes/result.html",
        attempt=attempt,
        layout=layout,
        hire=hire,
        own=own,
        rows=rows,
        shown=shown,
        attempts=attempts,
        quiz=quiz,
        track_mark=service.track_pass_mark(cat.tracks, hire.track, quiz) if quiz else None,
        can_grade=attempt.status == "awaiting_grading" and can_review_work_of(current_user, hire),
    ), status


def _render_form(
    attempt: QuizAttempt, layout: Layout, form: Any, status: int = 200
) -> ResponseReturnValue:
    now = utcnow()
    seconds_left = (
        max(0, int((attempt.deadline_at - now).total_seconds())) if attempt.deadline_at else None
    )
    entries = [
        (index, entry, [slot for slot, _pair in pair_slots(layout, entry)])
        for index, entry in enumerate(layout.questions)
    ]
    return render_template(
        "quizzes/attempt.html",
        attempt=attempt,
        layout=layout,
        form=form,
        entries=entries,
        expired=service.is_expired(attempt, now),
        seconds_left=seconds_left,
    ), status


@bp.get("/attempts/<int:attempt_id>")
@requires(is_signed_in)
def attempt(attempt_id: int) -> ResponseReturnValue:
    found, hire = _attempt_or_404(attempt_id)
    authorize(can_view_hire(current_user, hire))
    if found.status == "in_progress":
        layout = service.layout_of(found)
        if found.user_id != current_user.id:
            return render_template(
                "quizzes/in_progress.html", attempt=found, layout=layout, hire=hire
            )
        return _render_form(found, layout, answer_form(layout, found.answers or {}))
    return _render_result(found, hire)


@bp.post("/attempts/<int:attempt_id>")
@requires(can_submit_work)
@reads_first
def answer(attempt_id: int) -> ResponseReturnValue:
    found, _hire = _attempt_or_404(attempt_id)
    if found.user_id != current_user.id:
        abort(404)
    if found.status != "in_progress":
        # A second submit (double click, second tab) lands on the result of the first.
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    layout = service.layout_of(found)
    form = answer_form(layout, {})
    now = utcnow()
    # Every write below is an UPDATE guarded by ``status = 'in_progress'``, so the request
    # reads and grades without the write lock and takes it only for that one statement.
    # Redirects use ``attempt_id``, not ``found.id``: a write expires ``found``, and reading
    # it again would cost another transaction.
    if service.is_expired(found, now):
        # Too late for new answers: what was saved before the deadline is graded.
        start_writing(db.session)
        # Read again under the write lock (on PostgreSQL, the row's lock): a save that was
        # still in flight when we read above must be graded, not overwritten by the answers
        # read before it.
        db.session.refresh(found, with_for_update=True)
        service.close_if_expired(db.session, found, now)
        db.session.commit()
        flash(_("Time was up: your answers saved before the deadline were graded."), "warning")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    if not form.validate_on_submit():
        return _render_form(found, layout, form, 422)
    answers = answers_from(form, layout)
    start_writing(db.session)
    if form.save.data and not form.submit.data:
        saved = service.save_answers(db.session, found, answers, now)
        db.session.commit()
        if saved:
            flash(_("Your answers are saved. Submit them when you are ready."), "success")
        # Not saved: a submit from another tab, or the deadline, closed the attempt first;
        # its result page says what was graded.
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    service.submit_attempt(db.session, found, answers, now)
    db.session.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))


@bp.get("/grading")
@requires(can_review)
def grading() -> ResponseReturnValue:
    waiting = service.grading_queue(db.session, reviewees_of(current_user))
    people = {u.id: u for u in db.session.scalars(reviewees_query(current_user))}
    cat = read_catalog()
    return render_template(
        "quizzes/grading.html",
        waiting=waiting,
        layouts={a.id: service.layout_of(a) for a in waiting},
        people=people,
        quizzes=cat.quizzes,
    )


@bp.route("/attempts/<int:attempt_id>/grade", methods=["GET", "POST"])
@requires(can_review)
def grade(attempt_id: int) -> ResponseReturnValue:
    found, hire = _attempt_or_404(attempt_id)
    authorize(can_review_work_of(current_user, hire))
    if found.status != "awaiting_grading":
        return redirect(url_for("quizzes.attempt", attempt_id=found.id))
    layout = service.layout_of(found)
    essays = layout.essays
    form = grade_form(essays)
    if form.validate_on_submit():
        done = service.grade_essays(
            db.session, found, marks_from(form, essays), current_user, hire, utcnow()
        )
        db.session.commit()
        if done:
            flash(_("Essays graded. The hire can see the result now."), "success")
        return redirect(url_for("quizzes.attempt", attempt_id=found.id))
    answers = found.answers or {}
    items = [(i, q, answers.get(q.id) or "") for i, q in enumerate(essays)]
    status = 422 if form.is_submitted() else 200
    return render_template(
        "quizzes/grade.html", attempt=found, layout=layout, hire=hire, form=form, items=items
    ), status


@bp.get("/<quiz_slug>/stats")
@requires(can_view_quiz_stats)
def stats(quiz_slug: str) -> ResponseReturnValue:
    quiz = _quiz_or_404(quiz_slug)
    limits = Thresholds.from_config(current_app.config)
    counted, questions = service.quiz_statistics(db.session, quiz, limits)
    return render_template(
        "quizzes/stats.html", quiz=quiz, counted=counted, questions=questions, limits=limits
    )
