"""Quiz questions: validated from YAML mappings (or GIFT, which parses into the same mappings).

Type names are fixed, outside checks rely on them: single, multiple, true_false, short,
numeric, matching, essay, description. Weights are percentages of the question's points.
Text is rendered to HTML once, here, with the catalog's renderer.
"""

from __future__ import annotations

import html as html_lib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .fields import Fields, describe, name_item
from .markdown import Renderer, sanitize
from .problems import ProblemList
from .sources import Lines, content_hash

QUESTION_TYPES = (
    "single",
    "multiple",
    "true_false",
    "short",
    "numeric",
    "matching",
    "essay",
    "description",
)
FORMATS = ("markdown", "html", "moodle", "plain")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")
_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_NUMERIC_TEXT = re.compile(rf"^\s*({_NUM})\s*(?:(:|\.\.)\s*({_NUM}))?\s*$")
_COMMON = {"id", "type", "title", "text", "format", "points", "feedback", "tags", "category"}
_KEYS = {
    "single": {"choices"},
    "multiple": {"choices"},
    "true_false": {"answer", "feedback_true", "feedback_false"},
    "short": {"answers"},
    "numeric": {"answers"},
    "matching": {"pairs", "distractors"},
    "essay": set(),
    "description": set(),
}


@dataclass(frozen=True)
class Choice:
    """A choice (single, multiple) or an accepted answer (short)."""

    text: str
    html: str
    weight: float
    feedback: str | None = None
    feedback_html: str | None = None
    # The choice's own text format when it differs from its question's (Moodle allows it).
    format: str | None = None


@dataclass(frozen=True)
class NumericAnswer:
    value: float | None
    tolerance: float
    low: float | None
    high: float | None
    weight: float
    feedback: str | None = None
    feedback_html: str | None = None

    @property
    def is_any(self) -> bool:
        """Moodle's ``*``: any number (its feedback is what a wrong answer is told)."""
        return self.value is None and self.low is None

    def matches(self, number: float) -> bool:
        if self.is_any:
            return True
        if self.low is not None and self.high is not None:
            return self.low <= number <= self.high
        assert self.value is not None
        # A hair of slack so that 0.1 + 0.2 style binary noise never fails a right answer.
        slack = 1e-9 * max(1.0, abs(self.value))
        return abs(number - self.value) <= self.tolerance + slack


@dataclass(frozen=True)
class Pair:
    question: str
    html: str
    answer: str
    format: str | None = None  # the item's own text format, as for Choice


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    html: str
    points: float
    format: str = "markdown"
    title: str | None = None
    choices: tuple[Choice, ...] = ()
    numbers: tuple[NumericAnswer, ...] = ()
    pairs: tuple[Pair, ...] = ()
    distractors: tuple[str, ...] = ()
    answer: bool | None = None
    feedback_true: str | None = None
    feedback_true_html: str | None = None
    feedback_false: str | None = None
    feedback_false_html: str | None = None
    feedback: str | None = None
    feedback_html: str | None = None
    tags: tuple[str, ...] = field(default=())
    category: str | None = None

    @property
    def is_graded(self) -> bool:
        return self.type != "description"


def to_html(text: str, fmt: str, render: Renderer, *, inline: bool = False) -> str:
    """Safe HTML for a question text, a choice or a feedback, in its declared format."""
    if fmt == "markdown":
        out = render(content_hash(text.encode()), text, None).html.strip()
        if inline and out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        return out
    if fmt == "plain":
        return html_lib.escape(text).replace("\n", "<br>")
    if fmt == "moodle":
        text = text.replace("\n", "<br>")
    return sanitize(text)


def number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else round(value, 6)


class _Reader:
    """Reads one question mapping; every problem points at its line."""

    def __init__(
        self,
        raw: dict[str, Any],
        lines: Lines,
        problems: ProblemList,
        index: int,
        gift: bool = False,
    ):
        self.raw = raw
        # A GIFT question's handle is its ``::title::``; its fixes are told in GIFT terms.
        self.gift = gift
        title = raw.get("title")
        label = f"question '{title}'" if gift and "id" not in raw and title else None
        self.f = Fields(raw, lines, problems, "questions", index, label=label)
        self.lines = lines
        self.problems = problems
        self.index = index

    def line(self, *path: str | int) -> int:
        return self.lines.at("questions", self.index, *path)

    def place(self, path: tuple[str | int, ...]) -> str:
        """``question 'rituals', choice 2``: the question, and the entry ``path`` is in."""
        ints = [n for n, part in enumerate(path) if isinstance(part, int)]
        inner = describe(path[: ints[-1] + 1]) if ints else ""
        return f"{self.f.label}, {inner}" if inner else self.f.label

    def fields(self, item: dict[str, Any], path: tuple[str | int, ...]) -> Fields:
        return Fields(
            item, self.lines, self.problems, "questions", self.index, *path, label=self.place(path)
        )

    def fix(self, yaml: str, gift: str) -> str:
        """The same advice in the terms of the file the question is written in."""
        return gift if self.gift else yaml

    def error(self, message: str, *path: str | int) -> None:
        self.problems.error(self.line(*path), f"{self.place(path)}: {message}")

    def weight(self, item: dict[str, Any], path: tuple[str | int, ...], default: float) -> float:
        if "weight" in item:
            value = item["weight"]
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.error(
                    self.fix(
                        "'weight' is a percentage, e.g. 50 or -25", "a weight is ~%50% or ~%-25%"
                    ),
                    *path,
                    "weight",
                )
                return default
            if not -100 <= value <= 100 or not math.isfinite(value):
                self.error(
                    self.fix(
                        "'weight' must be between -100 and 100", "a ~%N% weight is from -100 to 100"
                    ),
                    *path,
                    "weight",
                )
                return default
            return float(value)
        correct = item.get("correct")
        if correct is not None and not isinstance(correct, bool):
            self.error("'correct' must be true or false", *path, "correct")
        return 100.0 if correct else default

    def items(self, key: str, minimum: int) -> list[Any]:
        value = self.raw.get(key)
        if not isinstance(value, list) or len(value) < minimum:
            self.error(f"'{key}' must be a list of at least {minimum}", key)
            return []
        return value

    def text_of(self, item: Any, path: tuple[str | int, ...], key: str = "text") -> str | None:
        value = item.get(key) if isinstance(item, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.error(f"'{key}' must be non-empty text", *path)
            return None
        return value.strip()

    def optional_text(self, item: dict[str, Any], key: str, path: tuple[str | int, ...]) -> str:
        value = item.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error(f"'{key}' must be text", *path, key)
            return ""
        return value.strip()


def _choices(r: _Reader, kind: str, fmt: str, html: Callable[..., str]) -> tuple[Choice, ...]:
    key = "answers" if kind == "short" else "choices"
    raw_items = r.items(key, 1 if kind == "short" else 2)
    shorthand = kind == "multiple" and not any(
        isinstance(c, dict) and "weight" in c for c in raw_items
    )
    found: list[Choice] = []
    for index, item in enumerate(raw_items):
        if kind == "short" and isinstance(item, str | int | float) and not isinstance(item, bool):
            item = {"text": str(item)}
        path = (key, index)
        if not isinstance(item, dict):
            r.error("each entry is a mapping with 'text'", *path)
            continue
        r.fields(item, path).warn_unknown(
            {"text", "weight", "correct", "feedback", "format"}
            if kind != "short"
            else {"text", "weight", "correct", "feedback"}
        )
        own = _own_format(r, item, path, fmt)
        text = r.text_of(item, path)
        weight = r.weight(item, path, 100.0 if kind == "short" else 0.0)
        feedback = r.optional_text(item, "feedback", path) or None
        if text is None:
            continue
        found.append(
            Choice(
                text=text,
                html=html(text, inline=True, fmt=own) if kind != "short" else html_lib.escape(text),
                weight=weight,
                feedback=feedback,
                feedback_html=html(feedback) if feedback else None,
                format=own,
            )
        )
    if shorthand and found:
        right = sum(1 for c in found if c.weight > 0)
        if right == 0:
            r.error(
                r.fix(
                    "mark the right choices with 'correct: true' or give weights",
                    "no right answer: put '=' before the right answer, or give weights (~%50%)",
                ),
                key,
            )
            return tuple(found)
        # Each right choice is worth an equal share; each wrong one costs the same share.
        share = round(100.0 / right, 4)
        found = [
            Choice(
                c.text,
                c.html,
                share if c.weight > 0 else -share,
                c.feedback,
                c.feedback_html,
                c.format,
            )
            for c in found
        ]
    weights = [c.weight for c in found]
    if kind == "multiple" and found:
        total = sum(w for w in weights if w > 0)
        if abs(total - 100) > 0.05:
            r.error(
                f"the positive weights add up to {number(total)}%, not 100%"
                + r.fix("", ": make the ~%N% weights of the right answers add up to 100"),
                key,
            )
    elif found and max(weights) != 100:
        r.error(
            "at least one answer must be worth 100% "
            + r.fix("(weight 100 or correct: true)", "(put '=' before it, or ~%100%)"),
            key,
        )
    return tuple(found)


def _own_format(
    r: _Reader, item: dict[str, Any], path: tuple[str | int, ...], fmt: str
) -> str | None:
    """An item's ``format`` when it has one of its own, different from the question's."""
    own = item.get("format")
    if own is None or own == fmt:
        return None
    if own not in FORMATS:
        r.error(f"'format' must be one of: {', '.join(FORMATS)}", *path, "format")
        return None
    return str(own)


def _numeric_entry(item: Any) -> dict[str, Any] | None:
    if isinstance(item, int | float) and not isinstance(item, bool):
        return {"value": item}
    if item == "*":
        return {"value": "*"}
    if isinstance(item, str):
        match = _NUMERIC_TEXT.match(item)
        if not match:
            return None
        first, sep, second = match.groups()
        if sep == "..":
            return {"min": float(first), "max": float(second)}
        return {"value": float(first), "tolerance": float(second) if second else 0}
    return item if isinstance(item, dict) else None


def _numbers(r: _Reader, html: Callable[..., str]) -> tuple[NumericAnswer, ...]:
    found: list[NumericAnswer] = []
    for index, raw in enumerate(r.items("answers", 1)):
        path = ("answers", index)
        item = _numeric_entry(raw)
        if item is None:
            r.error("a numeric answer is 15, '15:0.5', '14..16' or a mapping", *path)
            continue
        sub = r.fields(item, path)
        sub.warn_unknown({"value", "tolerance", "min", "max", "weight", "feedback"})
        weight = r.weight(item, path, 100.0)
        feedback = r.optional_text(item, "feedback", path) or None
        fb_html = html(feedback) if feedback else None
        if "min" in item or "max" in item:
            low, high = sub.number("min"), sub.number("max")
            if low is None or high is None:
                continue
            if low > high:
                r.error("'min' is above 'max'", *path)
                continue
            found.append(NumericAnswer(None, 0.0, low, high, weight, feedback, fb_html))
            continue
        if item.get("value") == "*":
            # Any number: with weight 0 and a feedback, what every other answer is told.
            found.append(NumericAnswer(None, 0.0, None, None, weight, feedback, fb_html))
            continue
        value = sub.number("value")
        tolerance = sub.number("tolerance", required=False, default=0.0, minimum=0)
        if value is None:
            continue
        found.append(NumericAnswer(value, tolerance or 0.0, None, None, weight, feedback, fb_html))
    if found and max(a.weight for a in found) != 100:
        r.error(
            "at least one numeric answer must be worth 100%"
            + r.fix("", " (put '=' before it, or ~%100%)"),
            "answers",
        )
    return tuple(found)


def _pairs(r: _Reader, fmt: str, html: Callable[..., str]) -> tuple[Pair, ...]:
    found: list[Pair] = []
    for index, item in enumerate(r.items("pairs", 2)):
        path = ("pairs", index)
        if not isinstance(item, dict):
            r.error("a pair is a mapping with 'question' and 'answer'", *path)
            continue
        r.fields(item, path).warn_unknown({"question", "answer", "format"})
        own = _own_format(r, item, path, fmt)
        question = r.text_of(item, path, "question")
        answer = r.text_of(item, path, "answer")
        if question and answer:
            shown = html(question, inline=True, fmt=own)
            found.append(Pair(question, shown, " ".join(answer.split()), own))
    return tuple(found)


def parse_question(
    raw: Any,
    index: int,
    lines: Lines,
    problems: ProblemList,
    render: Renderer,
    gift: bool = False,
) -> Question | None:
    if not isinstance(raw, dict):
        problems.error(
            lines.at("questions", index),
            f"{name_item('questions', index, raw)}: a question is a mapping with type and text",
        )
        return None
    r = _Reader(raw, lines, problems, index, gift)
    kind = raw.get("type")
    if kind not in QUESTION_TYPES:
        r.error(f"'type' must be one of: {', '.join(QUESTION_TYPES)}", "type")
        return None
    r.f.warn_unknown(_COMMON | _KEYS[kind])
    errors_before = len([p for p in problems.items if p.is_error])
    fmt = raw.get("format", "markdown")
    if fmt not in FORMATS:
        r.error(f"'format' must be one of: {', '.join(FORMATS)}", "format")
        fmt = "markdown"
    text = r.f.text("text")
    title = r.f.text("title", required=False)
    default_points = 0 if kind == "description" else 1
    points = r.f.number("points", required=False, default=default_points, minimum=0, maximum=1000)
    if kind == "description" and points:
        r.error("a description carries no points", "points")
    qid = raw.get("id")
    if qid is not None and (not isinstance(qid, str | int) or not ID_RE.match(str(qid))):
        r.error("'id' is letters, digits, '-', '_', '.' or ':' (up to 100)", "id")
        qid = None

    def html(value: str, inline: bool = False, fmt: str | None = fmt) -> str:
        return to_html(value, fmt or "markdown", render, inline=inline)

    spec: dict[str, Any] = {}
    if kind in {"single", "multiple", "short"}:
        spec["choices"] = _choices(r, kind, fmt, html)
    elif kind == "numeric":
        spec["numbers"] = _numbers(r, html)
    elif kind == "matching":
        spec["pairs"] = _pairs(r, fmt, html)
        extra = raw.get("distractors", [])
        if not isinstance(extra, list) or not all(isinstance(x, str) and x.strip() for x in extra):
            r.error("'distractors' must be a list of text", "distractors")
            extra = []
        spec["distractors"] = tuple(" ".join(x.split()) for x in extra)
    elif kind == "true_false":
        answer = raw.get("answer")
        if not isinstance(answer, bool):
            r.error("'answer' must be true or false", "answer")
        spec["answer"] = answer
        for side in ("feedback_true", "feedback_false"):
            value = r.optional_text(raw, side, ()) or None
            spec[side] = value
            spec[f"{side}_html"] = html(value) if value else None
    general = r.optional_text(raw, "feedback", ()) or None
    tags = r.f.text_list("tags", required=False)
    category = r.f.text("category", required=False)
    if text is None or len([p for p in problems.items if p.is_error]) > errors_before:
        return None
    return Question(
        id=str(qid) if qid is not None else "",
        type=kind,
        text=text,
        html=html(text),
        points=float(points or 0),
        format=fmt,
        title=title,
        feedback=general,
        feedback_html=html(general) if general else None,
        tags=tags,
        category=category,
        **spec,
    )


def assign_ids(questions: list[Question]) -> list[Question]:
    """Questions without an ``id`` get one from their type and text: stable across reorders."""
    taken = {q.id for q in questions if q.id}
    result = []
    for question in questions:
        if not question.id:
            base = "q-" + content_hash(f"{question.type}\n{question.text}".encode())[:8]
            candidate, n = base, 2
            while candidate in taken:
                candidate, n = f"{base}-{n}", n + 1
            taken.add(candidate)
            question = _replace_id(question, candidate)
        result.append(question)
    return result


def _replace_id(question: Question, new_id: str) -> Question:
    values = {name: getattr(question, name) for name in question.__dataclass_fields__}
    values["id"] = new_id
    return Question(**values)
