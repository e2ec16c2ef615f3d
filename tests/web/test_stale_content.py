"""Stale work said in words: a hire's lesson, quiz or case that changed after they did it is
flagged by name on the hire's pages and their mentor's and manager's, and only a change a hire
would notice flags it. The hire's mentor or manager asks for a redo or marks it minor."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import sign_in
from tests.fixtures.translated_content import make_tree
from trainhub.audit.models import AuditEvent
from trainhub.content import catalog
from trainhub.extensions import db
from trainhub.notifications.models import Notification, OutboundMail
from trainhub.quizzes.layout import build_layout
from trainhub.quizzes.models import QuizAttempt
from trainhub.readiness.kept import rebuild, refresh
from trainhub.readiness.models import KeptReadiness
from trainhub.roleplays.models import RoleplaySubmission
from trainhub.stale.models import StaleDecision

LESSON = "content/courses/basics/02-kpis.md"
QUIZ = "quizzes/kpi-quiz.yaml"
CASE = "roleplays/cold-call.md"


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    root = make_tree(tmp_path_factory.mktemp("stale"), russian=False)
    # One attempt only: a redo must give the attempts afresh.
    quiz = root / QUIZ
    quiz.write_text(quiz.read_text().replace("pass_mark: 60\n", "pass_mark: 60\nattempts: 1\n"))
    return {**app_config, "CONTENT_ROOT": str(root)}


def _edit(app, rel: str, old: str, new: str) -> None:
    path = Path(app.config["CONTENT_ROOT"]) / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_bytes(text.replace(old, new).encode())


def _as(app, email: str) -> Any:
    """A browser of its own, signed in as ``email``."""
    client = app.test_client()
    sign_in(client, email)
    return client


def _text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def team(app) -> dict[str, Any]:
    """A hire of the "seller" track who read the course, passed the quiz and had the case
    approved, all before any change; their mentor and manager; and another team's staff."""
    with app.app_context():
        cat = catalog()
        made = factories.make_team(db.session, track="seller")
        other = factories.make_team(db.session, track="seller")
        hire, mentor = made["hire"], made["mentor"]
        when = datetime.now(UTC) - timedelta(days=3)
        factories.make_completions(db.session, hire, cat.courses["basics"], at=when)
        quiz = cat.quizzes["kpi-quiz"]
        layout = build_layout(quiz, random.Random(7))
        db.session.add(
            QuizAttempt(
                user_id=hire.id,
                quiz_slug=quiz.slug,
                quiz_hash=quiz.content_hash,
                number=1,
                status="graded",
                layout=layout.to_json(),
                answers={},
                results={},
                score=layout.max_score,
                max_score=layout.max_score,
                percent=100.0,
                is_passed=True,
                started_at=when,
                submitted_at=when + timedelta(minutes=10),
                graded_at=when + timedelta(minutes=10),
            )
        )
        factories.make_submission(
            db.session,
            hire,
            cat.roleplays["cold-call"],
            status="approved",
            review_by=mentor,
            score=3.5,
            at=when,
        )
        refresh(db.session, [hire.id], datetime.now(UTC))
        db.session.commit()
        return {
            "hire": (hire.id, hire.email, hire.name),
            "mentor": mentor.email,
            "manager": made["manager"].email,
            "other_mentor": other["mentor"].email,
            "other_manager": other["manager"].email,
        }


def _rebuild(app) -> None:
    with app.app_context():
        rebuild(db.session, datetime.now(UTC))


def _change_all(app) -> None:
    _edit(app, LESSON, "each stage", "every stage of the funnel")
    _edit(app, QUIZ, "A lead is a paying client.", "A lead is already a paying client.")
    _edit(app, CASE, "4: Agreed and booked", "4: Agreed, booked and confirmed")


def _hire_pages(client) -> dict[str, str]:
    return {
        "home": _text(client.get("/")),
        "course": _text(client.get("/courses/basics/")),
        "changed lesson": _text(client.get("/courses/basics/kpis")),
        "other lesson": _text(client.get("/courses/basics/funnel")),
        "quiz": _text(client.get("/quizzes/kpi-quiz")),
    }


def test_comments_whitespace_and_key_order_flag_nothing(app, client, team):
    _edit(app, QUIZ, "title: KPI quiz\n", "# Reviewed in December\ntitle: KPI quiz\n")
    _edit(app, QUIZ, "    answer: false\n", "    answer: false   # the classic mix-up\n")
    _edit(app, LESSON, "\n", "\r\n")
    _edit(app, LESSON, "title: The KPIs\nminutes: 4\n", "minutes: 4\ntitle: The KPIs\n")
    _edit(app, CASE, "situation:", "# a made-up company\nsituation:")
    client = _as(app, team["hire"][1])
    for name, page in _hire_pages(client).items():
        assert "changed after" not in page, name
        assert 'data-testid="changed-note"' not in page, name
    client = _as(app, team["mentor"])
    staff = _text(client.get(f"/team/{team['hire'][0]}"))
    assert 'data-testid="outdated"' not in staff
    assert 'data-testid="changed-flag"' not in _text(client.get("/"))


def test_each_page_names_the_lesson_question_and_case_that_changed(app, client, team):
    _change_all(app)
    hire_id, email, name = team["hire"]
    client = _as(app, email)
    pages = _hire_pages(client)
    lesson_note = "The lesson “The KPIs” changed after you completed it."
    question_note = "Question “A lead is already a paying client.” changed after this attempt."
    for page in ("home", "course", "changed lesson"):
        assert lesson_note in pages[page], page
    assert "The lesson “The funnel”" not in pages["course"]  # its own lesson only
    assert "changed after" not in pages["other lesson"]
    assert "Completed · before this change" in pages["changed lesson"]
    assert "The quiz “KPI quiz” changed after you passed it." in pages["quiz"]
    assert question_note in pages["quiz"] and question_note in pages["home"]
    # Only the question that changed is named.
    assert pages["quiz"].count('data-testid="question-change"') == 1
    assert "The case “A cold call” changed after your answer was approved." in pages["home"]
    # Nothing of the key reaches the hire: no answer, no mentor text.
    assert "Agreed, booked and confirmed" not in pages["home"]

    client = _as(app, team["mentor"])
    staff = _text(client.get(f"/team/{hire_id}"))
    assert f"The lesson “The KPIs” changed after {name} completed it." in staff
    assert f"The quiz “KPI quiz” changed after {name} passed it." in staff
    assert question_note in staff
    assert f"The case “A cold call” changed after the answer by {name} was approved." in staff
    assert (
        staff.count('data-testid="redo-form"') == 3 and staff.count('data-testid="minor-form"') == 3
    )
    assert "Decide whether to re-check" not in staff
    # The mentor's list reads the kept readiness, which the worker rebuilds after a change.
    _rebuild(app)
    home = _text(client.get("/"))
    assert "3 steps done before their content changed" in home


def _decide(client, hire_id: int, verdict: str, kind: str, item: str, token_from: str) -> Any:
    return client.post_form(
        f"/team/{hire_id}/changes/{verdict}", {"kind": kind, "item": item}, token_from=token_from
    )


def _count(db_session, model: Any, *where: Any) -> int:
    return db_session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_asking_to_redo_a_lesson_tells_the_hire_and_counts_once(app, client, team, db_session):
    _change_all(app)
    hire_id, email, name = team["hire"]
    with app.app_context():
        from trainhub.auth.models import User

        person = db.session.get(User, hire_id)
        person.locale = "ru"
        db.session.commit()
    client = _as(app, team["mentor"])
    page = f"/team/{hire_id}"
    first = _decide(client, hire_id, "redo", "lesson", "basics/kpis", page)
    second = _decide(client, hire_id, "redo", "lesson", "basics/kpis", page)
    assert first.status_code == second.status_code == 302
    assert "already decided" in _text(client.get(page))
    assert _count(db_session, StaleDecision, StaleDecision.user_id == hire_id) == 1
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "content_change.redo")
    ).all()
    assert len(events) == 1 and events[0].subject_id == hire_id
    assert events[0].object_id == "basics/kpis"
    notices = db_session.scalars(
        sa.select(Notification).where(Notification.recipient_id == hire_id)
    ).all()
    assert [n.kind for n in notices] == ["redo_requested"]
    mail = db_session.scalars(
        sa.select(OutboundMail).where(OutboundMail.recipient_id == hire_id)
    ).one()
    # In the hire's language, with the lesson's title.
    assert "просит вас прочитать «The KPIs» ещё раз" in mail.subject
    # The kept readiness was refreshed with the decision, in its transaction.
    kept = db_session.get(KeptReadiness, hire_id)
    course = next(s for s in kept.steps if s["kind"] == "course")
    assert (course["done"], course["redo"]) == (False, True) and kept.status != "ready"
    staff = _text(client.get(page))
    assert f"{name} is asked to read the lesson “The KPIs” again." in staff
    assert "1 step to redo" in _text(client.get("/"))  # refreshed with the decision

    client = _as(app, email)
    lesson = _text(client.get("/courses/basics/kpis"))
    assert "Вас просят прочитать урок «The KPIs» ещё раз" in lesson
    assert 'data-testid="read-again"' in lesson
    home = _text(client.get("/"))
    assert "переделать" in home
    # The completion stays as history; the course counts one lesson fewer until read again.
    assert "1/2" in home or "1 из 2" in home
    done = client.post_form("/courses/basics/kpis/complete", token_from="/courses/basics/kpis")
    assert done.status_code == 302
    again = client.post_form("/courses/basics/kpis/complete", token_from="/courses/basics/kpis")
    assert again.status_code == 302
    row = db_session.scalars(sa.select(StaleDecision)).one()
    assert row.redone_at is not None
    db_session.expire_all()
    course = next(s for s in db_session.get(KeptReadiness, hire_id).steps if s["kind"] == "course")
    assert (course["done"], course["redo"], course["outdated"]) == (True, False, False)
    lesson = _text(client.get("/courses/basics/kpis"))
    assert 'data-testid="read-again"' not in lesson and "ещё раз" not in lesson
    assert 'data-testid="lesson-done"' in lesson


def test_a_minor_change_drops_the_flag_for_that_hire_only(app, client, team, db_session):
    _change_all(app)
    hire_id, email, _name = team["hire"]
    client = _as(app, team["manager"])
    response = _decide(client, hire_id, "minor", "quiz", "kpi-quiz", f"/team/{hire_id}")
    assert response.status_code == 302
    assert "marked as minor" in _text(client.get(f"/team/{hire_id}"))
    assert _count(db_session, AuditEvent, AuditEvent.action == "content_change.minor") == 1
    assert _count(db_session, Notification, Notification.recipient_id == hire_id) == 0
    client = _as(app, email)
    quiz = _text(client.get("/quizzes/kpi-quiz"))
    assert "changed after" not in quiz and 'data-testid="quiz-passed"' in quiz
    home = _text(client.get("/"))
    assert "The quiz “KPI quiz”" not in home
    assert "The lesson “The KPIs” changed after you completed it." in home  # not decided
    # Another edit of the quiz is a new version: flagged again.
    _edit(app, QUIZ, "Which are KPIs?", "Which of these are KPIs?")
    assert "The quiz “KPI quiz” changed after you passed it." in _text(
        client.get("/quizzes/kpi-quiz")
    )


def test_asked_to_retake_a_quiz_the_hire_gets_the_attempts_afresh(app, client, team, db_session):
    _change_all(app)
    hire_id, email, _name = team["hire"]
    client = _as(app, email)
    before = _text(client.get("/quizzes/kpi-quiz"))
    assert "You have used all your attempts." in before
    client = _as(app, team["mentor"])
    _decide(client, hire_id, "redo", "quiz", "kpi-quiz", f"/team/{hire_id}")
    client = _as(app, email)
    page = _text(client.get("/quizzes/kpi-quiz"))
    assert "You are asked to take the quiz “KPI quiz” again" in page
    assert "You have used all your attempts." not in page
    assert 'data-testid="quiz-passed"' not in page
    start = client.post_form("/quizzes/kpi-quiz/start", token_from="/quizzes/kpi-quiz")
    assert start.status_code == 302 and "/quizzes/attempts/" in start.headers["Location"]
    # The first attempt is kept as it was.
    attempts = db_session.scalars(
        sa.select(QuizAttempt).where(QuizAttempt.user_id == hire_id).order_by(QuizAttempt.number)
    ).all()
    assert [(a.number, a.status, a.is_passed) for a in attempts] == [
        (1, "graded", True),
        (2, "in_progress", None),
    ]


def test_asked_to_answer_a_case_again_the_hire_writes_a_new_version(app, client, team, db_session):
    _change_all(app)
    hire_id, email, _name = team["hire"]
    client = _as(app, email)
    assert 'name="text"' not in _text(client.get("/roleplays/cold-call"))
    client = _as(app, team["mentor"])
    _decide(client, hire_id, "redo", "roleplay", "cold-call", f"/team/{hire_id}")
    client = _as(app, email)
    page = _text(client.get("/roleplays/cold-call"))
    assert 'name="text"' in page
    home = _text(client.get("/"))
    assert "You are asked to answer the case “A cold call” again" in home
    sent = client.post_form(
        "/roleplays/cold-call",
        {"text": "My new answer, rewritten for the changed case.", "submit": "Submit for review"},
        token_from="/roleplays/cold-call",
    )
    assert sent.status_code == 302
    versions = db_session.scalars(
        sa.select(RoleplaySubmission)
        .where(RoleplaySubmission.user_id == hire_id)
        .order_by(RoleplaySubmission.version)
    ).all()
    assert [(v.version, v.status) for v in versions] == [(1, "approved"), (2, "submitted")]


@pytest.mark.parametrize("who", ["hire", "other_mentor", "other_manager"])
def test_only_the_hires_own_staff_may_decide(app, client, team, db_session, who):
    _change_all(app)
    hire_id = team["hire"][0]
    client = _as(app, team[who][1] if who == "hire" else team[who])
    response = _decide(client, hire_id, "redo", "lesson", "basics/kpis", "/")
    assert response.status_code == 403
    assert _count(db_session, StaleDecision) == 0
    assert _count(db_session, AuditEvent, AuditEvent.action.like("content_change.%")) == 0


def test_a_decision_without_the_csrf_token_or_about_an_unchanged_item_is_refused(
    app, client, team, db_session
):
    hire_id = team["hire"][0]
    client = _as(app, team["mentor"])
    bare = client.post(
        f"/team/{hire_id}/changes/redo", data={"kind": "lesson", "item": "basics/kpis"}
    )
    assert bare.status_code == 400
    # Nothing changed yet: there is nothing to decide.
    response = _decide(client, hire_id, "minor", "lesson", "basics/kpis", f"/team/{hire_id}")
    assert response.status_code == 302
    assert _count(db_session, StaleDecision) == 0
    assert _decide(client, hire_id, "minor", "badge", "x", f"/team/{hire_id}").status_code == 400


def test_naming_what_changed_reads_only_for_the_flagged_steps(app, team, statements):
    from trainhub.auth.models import User
    from trainhub.clock import today
    from trainhub.team.changes import changes_of
    from trainhub.team.service import row_of

    def count() -> tuple[int, list[str]]:
        with app.test_request_context():
            cat = catalog()
            hire = db.session.get(User, team["hire"][0])
            row = row_of(db.session, cat, hire, today(), count_weekends=False)
            statements.clear()
            found = changes_of(db.session, cat, hire, row.readiness)
            return len(statements), [c.kind for c in found]

    assert count() == (0, [])  # nothing changed: not one statement
    _change_all(app)
    # The hire's decisions, the course's completions, the quiz's attempt, the case's answer.
    assert count() == (4, ["lesson", "quiz", "roleplay"])


def test_the_api_says_which_steps_changed_and_which_to_redo(app, client, team, runner):
    from tests.web.test_api_readiness import create_token

    _change_all(app)
    hire_id, email, _name = team["hire"]
    mentor = _as(app, team["mentor"])
    page = f"/team/{hire_id}"
    assert _decide(mentor, hire_id, "redo", "lesson", "basics/kpis", page).status_code == 302
    _rebuild(app)
    token = create_token(runner, team["manager"])
    answer = client.get("/api/v1/readiness", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    hire = next(h for h in answer.get_json()["hires"] if h["email"] == email)
    steps = {s["kind"]: s for s in hire["steps"]}
    assert (steps["course"]["done"], steps["course"]["redo"]) == (False, True)
    assert (steps["quiz"]["done"], steps["quiz"]["outdated"], steps["quiz"]["redo"]) == (
        True,
        True,
        False,
    )
