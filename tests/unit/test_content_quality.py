"""The shipped quizzes teach: every answer a hire can give is told why, and matching questions
cannot be solved by elimination.

A quiz that only says "wrong" tests recall; the feedback is where a hire learns the idea. So
every choice carries its own feedback, true/false both sides, numeric and short answers a
feedback for each listed answer plus one for any other answer (a ``*`` answer or the
question's general feedback), and matching questions a general feedback and at least one
distractor, so that the last pair does not fall out by itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainhub.catalog import load_catalog
from trainhub.catalog.questions import Question

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped():
    return load_catalog(REPO)


def _missing_feedback(question: Question) -> list[str]:
    """What a hire answering ``question`` would not be told (empty when nothing)."""
    general = bool(question.feedback)
    kind = question.type
    if kind in {"single", "multiple"}:
        return [f"choice {c.text!r}" for c in question.choices if not c.feedback]
    if kind == "true_false":
        return [
            f"answer {side}"
            for side, text in (("true", question.feedback_true), ("false", question.feedback_false))
            if not text
        ]
    if kind == "numeric":
        missing = [
            f"answer {n.value if n.value is not None else (n.low, n.high)}"
            for n in question.numbers
            if not n.feedback and not n.is_any
        ]
        others = any(n.is_any and n.feedback for n in question.numbers)
        if not (others or general):
            missing.append("any other number (a '*' answer or general feedback)")
        return missing
    if kind == "short":
        missing = [f"answer {c.text!r}" for c in question.choices if not c.feedback and not general]
        others = any(c.text.strip() == "*" and c.feedback for c in question.choices)
        if not (others or general):
            missing.append("any other answer (a '*' answer or general feedback)")
        return missing
    if kind in {"matching", "essay"}:
        return [] if general else ["general feedback"]
    return []


def test_every_question_explains_every_answer(shipped):
    gaps = [
        f"{quiz.slug}/{question.id}: {gap}"
        for quiz in shipped.quizzes.values()
        for question in quiz.graded_questions
        for gap in _missing_feedback(question)
    ]
    assert gaps == []


def test_every_matching_question_has_distractors(shipped):
    bare = [
        f"{quiz.slug}/{question.id}"
        for quiz in shipped.quizzes.values()
        for question in quiz.questions
        if question.type == "matching" and not question.distractors
    ]
    assert bare == []


def test_the_checks_catch_a_bare_question(tmp_path):
    # The rules above must be able to fail: a quiz with a choice without feedback and a
    # matching question without distractors is reported.
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "bare.yaml").write_text(
        "title: Bare\nroles: [all]\npass_mark: 80\nquestions:\n"
        "  - id: pick\n    type: single\n    text: Pick one\n    choices:\n"
        "      - {text: right, correct: true, feedback: because}\n      - {text: wrong}\n"
        "  - id: pairs\n    type: matching\n    text: Match\n    pairs:\n"
        "      - {question: a, answer: '1'}\n      - {question: b, answer: '2'}\n",
        encoding="utf-8",
    )
    quiz = load_catalog(tmp_path).quizzes["bare"]
    by_id = {q.id: q for q in quiz.questions}
    assert _missing_feedback(by_id["pick"]) == ["choice 'wrong'"]
    assert _missing_feedback(by_id["pairs"]) == ["general feedback"]
    assert not by_id["pairs"].distractors


def test_the_foundations_quiz_is_a_step_of_every_track(shipped):
    quiz = shipped.quizzes["foundations-basics"]
    assert "all" in quiz.roles
    for track in shipped.tracks.values():
        keys = [step.key for step in track.steps]
        assert "quiz:foundations-basics" in keys, track.role
        # It checks the foundations course, so it comes after it.
        assert keys.index("quiz:foundations-basics") > keys.index(
            "course:sales-department-foundations"
        ), track.role


def test_every_track_has_the_placeholder_product_course(shipped):
    course = shipped.courses["product-and-crm"]
    # A company must see at a glance that this course is the demo's, to be replaced.
    assert "placeholder" in course.title.lower()
    assert all("placeholder" in lesson.title.lower() for lesson in course.lessons)
    for track in shipped.tracks.values():
        assert "course:product-and-crm" in [step.key for step in track.steps], track.role


def test_lead_generation_shadows_first_and_is_signed_off_on_live_calls(shipped):
    # The onboarding lesson's order: observe, practise without risk, then supervised practice.
    keys = [step.key for step in shipped.tracks["lead-generation"].steps]
    roleplays = [i for i, key in enumerate(keys) if key.startswith("roleplay:")]
    assert keys.index("signoff:shadowed-cold-calls") < min(roleplays)
    assert keys.index("signoff:supervised-live-calls") > max(roleplays)
