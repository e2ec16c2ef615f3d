"""Question statistics of a quiz, with Moodle's definitions (docs.moodle.org, Quiz statistics
report). Pure: the rows come in, the figures go out.

- **Facility index**: the mean score on the question, as a percent of its points (high is
  easy).
- **Discrimination index**: the correlation, as a percent, between the score on the question
  and the score on the rest of the attempt (all other questions). Near 0 (or negative), the
  question does not separate hires who know the material from those who do not.
- **Choices**: how often each choice (single, multiple, true/false) was picked.

Each hire's *first* graded attempt counts (Moodle's "first attempt" setting): later attempts
are made by people who have seen their result, and would flatter every question.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..catalog.questions import Question
from .layout import Layout

TOO_EASY = "too_easy"
TOO_HARD = "too_hard"
WEAK_DISCRIMINATION = "weak_discrimination"


@dataclass(frozen=True)
class Thresholds:
    easy: float = 90.0
    hard: float = 20.0
    discrimination: float = 20.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Thresholds:
        return cls(
            easy=float(config["QUIZ_STATS_EASY"]),
            hard=float(config["QUIZ_STATS_HARD"]),
            discrimination=float(config["QUIZ_STATS_DISCRIMINATION"]),
        )


@dataclass(frozen=True)
class StatRow:
    """One graded attempt: what it asked, answered and scored."""

    layout: Layout
    answers: Mapping[str, Any]
    results: Mapping[str, Any]


@dataclass(frozen=True)
class OptionCount:
    label: str  # HTML of the choice (or the English "True"/"False", translated by the page)
    count: int
    is_right: bool


@dataclass(frozen=True)
class QuestionStats:
    question: Question
    attempts: int
    facility: float | None  # percent
    discrimination: float | None  # percent, -100..100
    options: tuple[OptionCount, ...]
    flags: tuple[str, ...]


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None  # everyone scored the same: nothing to correlate
    return sxy / math.sqrt(sxx * syy)


def _options(
    question: Question, answers: Sequence[tuple[Question, Any]]
) -> tuple[OptionCount, ...]:
    """Picks per choice. An answer is read against the question as its attempt asked it and
    counted by the choice's text, so attempts on an older version count where they belong."""
    kind = question.type
    if kind in {"single", "multiple"}:
        counts = dict.fromkeys((c.text for c in question.choices), 0)
        for asked, answer in answers:
            picked = [answer] if kind == "single" else (answer or [])
            for index in picked:
                if isinstance(index, int) and 0 <= index < len(asked.choices):
                    text = asked.choices[index].text
                    if text in counts:
                        counts[text] += 1
        return tuple(OptionCount(c.html, counts[c.text], c.weight > 0) for c in question.choices)
    if kind == "true_false":
        trues = sum(1 for _q, a in answers if a is True)
        falses = sum(1 for _q, a in answers if a is False)
        return (
            OptionCount("True", trues, question.answer is True),
            OptionCount("False", falses, question.answer is False),
        )
    return ()


def question_stats(
    rows: Sequence[StatRow], order: Sequence[Question], thresholds: Thresholds
) -> list[QuestionStats]:
    """Statistics per graded question, in the quiz's order (``order``: its current questions;
    questions only older attempts asked follow them)."""
    latest: dict[str, Question] = {q.id: q for q in order if q.is_graded}
    extra: list[str] = []
    for row in rows:
        for entry in row.layout.questions:
            q = entry.question
            if q.is_graded and q.id not in latest:
                latest[q.id] = q
                extra.append(q.id)
    ids = [q.id for q in order if q.is_graded] + extra
    # Per attempt: (points, max) of each question, and the attempt's total points and max.
    per_attempt: list[tuple[dict[str, tuple[float, float]], float, float]] = []
    for row in rows:
        marks = {
            key: (float(r.get("points", 0.0)), float(r.get("max", 0.0)))
            for key, r in row.results.items()
            if float(r.get("max", 0.0)) > 0
        }
        per_attempt.append(
            (marks, sum(p for p, _ in marks.values()), sum(m for _, m in marks.values()))
        )
    found: list[QuestionStats] = []
    for qid in ids:
        question = latest[qid]
        scores: list[float] = []
        rest: list[float] = []
        given: list[tuple[Question, Any]] = []
        for row, (marks, total, total_max) in zip(rows, per_attempt, strict=True):
            asked = next((e.question for e in row.layout.questions if e.question.id == qid), None)
            if qid not in marks or asked is None:
                continue
            points, most = marks[qid]
            scores.append(points / most)
            other = total_max - most
            rest.append((total - points) / other if other > 0 else 0.0)
            given.append((asked, row.answers.get(qid)))
        facility = round(100 * sum(scores) / len(scores), 1) if scores else None
        r = _correlation(scores, rest)
        discrimination = round(100 * r, 1) if r is not None else None
        flags: list[str] = []
        if facility is not None and len(scores) >= 2:
            if facility > thresholds.easy:
                flags.append(TOO_EASY)
            if facility < thresholds.hard:
                flags.append(TOO_HARD)
        if discrimination is not None and discrimination < thresholds.discrimination:
            flags.append(WEAK_DISCRIMINATION)
        found.append(
            QuestionStats(
                question=question,
                attempts=len(scores),
                facility=facility,
                discrimination=discrimination,
                options=_options(question, given),
                flags=tuple(flags),
            )
        )
    return found
