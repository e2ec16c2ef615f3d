"""Moodle GIFT: parse into TrainHub quiz question mappings, and export them back. Pure.

The parser follows Moodle's own importer (question/format/gift/format.php) where the format's
documentation is silent: type detection order, ``#`` feedback for true/false being "wrong
answer" then "right answer", upper-case ``T``/``TRUE``/``F``/``FALSE``. Like
GIFT-grammar-PEG.js, text in a format other than Markdown has its whitespace collapsed, and a
missing-word question keeps a ``_____`` where its answer block stood. Export is in
``gift_export.py``.

Questions come out as the mappings a quiz YAML file holds (see ``trainhub/catalog/quizzes.py``),
so ``import-gift`` writes them as they are and ``content check`` validates them the same way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

FORMATS = ("markdown", "html", "moodle", "plain")
GIFT_DEFAULT_FORMAT = "moodle"
BLANK = "_____"

# Escaped characters become private-use placeholders so the structure can be split on the
# real control characters; they are put back in every piece of text at the end.
_ESCAPABLE = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004",
              "}": "\ue005", ":": "\ue006", "n": "\ue007"}  # fmt: skip
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _ESCAPABLE.items()}
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_FORMAT_RE = re.compile(r"\s*\[(markdown|html|moodle|plain)\]")
_WEIGHT_RE = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
_TAG_RE = re.compile(r"\[(id|tag|points):([^\]]*)\]")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE_RE = re.compile(rf"^({_NUMBER})\.\.({_NUMBER})$")
_TOLERANCE_RE = re.compile(rf"^({_NUMBER})(?::({_NUMBER}))?$")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class GiftError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


@dataclass
class GiftDocument:
    questions: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the GIFT line each question starts on
    categories: list[str] = field(default_factory=list)
    errors: list[GiftError] = field(default_factory=list)
    # Read as Moodle reads them, but probably not what the author meant (see _stray_markers).
    warnings: list[GiftError] = field(default_factory=list)


@dataclass
class _Block:
    rows: list[tuple[int, str]]  # (file line, text with placeholders), comments removed
    comments: list[str]

    def line_at(self, text: str, pos: int) -> int:
        """The file line of character ``pos`` of the joined text."""
        index = min(text.count("\n", 0, max(pos, 0)), len(self.rows) - 1)
        return self.rows[index][0]


def _protect(line: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPABLE[m.group(1)], line)


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(ch, ch) for ch in text)


def _clean(text: str, fmt: str) -> str:
    """Whitespace rules of a text in ``fmt``, then the escapes put back."""
    # ASCII whitespace only: a no-break space in pasted HTML is there on purpose.
    text = text.strip() if fmt == "markdown" else re.sub(r"[ \t\r\n\f\v]+", " ", text).strip()
    return _restore(text)


def _number(raw: str) -> int | float:
    value = float(raw)
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


_LINES = re.compile(r"\r\n|\r|\n")


def _split_blocks(source: str) -> tuple[list[_Block], list[GiftError]]:
    blocks: list[_Block] = []
    errors: list[GiftError] = []
    rows: list[tuple[int, str]] = []
    comments: list[str] = []
    depth = 0
    opened_at = 0
    # Lines as editors and ``path:line`` count them: str.splitlines() also breaks at form
    # feeds and Unicode separators, which put every later error on the wrong line.
    for number, raw in enumerate(_LINES.split(source), start=1):
        if number == 1 and raw.startswith("\ufeff"):
            raw = raw[1:]
        if raw.strip().startswith("//"):
            comments.append(raw)
            continue
        if not raw.strip() and depth == 0:
            if rows:
                blocks.append(_Block(rows, comments))
            rows, comments = [], []
            continue
        line = _protect(raw)
        for ch in line:
            if ch == "{":
                if depth == 0:
                    opened_at = number
                depth += 1
            elif ch == "}":
                depth -= 1
        if depth < 0:
            errors.append(GiftError(number, "'}' without an opening '{' (write \\} for a brace)"))
            depth = 0
        rows.append((number, line))
    if depth > 0:
        errors.append(GiftError(opened_at, "the answer block opened here is never closed by '}'"))
    elif rows:
        blocks.append(_Block(rows, comments))
    return blocks, errors


def parse_gift(source: str) -> GiftDocument:
    """Every question of a GIFT file, or the errors (with their lines) that stop it."""
    doc = GiftDocument()
    blocks, errors = _split_blocks(source)
    doc.errors.extend(errors)
    category: str | None = None
    for block in blocks:
        text = "\n".join(row for _, row in block.rows)
        if text.lstrip().startswith("$CATEGORY:"):
            category = _clean(text.lstrip()[len("$CATEGORY:") :], "plain")
            doc.categories.append(category)
            continue
        # Also when the question is refused: the stray marker is often why.
        doc.warnings.extend(_stray_markers(block))
        try:
            question = _parse_question(block, text)
        except GiftError as exc:
            doc.errors.append(exc)
            continue
        found = _TAG_RE.findall("\n".join(block.comments))
        ids = [v.strip() for k, v in found if k == "id"]
        tags = [v.strip() for k, v in found if k == "tag"]
        if ids:
            question = {"id": ids[-1], **question}
        if tags:
            question["tags"] = tags
        points = [v.strip() for k, v in found if k == "points"]
        if points:
            # A TrainHub extension in a comment (Moodle skips it): GIFT has no marks field.
            try:
                question["points"] = _number(points[-1])
            except ValueError:
                message = f"[points:{points[-1]}] is not a number"
                doc.errors.append(GiftError(block.rows[0][0], message))
                continue
        if category:
            question["category"] = category
        doc.questions.append(question)
        doc.lines.append(block.rows[0][0])
    return doc


def _answer_rows(block: _Block) -> list[tuple[int, str]]:
    """(file line, the part of that line inside the answer braces), for each line of the block."""
    found: list[tuple[int, str]] = []
    depth = 0
    for number, row in block.rows:
        inside: list[str] = []
        for ch in row:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif depth > 0:
                inside.append(ch)
        if inside:
            found.append((number, "".join(inside)))
    return found


def _stray_markers(block: _Block) -> list[GiftError]:
    """An unescaped '=' or '~' inside an answer's text or feedback starts another answer for
    Moodle ("#6.2 - 5.1 = 1.1" adds the right answer "1.1"). Moodle does it silently; we say
    so when the marker cannot be meant: in a block written one answer per line, a marker in
    the middle of a line; or, after an answer's feedback began, a marker followed by a space."""
    rows = _answer_rows(block)
    one_per_line = sum(1 for _, part in rows if part.lstrip()[:1] in ("=", "~")) >= 2
    warnings: list[GiftError] = []
    for number, part in rows:
        body = part.strip()
        in_feedback = False
        for index in range(1 if body[:1] in ("=", "~") else 0, len(body)):
            ch = body[index]
            if ch == "#":
                in_feedback = True
                continue
            if ch not in ("=", "~"):
                continue
            spaced = index + 1 < len(body) and body[index + 1] in " \t"
            if (one_per_line and body[:index].strip()) or (in_feedback and spaced):
                message = (
                    f"'{ch}' in the middle of this line starts another answer (Moodle reads it "
                    f"so): write \\{ch} if it is part of the text"
                )
                warnings.append(GiftError(number, message))
                break
            in_feedback = False
    return warnings


def _parse_question(block: _Block, text: str) -> dict[str, Any]:
    question: dict[str, Any] = {}
    start = len(text) - len(text.lstrip())
    body_at = start
    title = None
    if text.startswith("::", start):
        end = text.find("::", start + 2)
        if end < 0:
            raise GiftError(block.line_at(text, start), "the title '::' is never closed by '::'")
        title = _clean(text[start + 2 : end], "plain")
        body_at = end + 2
    fmt = GIFT_DEFAULT_FORMAT
    match = _FORMAT_RE.match(text, body_at)
    if match:
        fmt = match.group(1)
        body_at = match.end()
    body = text[body_at:]
    opening = body.find("{")
    closing = body.find("}")
    if opening < 0:
        stem = _clean(body, fmt)
        if not stem:
            raise GiftError(block.line_at(text, body_at), "the question has no text")
        return _finish(question, "description", title, stem, fmt)
    if closing < opening:
        raise GiftError(block.line_at(text, body_at + closing), "'}' before any '{'")
    nested = body.find("{", opening + 1)
    if 0 <= nested < closing:
        raise GiftError(
            block.line_at(text, body_at + nested), "'{' inside an answer block (write \\{)"
        )
    after = body[closing + 1 :]
    if "{" in after or "}" in after:
        raise GiftError(
            block.line_at(text, body_at + closing + 1),
            "a question has one answer block; separate questions with a blank line",
        )
    before = _clean(body[:opening], fmt)
    tail = _clean(after, fmt)
    # A text that goes on after the braces gets the blank where they stood, one that ends
    # with them gets none (Moodle); spaced as GIFT-grammar-PEG.js does ("_____ .").
    stem = f"{before} {BLANK} {tail}" if tail else before
    if not before and not tail:
        raise GiftError(block.line_at(text, body_at), "the question has no text before its '{'")
    line = block.line_at(text, body_at + opening)
    answers = body[opening + 1 : closing]
    general = None
    if "####" in answers:
        # Moodle takes the last '####': general feedback cannot hold one.
        cut = answers.rfind("####")
        answers, general_raw = answers[:cut], answers[cut + 4 :]
        general = _clean(_strip_format(general_raw), fmt) or None
    kind, spec = _parse_answers(answers.strip(), fmt, line)
    question = _finish(question, kind, title, stem, fmt)
    question.update(spec)
    if general:
        question["feedback"] = general
    return question


def _finish(
    question: dict[str, Any], kind: str, title: str | None, stem: str, fmt: str
) -> dict[str, Any]:
    question["type"] = kind
    if title:
        question["title"] = title
    question["text"] = stem
    if fmt != "markdown":
        question["format"] = fmt
    return question


def _strip_format(raw: str) -> str:
    """A feedback's own format tag goes: feedback is shown in its question's format."""
    match = _FORMAT_RE.match(raw)
    return raw[match.end() :] if match else raw


def _split_feedback(raw: str, fmt: str) -> tuple[str, str | None]:
    answer, _, feedback = raw.partition("#")
    return answer, (_clean(_strip_format(feedback), fmt) or None)


def _answer_text(raw: str, fmt: str) -> tuple[str, str | None]:
    """An answer's text, and its own format when it names one other than the question's
    (Moodle keeps a format per answer)."""
    match = _FORMAT_RE.match(raw)
    if match:
        own = match.group(1)
        text = _clean(raw[match.end() :], own)
        return text, (own if own != fmt else None)
    return _clean(raw, fmt), None


def _weight(raw: str, line: int) -> tuple[float | None, str]:
    match = _WEIGHT_RE.match(raw)
    if not match:
        if raw.lstrip().startswith("%"):
            raise GiftError(line, "a weight is written %50% (a number between % signs)")
        return None, raw
    value = float(match.group(1))
    if not -100 <= value <= 100:
        raise GiftError(line, f"weight {match.group(1)}% is outside -100..100")
    return _number(match.group(1)), raw[match.end() :]


def _parse_answers(raw: str, fmt: str, line: int) -> tuple[str, dict[str, Any]]:
    if raw == "":
        return "essay", {}
    if raw.startswith("#"):
        return "numeric", {"answers": _numeric_answers(raw[1:], fmt, line)}
    if "~" in raw:
        return _choices(raw, fmt, line)
    if "=" in raw and "->" in raw:
        return "matching", _matching(raw, fmt, line)
    check = raw[: raw.find("#")].strip() if raw.find("#") > 0 else raw
    if check in _TRUE_FALSE:
        return "true_false", _true_false(raw, fmt)
    return "short", {"answers": _short_answers(raw, fmt, line)}


def _marked(raw: str) -> list[tuple[str, str]]:
    """Split ``=a ~b =c`` into (marker, body) pairs; text before the first marker is kept."""
    parts = re.split(r"([=~])", raw)
    found: list[tuple[str, str]] = []
    if parts[0].strip():
        found.append(("", parts[0]))
    for index in range(1, len(parts), 2):
        found.append((parts[index], parts[index + 1]))
    return found


def _choices(raw: str, fmt: str, line: int) -> tuple[str, dict[str, Any]]:
    kind = "single" if "=" in raw else "multiple"
    choices: list[dict[str, Any]] = []
    for marker, body in _marked(raw):
        if not marker:
            raise GiftError(line, f"text before the first answer: '{_restore(body.strip())}'")
        weight, rest = _weight(body, line)
        if weight is None:
            weight = 100 if marker == "=" else 0
        answer, feedback = _split_feedback(rest, fmt)
        text, own = _answer_text(answer, fmt)
        if not text:
            raise GiftError(line, "an empty answer after '=' or '~'")
        choice: dict[str, Any] = {"text": text}
        if kind == "single" and weight == 100:
            choice["correct"] = True
        elif weight != 0:
            choice["weight"] = weight
        if feedback:
            choice["feedback"] = feedback
        if own:
            choice["format"] = own
        choices.append(choice)
    if len(choices) < 2:
        raise GiftError(line, "a multiple-choice question needs at least two answers")
    return kind, {"choices": choices}


def _short_answers(raw: str, fmt: str, line: int) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    for _marker, body in _marked(raw):
        weight, rest = _weight(body, line)
        answer, feedback = _split_feedback(rest, fmt)
        # Moodle keeps only the text of a short answer: it is compared, never shown.
        text, _own = _answer_text(answer, fmt)
        if not text:
            raise GiftError(line, "an empty short answer after '='")
        entry: dict[str, Any] = {"text": text}
        if weight is not None and weight != 100:
            entry["weight"] = weight
        if feedback:
            entry["feedback"] = feedback
        answers.append(entry)
    return answers


def _numeric_value(raw: str, line: int) -> dict[str, Any]:
    spec = _restore(raw).strip()
    match = _RANGE_RE.match(spec)
    if match:
        low, high = _number(match.group(1)), _number(match.group(2))
        if low > high:
            raise GiftError(line, f"range {spec}: the minimum is above the maximum")
        return {"min": low, "max": high}
    match = _TOLERANCE_RE.match(spec)
    if not match:
        raise GiftError(line, f"'{spec}' is not a number, number:tolerance or min..max")
    value = _number(match.group(1))
    tolerance = _number(match.group(2)) if match.group(2) else 0
    if tolerance < 0 or not math.isfinite(float(value)):
        raise GiftError(line, f"'{spec}': the tolerance must not be negative")
    return {"value": value, "tolerance": tolerance} if tolerance else {"value": value}


def _numeric_answers(raw: str, fmt: str, line: int) -> list[dict[str, Any]]:
    """Moodle's reading: everything from the first '~' is the feedback for any other number
    (the text between '~' and '#' is ignored); before it, '='-separated answers, where an
    empty answer (or '*') accepts any number."""
    wrong: str | None = None
    has_wrong = "~" in raw
    if has_wrong:
        raw, _, tail = raw.partition("~")
        _ignored, wrong = _split_feedback(tail, fmt)
    parts = raw.split("=")
    if not parts[0].strip():
        parts = parts[1:]
    if not parts:
        raise GiftError(line, "a numeric question needs an answer after '#'")
    answers: list[dict[str, Any]] = []
    for body in parts:
        weight, rest = _weight(body, line)
        if weight is None:
            weight = 100
        value, feedback = _split_feedback(rest, fmt)
        entry: dict[str, Any]
        if _restore(value).strip() in {"", "*"}:
            entry = {"value": "*"}
        else:
            entry = _numeric_value(value, line)
        if weight != 100:
            entry["weight"] = weight
        if feedback:
            entry["feedback"] = feedback
        answers.append(entry)
    if has_wrong:
        other: dict[str, Any] = {"value": "*", "weight": 0}
        if wrong:
            other["feedback"] = wrong
        answers.append(other)
    return answers


def _matching(raw: str, fmt: str, line: int) -> dict[str, Any]:
    pairs: list[dict[str, Any]] = []
    distractors: list[str] = []
    for marker, body in _marked(raw):
        if marker != "=" or "->" not in body:
            raise GiftError(line, "matching pairs are written '=question -> answer'")
        if "#" in body:
            raise GiftError(line, "matching pairs take no '#' feedback; use '####' after them")
        left, _, right = body.partition("->")
        (question, own), answer = _answer_text(left, fmt), _clean(right, "plain")
        if not answer:
            raise GiftError(line, "a matching pair has no answer after '->'")
        if question:
            pairs.append(
                {"question": question, "answer": answer, **({"format": own} if own else {})}
            )
        else:
            distractors.append(answer)
    if len(pairs) < 2:
        raise GiftError(line, "a matching question needs at least two pairs")
    spec: dict[str, Any] = {"pairs": pairs}
    if distractors:
        spec["distractors"] = distractors
    return spec


def _true_false(raw: str, fmt: str) -> dict[str, Any]:
    bits = raw.split("#", 2)
    answer = _TRUE_FALSE[bits[0].strip()]
    wrong = _clean(_strip_format(bits[1]), fmt) if len(bits) > 1 else ""
    right = _clean(_strip_format(bits[2]), fmt) if len(bits) > 2 else ""
    spec: dict[str, Any] = {"answer": answer}
    # Moodle: the first feedback is for a wrong answer, the second for a right one.
    on_true, on_false = (right, wrong) if answer else (wrong, right)
    if on_true:
        spec["feedback_true"] = on_true
    if on_false:
        spec["feedback_false"] = on_false
    return spec
