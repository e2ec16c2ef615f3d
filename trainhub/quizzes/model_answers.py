"""Full-marks and passing answer sets for a layout: demo data and tests use them."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from .layout import Layout, Outcome, grade_layout


def model_answers(layout: Layout | Mapping[str, Any]) -> dict[str, Any]:
    """A full-marks answer to every question of a layout (demo data, tests).

    Tests pass an attempt's stored JSON as they read it from the row; it is read here.
    """
    if not isinstance(layout, Layout):
        layout = Layout.from_json(layout)
    answers: dict[str, Any] = {}
    for entry in layout.questions:
        q = entry.question
        kind = q.type
        if kind == "single":
            weights = [c.weight for c in q.choices]
            answers[q.id] = weights.index(max(weights))
        elif kind == "multiple":
            answers[q.id] = [i for i, c in enumerate(q.choices) if c.weight > 0]
        elif kind == "true_false":
            answers[q.id] = q.answer
        elif kind == "short":
            best = [c.text for c in q.choices if c.weight >= 100]
            answers[q.id] = sorted(best, key=lambda t: ("*" in t, len(t)))[0].replace("*", "")
        elif kind == "numeric":
            found = next(n for n in q.numbers if n.weight >= 100)
            if found.is_any:
                answers[q.id] = "0"
            else:
                answers[q.id] = f"{found.value if found.low is None else found.low:g}"
        elif kind == "matching":
            answers[q.id] = {str(i): p.answer for i, p in enumerate(q.pairs)}
        elif kind == "essay":
            answers[q.id] = "(demo answer) I would look at the data first, then agree one step."
    return answers


def demo_answers(
    layout: Layout, pass_mark: int, rng: random.Random
) -> tuple[dict[str, Any], Outcome, dict[str, float]]:
    """Answers that pass ``pass_mark``, with up to two questions left blank for variety.

    Returns the answers, their grading (essays at full marks) and the essay points given.
    """
    answers = model_answers(layout)
    essays = {question.id: question.points for question in layout.essays}
    outcome = grade_layout(layout, answers, essays)
    candidates = [k for k in answers if k not in essays]
    rng.shuffle(candidates)
    for key in candidates[: rng.choice([0, 1, 2])]:
        trial = {**answers, key: None}
        graded = grade_layout(layout, trial, essays)
        if graded.percent is not None and graded.percent >= pass_mark:
            answers, outcome = trial, graded
    return answers, outcome, essays
