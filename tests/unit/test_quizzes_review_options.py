"""Review options: what a hire sees after an attempt, the linter's warning when the key can be
collected, and the shipped quizzes' settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainhub.catalog import load_catalog
from trainhub.catalog.cache import RenderCache
from trainhub.catalog.quiz_review import (
    REVIEW_TIMES,
    ReviewOptions,
    is_shown,
    shown_to_hire,
)
from trainhub.catalog.quizzes import discover

REPO = Path(__file__).resolve().parents[2]
HEAD = "title: T\nroles: [all]\npass_mark: 50\n"
QUESTIONS = "questions:\n  - {type: true_false, text: Sure?, answer: true}\n"


def _problems(tmp_path: Path, settings: str) -> list[str]:
    (tmp_path / "quizzes").mkdir(exist_ok=True)
    (tmp_path / "quizzes" / "t.yaml").write_text(HEAD + settings + QUESTIONS, encoding="utf-8")
    quizzes, problems = discover(tmp_path, RenderCache())
    return [f"{p.line}:{p.severity}:{p.message}" for p in problems]


def _quiz(tmp_path: Path, settings: str):
    _problems(tmp_path, settings)
    return discover(tmp_path, RenderCache())[0]["t"]


def test_defaults_show_the_score_and_keep_the_key_until_a_pass(tmp_path):
    quiz = _quiz(tmp_path, "")
    assert quiz.review == ReviewOptions("after_submit", "after_pass", "after_pass", "after_pass")
    before = shown_to_hire(quiz.review, passed=False, attempts_left=None)
    assert before.score and not (before.correctness or before.right_answers or before.feedback)
    after = shown_to_hire(quiz.review, passed=True, attempts_left=None)
    assert after.correctness and after.right_answers and after.feedback


def test_the_older_feedback_setting_reads_as_it_did(tmp_path):
    assert _quiz(tmp_path, "feedback: never\n").review == ReviewOptions(
        "after_submit", "never", "never", "never"
    )


def test_review_options_are_read_per_item(tmp_path):
    quiz = _quiz(
        tmp_path,
        "attempts: 2\nreview:\n  score: after_last_attempt\n  correctness: after_submit\n"
        "  right_answers: after_last_attempt\n  feedback: never\n",
    )
    assert quiz.review == ReviewOptions(
        "after_last_attempt", "after_submit", "after_last_attempt", "never"
    )
    assert shown_to_hire(quiz.review, passed=True, attempts_left=1).score is False
    assert shown_to_hire(quiz.review, passed=False, attempts_left=0).right_answers is True


def test_unlimited_attempts_that_show_the_key_after_every_attempt_are_warned_about(tmp_path):
    found = _problems(tmp_path, "attempts: 0\nreview:\n  right_answers: after_submit\n")
    assert found == [
        "5:warning:unlimited attempts, and right answers, feedback or right/wrong per question "
        "shown after every attempt: the key can be collected by retrying (set "
        "review.correctness, review.right_answers and review.feedback to after_pass, or limit "
        "'attempts')"
    ]
    assert [p.split(":")[1] for p in _problems(tmp_path, "feedback: after_submit\n")] == ["warning"]
    assert _problems(tmp_path, "attempts: 3\nreview:\n  right_answers: after_submit\n") == []


def test_bad_review_values_are_errors_at_their_line(tmp_path):
    found = _problems(tmp_path, "attempts: 1\nreview:\n  score: sometimes\n  colour: red\n")
    assert found[0].startswith("6:error:'review.score' must be one of: after_submit")
    assert found[1] == (
        "7:warning:'review': unknown field 'colour'; the known fields are: correctness, "
        "feedback, right_answers, score"
    )
    both = _problems(tmp_path, "attempts: 1\nfeedback: never\nreview: {score: never}\n")
    assert any("'feedback' and 'review' both set" in p for p in both)


@given(
    st.sampled_from(REVIEW_TIMES), st.booleans(), st.none() | st.integers(min_value=0, max_value=5)
)
def test_nothing_is_shown_by_never_and_everything_by_after_submit(when, passed, left):
    shown = is_shown(when, passed=passed, attempts_left=left)
    assert (
        shown
        == {
            "after_submit": True,
            "after_pass": passed,
            "after_last_attempt": left == 0,
            "never": False,
        }[when]
    )


@pytest.fixture(scope="module")
def shipped():
    return load_catalog(REPO)


def test_no_shipped_quiz_lets_a_hire_collect_the_key(shipped):
    assert [str(p) for p in shipped.problems] == []
    for quiz in shipped.quizzes.values():
        assert not quiz.review.gives_key_away(quiz.attempts), quiz.slug
        for passed in (False,):
            shown = shown_to_hire(quiz.review, passed=passed, attempts_left=None)
            assert not (shown.right_answers or shown.feedback or shown.correctness), quiz.slug
        assert quiz.shuffle_choices, quiz.slug
