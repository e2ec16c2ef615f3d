"""What a result page shows for each question of a submitted attempt. Pure.

Question texts, choices and feedback are HTML rendered and sanitized at load time; whatever
the hire typed is escaped here. Correctness, right answers and feedback are included only as
far as ``shown`` allows (the quiz's review options, or everything for staff).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..catalog.questions import Question
from ..catalog.quiz_review import Shown
from ..formatting import number, plus_minus
from .grading import INFO
from .layout import Layout, LayoutEntry


@dataclass(frozen=True)
class ReviewRow:
    number: int | None  # descriptions are not numbered
    kind: str
    html: Markup
    answer: Markup
    state: str
    points: float
    max_points: float
    feedback: tuple[Markup, ...] = ()
    right_answer: Markup | None = None
    comment: str | None = None
    is_state_shown: bool = True


def _join(parts: Sequence[Markup | str]) -> Markup:
    return Markup("; ").join(parts) if parts else Markup("<em>—</em>")


def _choice_html(question: Question, index: Any) -> Markup | None:
    if isinstance(index, int) and 0 <= index < len(question.choices):
        return Markup(question.choices[index].html)
    return None


def your_answer(entry: LayoutEntry, answer: Any) -> Markup:
    question = entry.question
    kind = question.type
    if kind == "single":
        found = _choice_html(question, answer)
        return found if found is not None else _join([])
    if kind == "multiple":
        picked = [_choice_html(question, i) for i in (answer or [])]
        return _join([p for p in picked if p is not None])
    if kind == "true_false":
        if not isinstance(answer, bool):
            return _join([])
        return Markup(escape(_l("True") if answer else _l("False")))
    if kind == "matching":
        given = answer if isinstance(answer, dict) else {}
        parts = [
            Markup("{} → {}").format(Markup(question.pairs[i].html), given.get(str(i)) or "—")
            for i in entry.order or ()
        ]
        return _join(parts)
    if kind == "essay":
        return Markup('<div class="essay-answer">{}</div>').format(answer or "—")
    if kind == "description":
        return Markup("")
    return Markup(escape(answer)) if answer not in (None, "") else _join([])


def right_answer(entry: LayoutEntry) -> Markup | None:
    question = entry.question
    kind = question.type
    if kind in {"single", "multiple"}:
        return _join(
            [Markup(c.html) for c in question.choices if c.weight >= 100]
            or [Markup(c.html) for c in question.choices if c.weight > 0]
        )
    if kind == "short":
        return _join([escape(c.text) for c in question.choices if c.weight >= 100])
    if kind == "numeric":
        parts: list[Markup | str] = []
        for n in question.numbers:
            if n.weight < 100 or n.is_any:
                continue
            if n.low is not None and n.high is not None:
                parts.append(f"{number(n.low, 6)} – {number(n.high, 6)}")
            elif n.tolerance:
                parts.append(plus_minus(n.value, n.tolerance))
            else:
                parts.append(number(n.value, 6))
        return _join(parts)
    if kind == "true_false":
        return Markup(escape(_l("True") if question.answer else _l("False")))
    if kind == "matching":
        return _join([Markup("{} → {}").format(Markup(p.html), p.answer) for p in question.pairs])
    return None


def review_rows(
    layout: Layout, answers: Mapping[str, Any], results: Mapping[str, Any], shown: Shown
) -> list[ReviewRow]:
    rows: list[ReviewRow] = []
    number = 0
    for entry in layout.questions:
        question = entry.question
        result = results.get(question.id, {})
        graded = question.type != "description"
        if graded:
            number += 1
        rows.append(
            ReviewRow(
                number=number if graded else None,
                kind=question.type,
                html=Markup(question.html),
                answer=your_answer(entry, answers.get(question.id)),
                state=result.get("state", INFO),
                points=float(result.get("points", 0.0)),
                max_points=float(result.get("max", 0.0)),
                feedback=tuple(Markup(f) for f in result.get("feedback", ()))
                if shown.feedback
                else (),
                right_answer=right_answer(entry) if shown.right_answers else None,
                comment=result.get("comment"),
                is_state_shown=shown.correctness,
            )
        )
    return rows
