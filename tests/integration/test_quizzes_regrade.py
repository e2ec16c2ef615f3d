"""``trainhub quiz regrade SLUG [--dry-run]``: after a quiz file changes, a dry run lists whose
score and pass/fail would move and why and changes nothing; the real run regrades in one
transaction, keeps the old score beside the new one, audits each attempt, and readiness and
the result page follow."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import sign_in
from trainhub.audit.models import AuditEvent
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.quizzes import service
from trainhub.quizzes.models import QuizAttempt, QuizRegrade

V1 = """title: Regrade quiz
roles: [all]
pass_mark: 100
questions:
  - {id: r1, type: true_false, text: "Is the sky blue?", answer: true}
  - id: r2
    type: single
    text: Pick the right one
    choices: [{text: Alpha, correct: true}, {text: Beta}]
"""
# The key of r2 was wrong: Beta is right. The choices also moved and one was added.
V2 = """title: Regrade quiz
roles: [all]
pass_mark: 100
questions:
  - {id: r1, type: true_false, text: "Is the sky blue?", answer: true}
  - id: r2
    type: single
    text: Pick the right one
    choices: [{text: Gamma}, {text: Beta, correct: true}, {text: Alpha}]
"""


@pytest.fixture
def app_config(app_config, tmp_path):
    root = tmp_path / "root"
    (root / "quizzes").mkdir(parents=True)
    (root / "quizzes" / "rq.yaml").write_text(V1, encoding="utf-8")
    return {**app_config, "CONTENT_ROOT": str(root)}


def _take(app, db_session, hire, picked: int) -> int:
    with app.app_context():
        quiz = catalog().quizzes["rq"]
    attempt = service.start_attempt(db_session, hire, quiz, utcnow())
    db_session.flush()
    service.submit_attempt(db_session, attempt, {"r1": True, "r2": picked}, utcnow())
    db_session.commit()
    return attempt.id


def test_dry_run_lists_then_regrade_keeps_the_old_score(app, db_session, runner, client):
    hire = factories.make_user(db_session, "hire", email="hire-rq@example.test")
    db_session.commit()
    wrong_then = _take(app, db_session, hire, 1)  # Beta: wrong under V1
    right_then = _take(app, db_session, hire, 0)  # Alpha: right under V1
    root = Path(app.config["CONTENT_ROOT"])
    (root / "quizzes" / "rq.yaml").write_text(V2, encoding="utf-8")

    dry = runner.invoke(args=["quiz", "regrade", "rq", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 graded attempts against an older version, 2 with a different score" in dry.output
    assert "hire-rq@example.test attempt 1: 50% not passed -> 100% passed" in dry.output
    assert "question r2: 0/1 -> 1/1 points" in dry.output
    assert "hire-rq@example.test attempt 2: 100% passed -> 50% not passed" in dry.output
    db_session.rollback()  # a new snapshot: the command wrote in its own transaction
    assert db_session.get(QuizAttempt, wrong_then).percent == 50.0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(QuizRegrade)) == 0

    real = runner.invoke(args=["quiz", "regrade", "rq"])
    assert real.exit_code == 0, real.output
    assert "regraded 2 attempts" in real.output
    db_session.rollback()  # a new snapshot: the command wrote in its own transaction
    row = db_session.get(QuizAttempt, wrong_then)
    assert row is not None
    assert (row.percent, row.is_passed) == (100.0, True)
    assert row.answers["r2"] == 1  # Beta, where V2 has it
    with app.app_context():
        assert row.quiz_hash == catalog().quizzes["rq"].content_hash
    kept = db_session.scalars(sa.select(QuizRegrade).order_by(QuizRegrade.attempt_id)).all()
    assert [(k.attempt_id, k.old_percent, k.new_percent) for k in kept] == [
        (wrong_then, 50.0, 100.0),
        (right_then, 100.0, 50.0),
    ]
    assert kept[0].old_answers["r2"] == 1 and kept[0].old_layout["quiz_hash"] != row.quiz_hash
    events = db_session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "quiz.regraded")
    ).all()
    assert sorted(int(e.object_id or 0) for e in events) == sorted([wrong_then, right_then])

    again = runner.invoke(args=["quiz", "regrade", "rq"])
    assert "0 graded attempts against an older version" in again.output

    sign_in(client, hire.email)
    page = client.get(f"/quizzes/attempts/{wrong_then}").get_data(as_text=True)
    assert "100%" in page


def test_regrade_of_an_unknown_quiz_says_so(runner):
    result = runner.invoke(args=["quiz", "regrade", "nope", "--dry-run"])
    assert result.exit_code != 0 and "no quiz 'nope'" in result.output
