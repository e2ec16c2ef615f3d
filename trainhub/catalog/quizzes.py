"""Quizzes: ``quizzes/<slug>.yaml`` (or ``<slug>.gift`` with settings beside it).

Placeholder until the quiz parser lands: it only discovers nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .markdown import Renderer
from .problems import Problem


@dataclass(frozen=True)
class Quiz:
    slug: str
    title: str
    roles: tuple[str, ...]
    pass_mark: int
    path: str
    content_hash: str


def discover(root: Path, render: Renderer) -> tuple[dict[str, Quiz], list[Problem]]:
    return {}, []
