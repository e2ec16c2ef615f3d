"""Typed field readers for parsed YAML mappings; each reports a problem at the field's line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from .problems import ProblemList
from .sources import Document, Lines, YamlError, load_yaml, split_front_matter

# What authors call the items of a list, in messages: "step 7", not "steps.6".
_NOUNS = {
    "steps": "step",
    "rubric": "criterion",
    "questions": "question",
    "choices": "choice",
    "answers": "answer",
    "pairs": "pair",
    "roles": "role",
    "objectives": "objective",
    "distractors": "distractor",
}
_STEP_KINDS = ("course", "quiz", "roleplay", "signoff")
_KIND_WORDS = {"signoff": "sign-off"}


def name_item(collection: str, index: int, data: object) -> str:
    """An item of a list as its author knows it: ``step 7 (sign-off hiring-plan)``,
    ``criterion 'diagnosis'``, ``question 'rituals'``; else its noun and number from 1."""
    noun = _NOUNS.get(collection, collection)
    raw = data if isinstance(data, dict) else {}
    if collection == "steps":
        kind = next((k for k in _STEP_KINDS if k in raw), None)
        if kind is not None and isinstance(raw[kind], str):
            return f"step {index + 1} ({_KIND_WORDS.get(kind, kind)} {raw[kind]})"
    named = raw.get("key") if collection == "rubric" else raw.get("id")
    if collection in {"rubric", "questions"} and isinstance(named, str | int) and named != "":
        return f"{noun} '{named}'"
    return f"{noun} {index + 1}"


def describe(path: tuple[str | int, ...], data: object = None) -> str:
    """A place in a file in authors' words: ``question 3, choice 2``; ``data`` (the mapping
    at ``path``) names the last item when it has an id, a key or a step's slug."""
    parts: list[str] = []
    items = list(path)
    for position, part in enumerate(items):
        if isinstance(part, int):
            continue
        nxt = items[position + 1] if position + 1 < len(items) else None
        if isinstance(nxt, int):
            last = position + 2 == len(items)
            parts.append(name_item(part, nxt, data if last else None))
        else:
            parts.append(f"'{part}'")
    return ", ".join(parts)


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``; did you mean 'attempts'?`` for a near miss, else the list of known names."""
    names = sorted(known)
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; the known fields are: {', '.join(names)}"


class Fields:
    """Reads fields out of one mapping, reporting missing or mistyped ones and unknown keys."""

    def __init__(
        self,
        data: dict[str, Any],
        lines: Lines,
        problems: ProblemList,
        *path: str | int,
        label: str | None = None,
    ) -> None:
        self.data = data
        self.lines = lines
        self.problems = problems
        self.path = path
        # Messages start with the place, in authors' words ("step 7 (sign-off x): ...").
        self.label = describe(path, data) if label is None else label

    def line(self, key: str | None = None) -> int:
        return self.lines.at(*self.path, key) if key else self.lines.at(*self.path)

    def say(self, message: str) -> str:
        return f"{self.label}: {message}" if self.label else message

    def _missing(self, key: str) -> None:
        self.problems.error(self.line(), self.say(f"missing required field '{key}'"))

    def text(self, key: str, *, required: bool = True, default: str | None = None) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self._missing(key)
            return default
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.problems.error(self.line(key), self.say(f"'{key}' must be non-empty text"))
            return default
        return value.strip()

    def integer(
        self,
        key: str,
        *,
        required: bool = True,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self._missing(key)
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.error(self.line(key), self.say(f"'{key}' must be a whole number"))
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            span = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            self.problems.error(self.line(key), self.say(f"'{key}' must be {span}"))
            return default
        return value

    def number(
        self,
        key: str,
        *,
        required: bool = True,
        default: float | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self._missing(key)
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.error(self.line(key), self.say(f"'{key}' must be a number"))
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.problems.error(
                self.line(key), self.say(f"'{key}' must be between {minimum} and {maximum}")
            )
            return default
        return float(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problems.error(self.line(key), self.say(f"'{key}' must be true or false"))
            return default
        return value

    def text_list(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                self._missing(key)
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problems.error(self.line(key), self.say(f"'{key}' must be a list of text"))
            return ()
        return tuple(v.strip() for v in value)

    def warn_unknown(self, known: Iterable[str]) -> None:
        """Unknown keys are warnings, not errors: people import existing handbooks."""
        allowed = set(known)
        for key in self.data:
            if key not in allowed:
                message = f"unknown field '{key}'{did_you_mean(str(key), allowed)}"
                self.problems.warning(self.line(str(key)), self.say(message))


def decode_text(data: bytes, problems: ProblemList) -> str | None:
    """A content file's text; None (with a problem at the right line) when it is empty or
    not UTF-8 (a file saved by an old Windows editor, in Windows-1252, is the usual case)."""
    if not data.strip():
        problems.error(1, "empty file")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        problems.error(line, f"not UTF-8 (byte 0x{byte} on this line): save the file as UTF-8")
        return None


def read_mapping(data: bytes, problems: ProblemList, what: str) -> Fields | None:
    """A YAML file that must be a mapping, as Fields; None (with a problem) if it is not."""
    text = decode_text(data, problems)
    if text is None:
        return None
    try:
        meta, lines = load_yaml(text)
    except YamlError as exc:
        problems.error(exc.line, exc.message)
        return None
    if not isinstance(meta, dict):
        problems.error(1, f"{what} must be a mapping of 'key: value' lines")
        return None
    return Fields(meta, lines, problems)


def read_front_matter(data: bytes, problems: ProblemList) -> Document | None:
    """A Markdown file with YAML front matter; None (with a problem) if it cannot be read."""
    text = decode_text(data, problems)
    if text is None:
        return None
    try:
        return split_front_matter(text)
    except YamlError as exc:
        problems.error(exc.line, exc.message)
    return None
