"""Questions back to mappings: the canonical YAML form (also what GIFT import produces).

The JSON an attempt's layout keeps of each question is quizzes.layout's own."""

from __future__ import annotations

from typing import Any

from .questions import Choice, NumericAnswer, Question, number


def _weight_out(value: float) -> int | float:
    return number(value)


def _choice_out(kind: str, choice: Choice) -> dict[str, Any]:
    out: dict[str, Any] = {"text": choice.text}
    if kind == "short":
        if choice.weight != 100:
            out["weight"] = _weight_out(choice.weight)
    elif kind == "single" and choice.weight == 100:
        out["correct"] = True
    elif choice.weight != 0:
        out["weight"] = _weight_out(choice.weight)
    if choice.feedback:
        out["feedback"] = choice.feedback
    if choice.format:
        out["format"] = choice.format
    return out


def _number_out(answer: NumericAnswer) -> dict[str, Any]:
    out: dict[str, Any]
    if answer.is_any:
        out = {"value": "*"}
    elif answer.low is not None and answer.high is not None:
        out = {"min": number(answer.low), "max": number(answer.high)}
    else:
        assert answer.value is not None
        out = {"value": number(answer.value)}
        if answer.tolerance:
            out["tolerance"] = number(answer.tolerance)
    if answer.weight != 100:
        out["weight"] = _weight_out(answer.weight)
    if answer.feedback:
        out["feedback"] = answer.feedback
    return out


def question_to_dict(question: Question) -> dict[str, Any]:
    """The canonical mapping of a question: what a quiz YAML holds and GIFT import writes."""
    kind = question.type
    out: dict[str, Any] = {"id": question.id, "type": kind}
    if question.title:
        out["title"] = question.title
    out["text"] = question.text
    if question.format != "markdown":
        out["format"] = question.format
    if kind != "description" and question.points != 1:
        out["points"] = number(question.points)
    if kind in {"single", "multiple"}:
        out["choices"] = [_choice_out(kind, c) for c in question.choices]
    elif kind == "short":
        out["answers"] = [_choice_out(kind, c) for c in question.choices]
    elif kind == "numeric":
        out["answers"] = [_number_out(a) for a in question.numbers]
    elif kind == "matching":
        out["pairs"] = [
            {
                "question": p.question,
                "answer": p.answer,
                **({"format": p.format} if p.format else {}),
            }
            for p in question.pairs
        ]
        if question.distractors:
            out["distractors"] = list(question.distractors)
    elif kind == "true_false":
        out["answer"] = question.answer
        if question.feedback_true:
            out["feedback_true"] = question.feedback_true
        if question.feedback_false:
            out["feedback_false"] = question.feedback_false
    if question.feedback:
        out["feedback"] = question.feedback
    if question.tags:
        out["tags"] = list(question.tags)
    if question.category:
        out["category"] = question.category
    return out
