"""Typed field readers for parsed YAML mappings; each reports a problem at the field's line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .problems import ProblemList
from .sources import Document, Lines, YamlError, load_yaml, split_front_matter


class Fields:
    """Reads fields out of one mapping, reporting missing or mistyped ones and unknown keys."""

    def __init__(
        self, data: dict[str, Any], lines: Lines, problems: ProblemList, *path: str | int
    ) -> None:
        self.data = data
        self.lines = lines
        self.problems = problems
        self.path = path

    def line(self, key: str | None = None) -> int:
        return self.lines.at(*self.path, key) if key else self.lines.at(*self.path)

    def _where(self, key: str) -> str:
        return ".".join(str(p) for p in (*self.path, key))

    def text(self, key: str, *, required: bool = True, default: str | None = None) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problems.error(self.line(), f"missing required field '{self._where(key)}'")
            return default
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.problems.error(self.line(key), f"'{self._where(key)}' must be non-empty text")
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
                self.problems.error(self.line(), f"missing required field '{self._where(key)}'")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.error(self.line(key), f"'{self._where(key)}' must be a whole number")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            span = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            self.problems.error(self.line(key), f"'{self._where(key)}' must be {span}")
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
                self.problems.error(self.line(), f"missing required field '{self._where(key)}'")
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.error(self.line(key), f"'{self._where(key)}' must be a number")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.problems.error(
                self.line(key), f"'{self._where(key)}' must be between {minimum} and {maximum}"
            )
            return default
        return float(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problems.error(self.line(key), f"'{self._where(key)}' must be true or false")
            return default
        return value

    def text_list(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problems.error(self.line(), f"missing required field '{self._where(key)}'")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problems.error(self.line(key), f"'{self._where(key)}' must be a list of text")
            return ()
        return tuple(v.strip() for v in value)

    def warn_unknown(self, known: Iterable[str]) -> None:
        """Unknown keys are warnings, not errors: people import existing handbooks."""
        allowed = set(known)
        for key in self.data:
            if key not in allowed:
                self.problems.warning(self.line(str(key)), f"unknown field '{self._where(key)}'")


def read_mapping(data: bytes, problems: ProblemList, what: str) -> Fields | None:
    """A YAML file that must be a mapping, as Fields; None (with a problem) if it is not."""
    try:
        meta, lines = load_yaml(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problems.error(1, f"not UTF-8 text: {exc.reason}")
        return None
    except YamlError as exc:
        problems.error(exc.line, exc.message)
        return None
    if not isinstance(meta, dict):
        problems.error(1, f"{what} must be a mapping of 'key: value' lines")
        return None
    return Fields(meta, lines, problems)


def read_front_matter(data: bytes, problems: ProblemList) -> Document | None:
    """A Markdown file with YAML front matter; None (with a problem) if it cannot be read."""
    try:
        return split_front_matter(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problems.error(1, f"not UTF-8 text: {exc.reason}")
    except YamlError as exc:
        problems.error(exc.line, exc.message)
    return None
