"""Rubric arithmetic: a mentor's levels per criterion to one weighted score on the 1-4 scale.

Pure functions over the catalog's criteria, so the score a hire sees is always the one the
server computed, never a number sent by the browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..catalog.roleplays import LEVELS, Criterion


class RubricError(ValueError):
    """The levels given do not fit the rubric (missing criterion, level out of range)."""


@dataclass(frozen=True)
class Weighted:
    key: str
    weight: int


def weighted_score(criteria: Sequence[Criterion | Weighted], levels: Mapping[str, int]) -> float:
    """The weighted average of the levels, rounded to two decimals.

    Every criterion needs a level in 1-4; extra keys are refused rather than ignored, so a
    stale form (the case changed meanwhile) cannot silently produce a score.
    """
    if not criteria:
        raise RubricError("the rubric has no criteria")
    known = {c.key for c in criteria}
    extra = sorted(set(levels) - known)
    if extra:
        raise RubricError(f"unknown criteria: {', '.join(extra)}")
    total = 0
    weights = 0
    for criterion in criteria:
        level = levels.get(criterion.key)
        if level is None:
            raise RubricError(f"no level for '{criterion.key}'")
        if isinstance(level, bool) or level not in LEVELS:
            raise RubricError(f"level {level!r} for '{criterion.key}' is not 1-4")
        if criterion.weight <= 0:
            raise RubricError(f"weight of '{criterion.key}' must be positive")
        total += criterion.weight * level
        weights += criterion.weight
    return round(total / weights, 2)


def is_passing(score: float, passing_score: float) -> bool:
    # Scores are rounded to two decimals; compare with a tolerance so 2.999999 is not a fail.
    return score + 1e-9 >= passing_score
