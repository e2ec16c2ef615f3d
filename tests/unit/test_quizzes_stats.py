"""Question statistics (pure): Moodle's facility and discrimination indices, choices picked,
and the flags."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from trainhub.catalog.questions import Choice, Question
from trainhub.quizzes.layout import Layout, LayoutEntry
from trainhub.quizzes.stats import (
    TOO_EASY,
    TOO_HARD,
    WEAK_DISCRIMINATION,
    StatRow,
    Thresholds,
    question_stats,
)

EASY = Question("easy", "true_false", "Easy?", "<p>Easy?</p>", 1.0, answer=True)
SPLIT = Question(
    "split",
    "single",
    "Pick",
    "<p>Pick</p>",
    1.0,
    choices=(Choice("Right", "Right", 100.0), Choice("Wrong", "Wrong", 0.0)),
)
HARD = Question("hard", "short", "Name it", "<p>Name it</p>", 2.0)
QUESTIONS = (EASY, SPLIT, HARD)
LAYOUT = Layout(
    "h",
    "Quiz",
    50,
    "after_pass",
    (LayoutEntry(EASY), LayoutEntry(SPLIT, order=(1, 0)), LayoutEntry(HARD)),
    4.0,
)


def _row(split: float, hard: float) -> StatRow:
    results = {
        "easy": {"points": 1.0, "max": 1.0},
        "split": {"points": split, "max": 1.0},
        "hard": {"points": hard, "max": 2.0},
    }
    answers = {"easy": True, "split": 0 if split else 1, "hard": "x"}
    return StatRow(LAYOUT, answers, results)


def test_the_indices_and_flags_of_a_small_class():
    # The two who got "split" right also did better on the rest: it discriminates.
    rows = [_row(1, 2), _row(1, 0), _row(0, 0), _row(0, 0)]
    found = {s.question.id: s for s in question_stats(rows, QUESTIONS, Thresholds())}
    assert found["easy"].facility == 100.0 and found["easy"].flags == (TOO_EASY,)
    assert found["easy"].discrimination is None  # everyone the same: nothing to correlate
    assert found["split"].facility == 50.0
    # rest-of-test scores: (1+2)/3, 1/3, 1/3, 1/3 against 1, 1, 0, 0
    xs, ys = [1, 1, 0, 0], [1, 1 / 3, 1 / 3, 1 / 3]
    mx, my = sum(xs) / 4, sum(ys) / 4
    r = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(
        sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys)
    )
    assert found["split"].discrimination == round(100 * r, 1)
    assert found["hard"].facility == 25.0
    assert [(o.label, o.count, o.is_right) for o in found["split"].options] == [
        ("Right", 2, True),
        ("Wrong", 2, False),
    ]
    assert [(o.label, o.count) for o in found["easy"].options] == [("True", 4), ("False", 0)]


def test_a_question_that_strong_hires_miss_is_flagged():
    rows = [_row(0, 2), _row(0, 2), _row(1, 0), _row(1, 0)]
    found = {s.question.id: s for s in question_stats(rows, QUESTIONS, Thresholds())}
    assert WEAK_DISCRIMINATION in found["split"].flags
    assert found["split"].discrimination is not None and found["split"].discrimination < 0
    hard_only = question_stats([_row(0, 0), _row(0, 0)], QUESTIONS, Thresholds())
    assert TOO_HARD in {f for s in hard_only for f in s.flags}


@given(st.lists(st.tuples(st.sampled_from([0, 0.5, 1]), st.sampled_from([0, 1, 2])), max_size=12))
def test_indices_stay_within_their_ranges(marks):
    rows = [_row(split, hard) for split, hard in marks]
    for stats in question_stats(rows, QUESTIONS, Thresholds()):
        assert stats.attempts == len(rows)
        assert stats.facility is None or 0 <= stats.facility <= 100
        assert stats.discrimination is None or -100 <= stats.discrimination <= 100
