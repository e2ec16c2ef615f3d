"""Moodle GIFT export: question mappings (the quiz YAML form) to GIFT that Moodle imports. Pure.

Every control character is escaped, newlines become ``\\n``, and each question text starts
with its format tag, so no text can be read back as a comment, a category or a weight.
``parse_gift(export_gift(questions)).questions == questions``.
"""

from __future__ import annotations

import re
from typing import Any

from .gift import _FORMAT_RE, _number

_SPECIAL = re.compile(r"([\\~=#{}:])")


class GiftExportError(ValueError):
    pass


def _esc(text: str) -> str:
    """Escape GIFT's control characters; newlines become ``\\n`` so a blank line inside a
    text can never end the question early."""
    return _SPECIAL.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", "\\n")


def _num(value: float) -> str:
    number = _number(repr(float(value)))
    return str(number) if isinstance(number, int) else repr(number)


def _wt(weight: float) -> str:
    return f"%{_num(weight)}%"


def _answer(text: str, fmt: str, own: str | None = None) -> str:
    # An answer in a format of its own says so; one that itself starts like a format tag or
    # a weight must not be read as one.
    if own:
        return f"[{own}]" + _esc(text)
    prefix = f"[{fmt}]" if _FORMAT_RE.match(text) or text.lstrip().startswith("%") else ""
    return prefix + _esc(text)


def _fb(feedback: str | None, fmt: str = "markdown") -> str:
    if not feedback:
        return ""
    # A feedback that starts like a format tag would lose it on import: tag it first.
    return f"#[{fmt}]{_esc(feedback)}" if _FORMAT_RE.match(feedback) else f"#{_esc(feedback)}"


def _choice_weight(kind: str, choice: dict[str, Any]) -> float:
    if "weight" in choice:
        return float(choice["weight"])
    return 100.0 if choice.get("correct") else 0.0


def _export_choices(question: dict[str, Any], fmt: str) -> list[str]:
    kind = question["type"]
    choices = question["choices"]
    weights = [_choice_weight(kind, c) for c in choices]
    lines = []
    if kind == "single":
        # Moodle reads a block with '=' and '~' as single choice: the best answer takes '='.
        best = max(range(len(choices)), key=lambda i: weights[i])
        for index, (choice, weight) in enumerate(zip(choices, weights, strict=True)):
            if index == best:
                marker = "=" + ("" if weight == 100 else _wt(weight))
            else:
                marker = "~" + ("" if weight == 0 else _wt(weight))
            lines.append(_choice_line(marker, choice, fmt))
        return lines
    for choice, weight in zip(choices, weights, strict=True):
        marker = "~" + ("" if weight == 0 else _wt(weight))
        lines.append(_choice_line(marker, choice, fmt))
    return lines


def _choice_line(marker: str, choice: dict[str, Any], fmt: str) -> str:
    text = _answer(choice["text"], fmt, choice.get("format"))
    return f"{marker}{text}{_fb(choice.get('feedback'), fmt)}"


def _export_numeric(question: dict[str, Any], fmt: str) -> list[str]:
    lines = []
    answers = question["answers"]
    for index, answer in enumerate(answers):
        weight = float(answer.get("weight", 100))
        if answer.get("value") == "*":
            if weight == 0 and 0 < index == len(answers) - 1:
                # Moodle's own form of "any other number": '~', last in the block.
                lines.append(f"~{_fb(answer.get('feedback'), fmt)}")
                continue
            value = "*"
        elif "min" in answer:
            value = f"{_num(answer['min'])}..{_num(answer['max'])}"
        elif answer.get("tolerance"):
            value = f"{_num(answer['value'])}:{_num(answer['tolerance'])}"
        else:
            value = _num(answer["value"])
        marker = "=" + ("" if weight == 100 else _wt(weight))
        lines.append(f"{marker}{value}{_fb(answer.get('feedback'), fmt)}")
    return lines


def _export_body(question: dict[str, Any], fmt: str) -> list[str]:
    kind = question["type"]
    if kind in {"single", "multiple"}:
        return _export_choices(question, fmt)
    if kind == "short":
        lines = []
        for answer in question["answers"]:
            if "->" in answer["text"]:
                raise GiftExportError(f"short answer '{answer['text']}': GIFT cannot hold '->'")
            weight = float(answer.get("weight", 100))
            marker = "=" + ("" if weight == 100 else _wt(weight))
            lines.append(
                f"{marker}{_answer(answer['text'], fmt)}{_fb(answer.get('feedback'), fmt)}"
            )
        return lines
    if kind == "numeric":
        return ["#", *_export_numeric(question, fmt)]
    if kind == "matching":
        lines = []
        for pair in question["pairs"]:
            if "->" in pair["question"]:
                raise GiftExportError(f"matching item '{pair['question']}': GIFT cannot hold '->'")
            left = _answer(pair["question"], fmt, pair.get("format"))
            lines.append(f"={left} -> {_esc(pair['answer'])}")
        lines.extend(f"= -> {_esc(extra)}" for extra in question.get("distractors", ()))
        return lines
    if kind == "true_false":
        answer = bool(question["answer"])
        on_true, on_false = question.get("feedback_true"), question.get("feedback_false")
        wrong, right = (on_false, on_true) if answer else (on_true, on_false)
        text = "TRUE" if answer else "FALSE"
        if right:
            text += f"{_fb(wrong, fmt) or '#'}{_fb(right, fmt)}"
        elif wrong:
            text += _fb(wrong, fmt)
        return [text]
    return []  # essay


def export_question(question: dict[str, Any]) -> str:
    kind = question["type"]
    fmt = question.get("format", "markdown")
    head: list[str] = []
    meta = []
    if question.get("id"):
        meta.append(f"[id:{question['id']}]")
    meta.extend(f"[tag:{tag}]" for tag in question.get("tags", ()))
    if "points" in question:
        meta.append(f"[points:{_num(question['points'])}]")
    if meta:
        head.append("// " + " ".join(meta))
    title = f"::{_esc(question['title'])}::" if question.get("title") else ""
    # The format tag always leads, so a text starting with '//' or '$CATEGORY' stays text.
    stem = f"{title}[{fmt}]{_esc(question['text'])}"
    if kind == "description":
        return "\n".join([*head, stem])
    body = _export_body(question, fmt)
    general = question.get("feedback")
    if general:
        body.append(f"###{_fb(general, fmt)}")
    if kind in {"essay", "true_false"}:
        return "\n".join([*head, f"{stem} {{{''.join(body)}}}"])
    if kind == "numeric":
        return "\n".join([*head, f"{stem} {{#", *(f"    {b}" for b in body[1:]), "}"])
    return "\n".join([*head, f"{stem} {{", *(f"    {b}" for b in body), "}"])


def export_gift(questions: list[dict[str, Any]], *, title: str | None = None) -> str:
    """GIFT text for question mappings, as Moodle's importer reads it."""
    parts: list[str] = []
    if title:
        parts.append(f"// {title}")
    category = None
    for question in questions:
        if question.get("category") and question["category"] != category:
            category = question["category"]
            parts.append(f"$CATEGORY: {_esc(category)}")
        parts.append(export_question(question))
    return "\n\n".join(parts) + "\n"
