"""Rubric arithmetic: the weighted average of levels on the 1-4 scale."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainhub.roleplays.rubric import RubricError, Weighted, is_passing, weighted_score

RUBRIC = (
    Weighted("opening", 2),
    Weighted("replies", 3),
    Weighted("honesty", 2),
    Weighted("close", 2),
)


def test_equal_levels_give_that_level():
    assert (
        weighted_score(RUBRIC, dict.fromkeys(["opening", "replies", "honesty", "close"], 3)) == 3.0
    )


def test_weights_pull_the_average():
    levels = {"opening": 2, "replies": 4, "honesty": 2, "close": 2}
    # (2*2 + 3*4 + 2*2 + 2*2) / 9 = 24 / 9
    assert weighted_score(RUBRIC, levels) == 2.67


def test_a_single_criterion_is_its_level():
    assert weighted_score([Weighted("only", 5)], {"only": 1}) == 1.0


@pytest.mark.parametrize(
    "levels",
    [
        {"opening": 3, "replies": 3, "honesty": 3},  # one missing
        {"opening": 3, "replies": 3, "honesty": 3, "close": 5},  # out of range
        {"opening": 3, "replies": 3, "honesty": 3, "close": 0},
        {"opening": 3, "replies": 3, "honesty": 3, "close": True},
        {"opening": 3, "replies": 3, "honesty": 3, "close": 3, "extra": 3},  # stale form
    ],
)
def test_levels_that_do_not_fit_the_rubric_are_refused(levels):
    with pytest.raises(RubricError):
        weighted_score(RUBRIC, levels)


def test_an_empty_rubric_is_refused():
    with pytest.raises(RubricError):
        weighted_score([], {})


def test_passing_compares_with_the_rounded_score():
    assert is_passing(3.0, 3.0)
    assert is_passing(3.2, 3.0)
    assert not is_passing(2.99, 3.0)


@given(st.lists(st.tuples(st.integers(1, 10), st.integers(1, 4)), min_size=1, max_size=8))
def test_score_stays_between_the_lowest_and_highest_level(pairs):
    rubric = [Weighted(f"c{i}", w) for i, (w, _) in enumerate(pairs)]
    levels = {f"c{i}": level for i, (_, level) in enumerate(pairs)}
    score = weighted_score(rubric, levels)
    assert min(levels.values()) <= score <= max(levels.values())
