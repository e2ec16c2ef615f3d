"""The result page shows what the quiz's review options allow: a hire who has not passed a
shipped quiz sees the score, never the right answers, feedback or right/wrong per question;
after a pass they see it all, and a mentor always does."""

from __future__ import annotations

from tests import factories
from tests.web.quiz_helpers import as_user, attempt_id, form_data, start, submit
from trainhub.quizzes.model_answers import model_answers
from trainhub.quizzes.models import QuizAttempt

SLUG = "account-management-basics"
KEY_MARKS = ("<strong>Right answer:</strong>", 'class="feedback prose"', " state-")


def _take(client, db_session, answers: str) -> tuple[int, str]:
    attempt = attempt_id(start(client, SLUG))
    db_session.expire_all()
    row = db_session.get(QuizAttempt, attempt)
    assert row is not None
    chosen = model_answers(row.layout) if answers == "right" else {}
    assert submit(client, attempt, form_data(row.layout, chosen)).status_code == 302
    return attempt, client.get(f"/quizzes/attempts/{attempt}").get_data(as_text=True)


def test_a_failing_hire_sees_the_score_and_nothing_of_the_key(client, db_session):
    mentor = factories.make_user(db_session, "mentor")
    hire = factories.make_user(db_session, "hire", track="account-manager", mentor_id=mentor.id)
    db_session.commit()
    as_user(client, hire.email)
    failed, page = _take(client, db_session, "wrong")
    assert 'data-testid="percent"' in page and "Not passed" in page
    assert not any(mark in page for mark in KEY_MARKS)
    assert 'data-testid="key-withheld"' not in page  # nothing per question: the older notice
    assert "Answers and feedback for each question are not shown" in page

    as_user(client, mentor.email)
    staff = client.get(f"/quizzes/attempts/{failed}").get_data(as_text=True)
    assert "<strong>Right answer:</strong>" in staff and "state-unanswered" in staff

    as_user(client, hire.email)
    _passed, page = _take(client, db_session, "right")
    assert "state-right" in page and 'class="feedback prose"' in page
    again = client.get(f"/quizzes/attempts/{failed}").get_data(as_text=True)
    assert "<strong>Right answer:</strong>" in again  # once passed, the earlier attempt too


def test_the_attempt_history_follows_the_score_option(client, db_session, tmp_path):
    hire = factories.make_user(db_session, "hire", track="account-manager")
    db_session.commit()
    as_user(client, hire.email)
    _take(client, db_session, "wrong")
    page = client.get(f"/quizzes/{SLUG}").get_data(as_text=True)
    assert "not passed" in page  # the score is shown after every attempt
