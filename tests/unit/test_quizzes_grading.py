"""Graders per question type, with their edges, and the property: score within [0, max]."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainhub.catalog.questions import Choice, NumericAnswer, Pair, Question
from trainhub.quizzes.grading import (
    GRADERS,
    PARTIAL,
    PENDING,
    RIGHT,
    UNANSWERED,
    WRONG,
    essay_grade,
    grade,
    normalize_text,
    parse_number,
)


def _choice(text: str, weight: float, feedback: str | None = None) -> Choice:
    return Choice(text, text, weight, feedback, f"<p>{feedback}</p>" if feedback else None)


def _q(kind: str, points: float = 2.0, **spec: Any) -> Question:
    return Question(id="q", type=kind, text="?", html="<p>?</p>", points=points, **spec)


SINGLE = _q(
    "single",
    choices=(
        _choice("A", 100, "yes"),
        _choice("B", 50, "half"),
        _choice("C", -50),
        _choice("D", 0),
    ),
    feedback_html="<p>general</p>",
)
MULTIPLE = _q(
    "multiple",
    choices=(_choice("a", 50), _choice("b", 50), _choice("c", -50), _choice("d", -50)),
)
SHORT = _q(
    "short",
    choices=(_choice("no one", 100, "excellent"), _choice("Naz*th", 75), _choice("Straße", 100)),
)
NUMERIC = _q(
    "numeric",
    numbers=(
        NumericAnswer(15.0, 0.5, None, None, 100.0, "right"),
        NumericAnswer(None, 0.0, 10.0, 20.0, 50.0, "close", "<p>close</p>"),
        NumericAnswer(0.15, 0.0, None, None, 25.0),
    ),
)
MATCHING = _q(
    "matching",
    points=3.0,
    pairs=(
        Pair("Canada", "Canada", "Ottawa"),
        Pair("Italy", "Italy", "Rome"),
        Pair("Japan", "Japan", "Tokyo"),
    ),
)
TF = _q("true_false", answer=False, feedback_true_html="<p>t</p>", feedback_false_html="<p>f</p>")
ESSAY = _q("essay", points=4.0)
DESCRIPTION = _q("description", points=0.0)
ALL = [SINGLE, MULTIPLE, SHORT, NUMERIC, MATCHING, TF, ESSAY, DESCRIPTION]


def test_registry_has_one_grader_per_type():
    assert set(GRADERS) == {
        "single", "multiple", "true_false", "short", "numeric", "matching", "essay", "description"
    }  # fmt: skip


class TestSingle:
    def test_right_choice_earns_the_points_and_its_feedback(self):
        result = grade(SINGLE, 0)
        assert (result.points, result.state) == (2.0, RIGHT)
        assert result.feedback == ("<p>yes</p>", "<p>general</p>")

    def test_partial_weight(self):
        assert grade(SINGLE, 1).points == 1.0 and grade(SINGLE, 1).state == PARTIAL

    def test_negative_weight_floors_at_zero(self):
        assert grade(SINGLE, 2).points == 0.0

    @pytest.mark.parametrize("answer", [None, "", 7, -1, "x", True, [0], {"score": 100}])
    def test_nonsense_is_unanswered(self, answer):
        result = grade(SINGLE, answer)
        assert result.points == 0 and result.state == UNANSWERED

    def test_index_as_text_is_accepted(self):
        assert grade(SINGLE, "0").points == 2.0


class TestMultiple:
    def test_all_right_choices(self):
        assert grade(MULTIPLE, [0, 1]).points == 2.0

    def test_one_of_two(self):
        assert grade(MULTIPLE, [0]).points == 1.0

    def test_negative_weights_floor_at_zero(self):
        result = grade(MULTIPLE, [0, 2, 3])
        assert result.points == 0.0 and result.state == WRONG

    def test_ticking_everything_does_not_pay(self):
        assert grade(MULTIPLE, [0, 1, 2, 3]).points == 0.0

    def test_duplicates_count_once(self):
        assert grade(MULTIPLE, [0, 0, 0]).points == 1.0


class TestShort:
    @pytest.mark.parametrize("answer", ["no one", "NO ONE", "  no   one ", "No\tone"])
    def test_case_and_whitespace_do_not_matter(self, answer):
        assert grade(SHORT, answer).points == 2.0

    def test_wildcard_with_partial_credit(self):
        result = grade(SHORT, "Nazareth")
        assert result.points == 1.5 and result.state == PARTIAL

    def test_unicode_is_normalized(self):
        # Full-width letters (NFKC) and German sharp s (casefold) match "Straße".
        assert grade(SHORT, "ＳＴＲＡＳＳＥ").points == 2.0
        assert grade(SHORT, "strasse").points == 2.0

    def test_wildcard_is_not_a_regex(self):
        question = _q("short", choices=(_choice("a.c", 100),))
        assert grade(question, "abc").points == 0.0
        assert grade(question, "a.c").points == 2.0

    def test_wrong_answer(self):
        assert grade(SHORT, "Grant").state == WRONG

    def test_normalize_text(self):
        assert normalize_text("  Ｈｅｌｌｏ\u00a0WORLD ") == "hello world"


class TestNumeric:
    @pytest.mark.parametrize("answer", ["15", "14.5", "15.5", "15,5", " 15 ", "15%"])
    def test_within_tolerance_inclusive(self, answer):
        assert grade(NUMERIC, answer).points == 2.0

    @pytest.mark.parametrize("answer", ["14.49", "15.51"])
    def test_just_outside_tolerance_falls_to_the_range(self, answer):
        result = grade(NUMERIC, answer)
        assert result.points == 1.0 and result.feedback == ("<p>close</p>",)

    @pytest.mark.parametrize("answer", ["10", "20"])
    def test_range_bounds_are_inclusive(self, answer):
        assert grade(NUMERIC, answer).points == 1.0

    def test_exact_answer_partial_credit(self):
        assert grade(NUMERIC, "0.15").points == 0.5

    def test_outside_everything(self):
        assert grade(NUMERIC, "21").state == WRONG

    def test_not_a_number_is_wrong_not_an_error(self):
        assert grade(NUMERIC, "fifteen").points == 0.0

    def test_binary_noise_does_not_fail_a_right_answer(self):
        question = _q("numeric", numbers=(NumericAnswer(0.3, 0.0, None, None, 100.0),))
        assert grade(question, 0.1 + 0.2).points == 2.0

    @pytest.mark.parametrize(
        ("text", "value"),
        [("3000", 3000), ("$3,000", 3000), ("3 000", 3000), ("1,234.5", 1234.5), ("0,15", 0.15),
         ("−2", -2), ("15%", 15), ("", None), ("1e3", 1000), ("nan", None), ("inf", None)],
    )  # fmt: skip
    def test_parse_number(self, text, value):
        assert parse_number(text) == value


class TestMatching:
    def test_points_split_across_pairs(self):
        answer = {"0": "Ottawa", "1": "Tokyo", "2": "Tokyo"}
        assert grade(MATCHING, answer).points == 2.0

    def test_all_pairs(self):
        answer = {"0": "Ottawa", "1": "Rome", "2": "Tokyo"}
        assert grade(MATCHING, answer).state == RIGHT

    def test_garbage(self):
        assert grade(MATCHING, ["Ottawa"]).state == UNANSWERED


class TestTrueFalse:
    def test_right_and_its_feedback(self):
        result = grade(TF, False)
        assert result.points == 2.0 and result.feedback == ("<p>f</p>",)

    def test_wrong_shows_the_feedback_of_the_choice_made(self):
        result = grade(TF, True)
        assert result.points == 0.0 and result.feedback == ("<p>t</p>",)

    def test_form_text(self):
        assert grade(TF, "false").points == 2.0


class TestEssayAndDescription:
    def test_essay_waits_for_the_mentor(self):
        result = grade(ESSAY, "My answer")
        assert result.state == PENDING and result.points == 0 and result.max_points == 4.0

    def test_blank_essay_needs_no_mentor(self):
        assert grade(ESSAY, "   ").state == UNANSWERED

    @pytest.mark.parametrize(("given", "expected"), [(-3, 0.0), (2.5, 2.5), (99, 4.0)])
    def test_mentor_points_are_held_within_range(self, given, expected):
        assert essay_grade(ESSAY, given).points == expected

    def test_description_has_no_points(self):
        result = grade(DESCRIPTION, "anything")
        assert (result.points, result.max_points) == (0.0, 0.0)


ANYTHING = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(question=st.sampled_from(ALL), answer=ANYTHING)
def test_score_is_always_between_zero_and_max(question, answer):
    result = grade(question, answer)
    assert 0.0 <= result.points <= result.max_points == question.points


@settings(max_examples=200, deadline=None)
@given(
    weights=st.lists(st.integers(min_value=-100, max_value=100), min_size=2, max_size=6),
    picked=st.lists(st.integers(min_value=0, max_value=5), max_size=6),
    points=st.floats(min_value=0, max_value=10, allow_nan=False),
)
def test_multiple_with_any_weights_stays_in_range(weights, picked, points):
    question = _q("multiple", points=points, choices=tuple(_choice(str(w), w) for w in weights))
    assert 0.0 <= grade(question, picked).points <= points + 1e-9
