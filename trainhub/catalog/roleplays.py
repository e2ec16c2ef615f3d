"""Role-play cases: ``roleplays/<slug>.md``. Placeholder until the case parser lands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .markdown import Renderer
from .problems import Problem


@dataclass(frozen=True)
class RoleplayCase:
    slug: str
    title: str
    roles: tuple[str, ...]
    passing_score: float
    path: str
    content_hash: str


def discover(root: Path, render: Renderer) -> tuple[dict[str, RoleplayCase], list[Problem]]:
    return {}, []
