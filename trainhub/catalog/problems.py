"""A problem found in a content file, reported as ``path:line: message``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ProblemList:
    """Collects problems for one file so parsers can report and go on."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.items.append(Problem(self.path, max(line, 1), message))

    def warning(self, line: int, message: str) -> None:
        self.items.append(Problem(self.path, max(line, 1), message, "warning"))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]
