"""Taking a quiz through the web: start, save, submit, results, limits, time, and who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from psycopg import pq

from tests import factories
from tests.web.quiz_helpers import (
    NUMERIC_KEY,
    SENTINEL,
    as_user,
    attempt_id,
    form_data,
    make_content_root,
    start,
    submit,
)
from trainhub.auth.models import User
from trainhub.catalog.gift import parse_gift
from trainhub.catalog.question_dicts import question_to_dict
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.demo.data import load_demo
from trainhub.extensions import db
from trainhub.quizzes.model_answers import model_answers
from trainhub.quizzes.models import EssayGrade, QuizAttempt


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    root = make_content_root(tmp_path_factory.getbasetemp())
    return {**app_config, "CONTENT_ROOT": str(root)}


def _attempt(db_session, attempt: int) -> QuizAttempt:
    db_session.expire_all()
    found = db_session.get(QuizAttempt, attempt)
    assert found is not None
    return found


def _take(client, db_session, slug: str, answers=None, **overrides):
    """Start ``slug`` and submit model answers (with ``overrides``); returns the attempt id."""
    attempt = attempt_id(start(client, slug))
    layout = _attempt(db_session, attempt).layout
    chosen = answers if answers is not None else {**model_answers(layout), **overrides}
    response = submit(client, attempt, form_data(layout, chosen))
    assert response.status_code == 302
    return attempt


def test_a_hire_passes_a_quiz_and_sees_the_result(client, login_as, db_session):
    login_as("hire")
    page = client.get("/quizzes/kpi-basics").get_data(as_text=True)
    assert "Start the quiz" in page
    response = start(client, "kpi-basics")
    assert response.status_code == 302
    attempt = attempt_id(response)
    form_page = client.get(f"/quizzes/attempts/{attempt}").get_data(as_text=True)
    assert "80 warm leads" in form_page and "Submit for grading" in form_page
    layout = _attempt(db_session, attempt).layout
    submit(client, attempt, form_data(layout, model_answers(layout)))
    result = client.get(f"/quizzes/attempts/{attempt}").get_data(as_text=True)
    assert "100%" in result and "Passed" in result
    row = _attempt(db_session, attempt)
    assert (row.status, row.percent, row.is_passed, row.number) == ("graded", 100.0, True, 1)
    history = client.get("/quizzes/kpi-basics").get_data(as_text=True)
    assert 'data-testid="attempt-history"' in history and "Try again" in history


def test_numbers_as_people_type_them_are_graded(client, login_as, db_session):
    login_as("hire")
    attempt = _take(
        client, db_session, "kpi-basics",
        **{"conversion-closers": "15%", "average-check": "$3,000"},
    )  # fmt: skip
    results = _attempt(db_session, attempt).results
    assert results["conversion-closers"]["state"] == "right"
    assert results["average-check"]["state"] == "right"


def test_a_score_sent_by_the_client_is_ignored(client, login_as, db_session):
    login_as("hire")
    attempt = attempt_id(start(client, "limited-quiz"))
    data = {"q0": "false", "q1": "5", "score": "100", "percent": "100", "correct": "1",
            "is_passed": "y", "results": '{"l1": {"points": 1}}'}  # fmt: skip
    submit(client, attempt, data)
    row = _attempt(db_session, attempt)
    assert (row.score, row.percent, row.is_passed) == (0.0, 0.0, False)


def test_double_submit_grades_once_and_lands_on_the_result(client, login_as, db_session):
    login_as("hire")
    attempt = attempt_id(start(client, "limited-quiz"))
    url = f"/quizzes/attempts/{attempt}"
    token = client.csrf_token(url)
    first = client.post(url, data={"csrf_token": token, "q0": "true", "q1": "4", "submit": "1"})
    second = client.post(url, data={"csrf_token": token, "q0": "false", "q1": "9", "submit": "1"})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"].endswith(url)
    row = _attempt(db_session, attempt)
    assert (row.status, row.percent) == ("graded", 100.0)
    assert row.answers == {"l1": True, "l2": "4"}
    assert "Passed" in client.get(url).get_data(as_text=True)


def test_saved_answers_come_back_and_starting_again_resumes(client, login_as, db_session):
    login_as("hire")
    attempt = attempt_id(start(client, "timed-quiz"))
    submit(client, attempt, {"q0": "Rome"}, action="save")
    assert attempt_id(start(client, "timed-quiz")) == attempt
    page = client.get(f"/quizzes/attempts/{attempt}").get_data(as_text=True)
    assert 'value="Rome"' in page
    assert _attempt(db_session, attempt).status == "in_progress"


def test_a_bad_number_is_refused_next_to_the_field_and_nothing_is_lost(
    client, login_as, db_session
):
    login_as("hire")
    attempt = attempt_id(start(client, "limited-quiz"))
    response = submit(client, attempt, {"q0": "true", "q1": "four-ish"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a number" in page and 'value="four-ish"' in page
    assert 'value="true" checked' in page or "checked" in page
    assert _attempt(db_session, attempt).status == "in_progress"


def test_the_attempts_limit_holds(client, login_as, db_session):
    login_as("hire")
    for _ in range(3):
        _take(client, db_session, "limited-quiz", answers={"l1": False})
    response = start(client, "limited-quiz")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/quizzes/limited-quiz"
    )
    page = client.get("/quizzes/limited-quiz").get_data(as_text=True)
    assert "used all your attempts" in page
    count = db_session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt))
    assert count == 3


class TestTimeLimit:
    def _expire(self, db_session, attempt: int, seconds_ago: int) -> None:
        row = _attempt(db_session, attempt)
        row.deadline_at = utcnow() - timedelta(seconds=seconds_ago)
        db_session.commit()

    def test_deadline_is_set_by_the_server(self, client, login_as, db_session):
        login_as("hire")
        attempt = attempt_id(start(client, "timed-quiz"))
        row = _attempt(db_session, attempt)
        assert row.deadline_at - row.started_at == timedelta(minutes=5)
        assert 'data-testid="deadline"' in client.get(f"/quizzes/attempts/{attempt}").get_data(
            as_text=True
        )

    def test_a_late_submit_grades_only_what_was_saved_in_time(self, client, login_as, db_session):
        login_as("hire")
        attempt = attempt_id(start(client, "timed-quiz"))
        submit(client, attempt, {"q0": "Rome"}, action="save")
        self._expire(db_session, attempt, seconds_ago=120)
        response = submit(client, attempt, {"q0": "Rome", "q1": "true"})
        assert response.status_code == 302
        row = _attempt(db_session, attempt)
        assert row.status == "graded"
        assert row.answers == {"t1": "Rome", "t2": None}
        assert row.percent == 50.0
        assert row.submitted_at == row.deadline_at

    def test_a_submit_within_the_grace_period_counts(self, client, login_as, db_session):
        login_as("hire")
        attempt = attempt_id(start(client, "timed-quiz"))
        self._expire(db_session, attempt, seconds_ago=5)
        submit(client, attempt, {"q0": "Rome", "q1": "true"})
        assert _attempt(db_session, attempt).percent == 100.0

    def test_an_abandoned_attempt_is_closed_when_the_hire_starts_again(
        self, client, login_as, db_session
    ):
        login_as("hire")
        attempt = attempt_id(start(client, "timed-quiz"))
        self._expire(db_session, attempt, seconds_ago=600)
        second = attempt_id(start(client, "timed-quiz"))
        assert second != attempt
        assert _attempt(db_session, attempt).status == "graded"
        assert _attempt(db_session, second).number == 2


def test_keys_and_feedback_never_reach_the_hire_before_submission(client, login_as, db_session):
    login_as("hire")
    seen = []
    for url in ("/", "/quizzes/", "/quizzes/sentinel-quiz"):
        seen.append(client.get(url))
    response = start(client, "sentinel-quiz")
    seen.append(response)
    attempt = attempt_id(response)
    url = f"/quizzes/attempts/{attempt}"
    seen.append(client.get(url))
    seen.append(submit(client, attempt, {"q3": "guess", "q4": "1"}, action="save"))
    seen.append(client.get(url))
    seen.append(submit(client, attempt, {"q4": "not a number"}))  # 422: the form again
    seen.append(client.get("/quizzes/sentinel-quiz"))
    for response in seen:
        body = response.get_data(as_text=True)
        assert SENTINEL not in body, response.request.path
        assert NUMERIC_KEY.split(".")[0] not in body, response.request.path
        assert "weight" not in body.lower(), response.request.path
    assert seen[-2].status_code == 422
    # After submission the quiz's feedback setting (after_submit) shows them.
    submit(client, attempt, {"q0": "0"})
    assert f"{SENTINEL}-single-right" in client.get(url).get_data(as_text=True)


def test_after_pass_feedback_waits_for_a_pass(client, login_as, db_session):
    login_as("hire")
    failed = _take(client, db_session, "after-pass-quiz", answers={"p1": False})
    page = client.get(f"/quizzes/attempts/{failed}").get_data(as_text=True)
    assert "Not passed" in page and SENTINEL not in page
    passed = _take(client, db_session, "after-pass-quiz", answers={"p1": True})
    page = client.get(f"/quizzes/attempts/{passed}").get_data(as_text=True)
    assert f"{SENTINEL}-pass-true" in page
    assert f"{SENTINEL}-pass-false" in client.get(f"/quizzes/attempts/{failed}").get_data(
        as_text=True
    )


def test_passing_turns_the_track_step_done_on_home(client, login_as, db_session):
    login_as("hire", track="lead-generation")
    home = client.get("/").get_data(as_text=True)
    assert 'class="step todo" data-step="quiz:kpi-basics"' in home
    _take(client, db_session, "kpi-basics", **{"average-check": "1"})
    home = client.get("/").get_data(as_text=True)
    assert 'class="step done" data-step="quiz:kpi-basics"' in home
    assert "passed 89% (pass 80%)" in home


def test_a_failed_attempt_shows_best_score_against_the_pass_mark(client, login_as, db_session):
    login_as("hire", track="lead-generation")
    _take(client, db_session, "kpi-basics", answers={"conversion-closers": "15"})
    home = client.get("/").get_data(as_text=True)
    assert 'class="step todo" data-step="quiz:kpi-basics"' in home
    assert "best 11% (pass 80%)" in home


class TestEssays:
    def _cast(self, db_session):
        cast = factories.make_team(db_session, hires=2)
        other_mentor = factories.make_user(db_session, "mentor")
        db_session.commit()
        return cast, other_mentor

    def test_the_mentor_grades_essays_and_the_attempt_is_graded(self, client, db_session):
        cast, other_mentor = self._cast(db_session)
        as_user(client, cast["hire"].email)
        attempt = _take(
            client, db_session, "essay-quiz", answers={"e1": True, "e2": "<b>My</b> plan"}
        )
        row = _attempt(db_session, attempt)
        assert (row.status, row.percent) == ("awaiting_grading", None)
        assert "awaiting grading" in client.get(f"/quizzes/attempts/{attempt}").get_data(
            as_text=True
        )
        grade_url = f"/quizzes/attempts/{attempt}/grade"
        assert client.get(grade_url).status_code == 403  # a hire grades nobody

        as_user(client, other_mentor.email)
        assert client.get(grade_url).status_code == 403  # not this hire's mentor
        assert cast["hire"].name not in client.get("/quizzes/grading").get_data(as_text=True)

        as_user(client, cast["mentor"].email)
        home = client.get("/").get_data(as_text=True)
        assert 'data-testid="essay-count">1<' in home  # the nav shows the waiting essays
        queue = client.get("/quizzes/grading").get_data(as_text=True)
        assert cast["hire"].name in queue
        page = client.get(grade_url).get_data(as_text=True)
        assert "&lt;b&gt;My&lt;/b&gt; plan" in page  # the hire's text is escaped
        too_many = client.post_form(grade_url, {"points_0": "9"}, token_from=grade_url)
        assert too_many.status_code == 422
        data = {"points_0": "3", "comment_0": "Good structure."}
        for _ in range(2):  # a double click
            assert (
                client.post_form(
                    grade_url, data, token_from=f"/quizzes/attempts/{attempt}"
                ).status_code
                == 302
            )
        row = _attempt(db_session, attempt)
        assert (row.status, row.score, row.percent, row.is_passed) == ("graded", 4.0, 80.0, True)
        grades = db_session.scalars(sa.select(EssayGrade)).all()
        assert [(g.question_key, g.points) for g in grades] == [("e2", 3.0)]

        as_user(client, cast["hire"].email)
        result = client.get(f"/quizzes/attempts/{attempt}").get_data(as_text=True)
        assert "Good structure." in result and "Passed" in result


class TestAccess:
    def test_anonymous_visitors_go_to_the_login_page(self, client):
        for url in ("/quizzes/", "/quizzes/kpi-basics", "/quizzes/attempts/1"):
            assert client.get(url).status_code == 302

    def test_unknown_quiz_is_404(self, client, login_as):
        login_as("hire")
        assert client.get("/quizzes/no-such-quiz").status_code == 404

    def test_staff_can_read_a_quiz_but_not_take_it(self, client, login_as):
        login_as("mentor")
        page = client.get("/quizzes/kpi-basics")
        assert page.status_code == 200 and "Start the quiz" not in page.get_data(as_text=True)
        assert start(client, "kpi-basics").status_code == 403

    def test_another_hires_attempt_is_closed_to_a_hire(self, client, db_session):
        cast = factories.make_team(db_session, hires=2)
        db_session.commit()
        as_user(client, cast["hires"][0].email)
        attempt = attempt_id(start(client, "limited-quiz"))
        as_user(client, cast["hires"][1].email)
        url = f"/quizzes/attempts/{attempt}"
        assert client.get(url).status_code == 403
        token = client.csrf_token("/quizzes/limited-quiz")
        response = client.post(url, data={"csrf_token": token, "q0": "true", "submit": "1"})
        assert response.status_code == 404
        assert _attempt(db_session, attempt).status == "in_progress"

    def test_the_mentor_sees_the_hires_result_with_details(self, client, db_session):
        cast = factories.make_team(db_session)
        stranger = factories.make_user(db_session, "manager")
        db_session.commit()
        as_user(client, cast["hire"].email)
        attempt = _take(client, db_session, "after-pass-quiz", answers={"p1": False})
        url = f"/quizzes/attempts/{attempt}"
        as_user(client, cast["mentor"].email)
        page = client.get(url).get_data(as_text=True)
        assert f"{SENTINEL}-pass-false" in page  # staff see the details
        as_user(client, stranger.email)
        assert client.get(url).status_code == 403


def test_export_gift_prints_a_quiz_that_imports_back(runner, app):
    result = runner.invoke(args=["quiz", "export-gift", "kpi-basics"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        quiz = app.extensions["trainhub.catalog"].get().quizzes["kpi-basics"]
        expected = [question_to_dict(q) for q in quiz.questions]
    assert parse_gift(result.stdout).questions == expected
    assert runner.invoke(args=["quiz", "export-gift", "nope"]).exit_code != 0


def test_demo_attempts_are_real_attempts_with_result_pages(app, client, db_session):
    with app.app_context():
        load_demo(db.session, catalog(), now=utcnow(), hires=10)
    rows = db_session.scalars(sa.select(QuizAttempt)).all()
    assert rows
    for row in rows:
        ids = [e["question"]["id"] for e in row.layout["questions"]]
        assert set(row.results) == set(ids) and set(row.answers) <= set(ids)
        assert row.status == "graded" and row.is_passed and row.percent >= 70
        assert abs(sum(r["points"] for r in row.results.values()) - row.score) < 1e-6
    as_user(client, "ready@demo.local", "demo-password")
    ready_id = db_session.scalar(sa.select(User.id).where(User.email == "ready@demo.local"))
    mine = [r for r in rows if r.user_id == ready_id]
    assert {r.quiz_slug for r in mine} == {
        "foundations-basics",
        "kpi-basics",
        "account-management-basics",
    }
    for row in mine:
        page = client.get(f"/quizzes/attempts/{row.id}").get_data(as_text=True)
        assert "Passed" in page and "Question 1" in page
    home = client.get("/").get_data(as_text=True)
    assert 'class="step done" data-step="quiz:account-management-basics"' in home


@pytest.mark.parametrize(
    ("role", "can_start", "can_grade"),
    [("hire", True, False), ("mentor", False, True), ("manager", False, False),
     ("admin", False, True)],
)  # fmt: skip
def test_each_role_reaches_what_it_should(client, login_as, role, can_start, can_grade):
    login_as(role)
    assert client.get("/quizzes/kpi-basics").status_code == 200
    assert (start(client, "kpi-basics").status_code == 302) is can_start
    assert client.get("/quizzes/grading").status_code == (200 if can_grade else 403)


def test_an_admin_may_grade_any_hires_essay(client, login_as, db_session):
    cast = factories.make_team(db_session)
    admin = factories.make_user(db_session, "admin")
    db_session.commit()
    as_user(client, cast["hire"].email)
    attempt = _take(client, db_session, "essay-quiz", answers={"e1": True, "e2": "text"})
    as_user(client, admin.email)
    url = f"/quizzes/attempts/{attempt}/grade"
    assert client.get(url).status_code == 200
    client.post_form(url, {"points_0": "0"}, token_from=url)
    row = _attempt(db_session, attempt)
    assert (row.status, row.percent, row.is_passed) == ("graded", 20.0, False)


def _submit_listening(app, client, event: str, listener) -> int:  # type: ignore[no-untyped-def]
    """Start an attempt of limited-quiz and submit it with ``listener`` on the engine's
    ``event``: what the submission itself sends to the database."""
    attempt = attempt_id(start(client, "limited-quiz"))
    url = f"/quizzes/attempts/{attempt}"
    token = client.csrf_token(url)
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, event, listener)
    try:
        response = client.post(url, data={"csrf_token": token, "q0": "true", "submit": "1"})
    finally:
        sa.event.remove(engine, event, listener)
    assert response.status_code == 302
    return attempt


# SQLite only: its one write lock is what this is about (PostgreSQL locks rows).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_submission_holds_sqlites_write_lock_only_to_write(app, client, login_as):
    """Grading runs before the write lock is taken, so other writers never wait on it."""
    login_as("hire")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()[:2]).upper())

    _submit_listening(app, client, "before_cursor_execute", record)
    begins = [i for i, s in enumerate(statements) if s.startswith("BEGIN")]
    writes = [i for i, s in enumerate(statements) if s.split()[0] in {"UPDATE", "INSERT"}]
    # Reads under a plain BEGIN; one BEGIN IMMEDIATE, right before the one UPDATE (then the
    # hire's kept readiness is refreshed in the same transaction: its upsert).
    assert statements[begins[0]] == "BEGIN"
    assert [statements[i] for i in begins[1:]] == ["BEGIN IMMEDIATE"]
    assert writes[0] == begins[1] + 1 and statements[writes[0]] == "UPDATE QUIZ_ATTEMPTS"
    assert [statements[i] for i in writes[1:]] == ["INSERT INTO"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_submission_on_postgresql_reads_outside_a_transaction(app, client, login_as, db_session):
    """Its reads need no transaction (READ COMMITTED gives each its own snapshot anyway); the
    one guarded UPDATE runs in one, and is committed."""
    login_as("hire")
    seen: list[tuple[str, bool]] = []

    def record(conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        status = conn.connection.driver_connection.info.transaction_status
        seen.append((statement.split()[0].upper(), status != pq.TransactionStatus.IDLE))

    attempt = _submit_listening(app, client, "after_cursor_execute", record)
    assert [kind for kind, _ in seen].count("UPDATE") == 1
    # Every read before the UPDATE runs outside a transaction; the UPDATE opens one, and the
    # refresh of the hire's kept readiness (reads and an upsert) runs in it too.
    first = [kind for kind, _ in seen].index("UPDATE")
    assert not any(inside for _, inside in seen[:first]), seen
    assert all(inside for _, inside in seen[first:]), seen
    assert _attempt(db_session, attempt).status == "graded"
