"""A track may ask more of a quiz than the quiz itself: the hire is told, on the quiz and on
the result, that a pass at the quiz's own mark does not complete the track's step."""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import sign_in
from tests.web.quiz_helpers import attempt_id, form_data, make_content_root, start, submit
from trainhub.extensions import db
from trainhub.quizzes.model_answers import model_answers
from trainhub.quizzes.models import QuizAttempt

QUIZ = "prospecting-basics"  # its own pass mark: 75


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    root = make_content_root(tmp_path_factory.mktemp("track-pass-mark"))
    track = root / "content" / "tracks" / "lead-generation.yaml"
    text = track.read_text(encoding="utf-8")
    assert f"quiz: {QUIZ}\n    pass_mark: 75" in text
    track.write_text(
        text.replace(f"quiz: {QUIZ}\n    pass_mark: 75", f"quiz: {QUIZ}\n    pass_mark: 100")
    )
    return {**app_config, "CONTENT_ROOT": str(root)}


def _hire(app, client, track: str) -> None:
    with app.app_context():
        user = factories.make_user(db.session, "hire", track=track)
        db.session.commit()
        email = user.email
    sign_in(client, email)


def _take_missing_one(client, db_session) -> int:
    """An attempt with every answer right but the first: above 75%, below 100%."""
    attempt = attempt_id(start(client, QUIZ))
    layout = db_session.get(QuizAttempt, attempt).layout
    answers = model_answers(layout)
    answers.pop(layout["questions"][0]["question"]["id"])
    assert submit(client, attempt, form_data(layout, answers)).status_code == 302
    return attempt


def test_a_pass_below_the_tracks_mark_says_the_step_is_not_done(client, app, db_session):
    _hire(app, client, "lead-generation")
    before = client.get(f"/quizzes/{QUIZ}").get_data(as_text=True)
    assert "Your onboarding track asks for 100% on this quiz" in before

    attempt = _take_missing_one(client, db_session)
    result = client.get(f"/quizzes/attempts/{attempt}").get_data(as_text=True)
    assert 'data-testid="verdict">Passed' in result
    assert "The onboarding track asks for 100% on this quiz" in result

    after = client.get(f"/quizzes/{QUIZ}").get_data(as_text=True)
    assert "You have passed this quiz." in after
    assert "so its step is not done yet" in after
    home = client.get("/").get_data(as_text=True)
    assert "needs 100%" in home or "pass 100%" in home


def test_a_hire_whose_track_keeps_the_quizs_mark_sees_no_such_note(client, app, db_session):
    _hire(app, client, "account-executive")  # does not list this quiz
    attempt = _take_missing_one(client, db_session)
    result = client.get(f"/quizzes/attempts/{attempt}").get_data(as_text=True)
    assert 'data-testid="verdict">Passed' in result
    assert "onboarding track asks" not in result
    assert "onboarding track asks" not in client.get(f"/quizzes/{QUIZ}").get_data(as_text=True)
