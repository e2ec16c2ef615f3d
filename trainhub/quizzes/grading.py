"""Graders: one per question type, in the ``GRADERS`` registry. Pure functions, no Flask.

A grader takes the question (from the attempt's fixed layout) and whatever the hire sent for
it, and returns the points, never below 0 nor above the question's points. Anything a client
can send (a wrong type, a made-up choice, a "score" field) is treated as a wrong answer,
never as an error, so a hand-made request cannot break grading or raise the score.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from ..catalog.questions import Question

RIGHT, PARTIAL, WRONG, UNANSWERED, PENDING, INFO = (
    "right",
    "partial",
    "wrong",
    "unanswered",
    "pending",
    "info",
)


@dataclass(frozen=True)
class Grade:
    points: float
    max_points: float
    state: str
    feedback: tuple[str, ...] = ()  # HTML, rendered at load: per-answer first, then general


def _grade(question: Question, fraction: float, feedback: list[str | None]) -> Grade:
    fraction = min(1.0, max(0.0, fraction))
    # Rounded for display, but never above the question's points.
    points = min(question.points, round(question.points * fraction, 4))
    state = RIGHT if fraction >= 0.9999 else PARTIAL if fraction > 0 else WRONG
    notes = [f for f in feedback if f]
    if question.feedback_html:
        notes.append(question.feedback_html)
    return Grade(points, question.points, state, tuple(notes))


def _unanswered(question: Question) -> Grade:
    notes = (question.feedback_html,) if question.feedback_html else ()
    return Grade(0.0, question.points, UNANSWERED, notes)


def _index(value: Any, size: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value < size:
        return value
    return None


def normalize_text(value: str) -> str:
    """Unicode NFKC, case-folded, whitespace collapsed: how short answers are compared."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


@lru_cache(maxsize=1024)
def _pattern(accepted: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in normalize_text(accepted).split("*")]
    return re.compile("^" + ".*".join(parts) + "$", re.S)


_CURRENCY = re.compile(r"[\s$€£¥₽₴%]")
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(value: Any) -> float | None:
    """A number as people type it: '15', '15%', '$3,000', '3 000', '0,15' (decimal comma)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = _CURRENCY.sub("", unicodedata.normalize("NFKC", value)).replace("−", "-")
        if not text:
            return None
        if _THOUSANDS.match(text) or ("," in text and "." in text):
            text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    return number if number == number and abs(number) != float("inf") else None


class Grader:
    kind: ClassVar[str]

    def grade(self, question: Question, answer: Any) -> Grade:
        raise NotImplementedError


class SingleGrader(Grader):
    kind = "single"

    def grade(self, question: Question, answer: Any) -> Grade:
        index = _index(answer, len(question.choices))
        if index is None:
            return _unanswered(question)
        choice = question.choices[index]
        return _grade(question, choice.weight / 100, [choice.feedback_html])


class MultipleGrader(Grader):
    kind = "multiple"

    def grade(self, question: Question, answer: Any) -> Grade:
        values = answer if isinstance(answer, list | tuple) else [answer]
        chosen = sorted(
            {i for i in (_index(v, len(question.choices)) for v in values) if i is not None}
        )
        if not chosen:
            return _unanswered(question)
        picked = [question.choices[i] for i in chosen]
        # Negative weights can take a question down to 0, never below.
        total = sum(c.weight for c in picked) / 100
        return _grade(question, total, [c.feedback_html for c in picked])


class TrueFalseGrader(Grader):
    kind = "true_false"

    def grade(self, question: Question, answer: Any) -> Grade:
        if isinstance(answer, str) and answer.lower() in {"true", "false"}:
            answer = answer.lower() == "true"
        if not isinstance(answer, bool):
            return _unanswered(question)
        note = question.feedback_true_html if answer else question.feedback_false_html
        return _grade(question, 1.0 if answer == question.answer else 0.0, [note])


class ShortGrader(Grader):
    kind = "short"

    def grade(self, question: Question, answer: Any) -> Grade:
        if not isinstance(answer, str) or not answer.strip():
            return _unanswered(question)
        given = normalize_text(answer)
        matches = [c for c in question.choices if _pattern(c.text).match(given)]
        if not matches:
            return _grade(question, 0.0, [])
        best = max(matches, key=lambda c: c.weight)
        return _grade(question, best.weight / 100, [best.feedback_html])


class NumericGrader(Grader):
    kind = "numeric"

    def grade(self, question: Question, answer: Any) -> Grade:
        if answer is None or (isinstance(answer, str) and not answer.strip()):
            return _unanswered(question)
        number = parse_number(answer)
        if number is None:
            return _grade(question, 0.0, [])
        matches = [a for a in question.numbers if a.matches(number)]
        if not matches:
            return _grade(question, 0.0, [])
        best = max(matches, key=lambda a: a.weight)
        return _grade(question, best.weight / 100, [best.feedback_html])


class MatchingGrader(Grader):
    kind = "matching"

    def grade(self, question: Question, answer: Any) -> Grade:
        given = answer if isinstance(answer, Mapping) else {}
        picked = {str(k): v for k, v in given.items() if isinstance(v, str) and v}
        if not picked:
            return _unanswered(question)
        right = sum(
            1 for index, pair in enumerate(question.pairs) if picked.get(str(index)) == pair.answer
        )
        # The points are split evenly across the pairs.
        return _grade(question, right / len(question.pairs) if question.pairs else 0.0, [])


class EssayGrader(Grader):
    """The hire's mentor grades essays; until then the question holds 0 points, pending."""

    kind = "essay"

    def grade(self, question: Question, answer: Any) -> Grade:
        if not isinstance(answer, str) or not answer.strip():
            return _unanswered(question)
        return Grade(0.0, question.points, PENDING, ())


class DescriptionGrader(Grader):
    kind = "description"

    def grade(self, question: Question, answer: Any) -> Grade:
        return Grade(0.0, 0.0, INFO, ())


GRADERS: dict[str, Grader] = {
    grader.kind: grader
    for grader in (
        SingleGrader(),
        MultipleGrader(),
        TrueFalseGrader(),
        ShortGrader(),
        NumericGrader(),
        MatchingGrader(),
        EssayGrader(),
        DescriptionGrader(),
    )
}


def grade(question: Question, answer: Any) -> Grade:
    return GRADERS[question.type].grade(question, answer)


def essay_grade(question: Question, points: float) -> Grade:
    """The mentor's points for an essay, held within 0..the question's points."""
    value = round(min(question.points, max(0.0, points)), 4)
    if value >= question.points:
        state = RIGHT
    elif value > 0:
        state = PARTIAL
    else:
        state = WRONG
    notes = (question.feedback_html,) if question.feedback_html else ()
    return Grade(value, question.points, state, notes)
