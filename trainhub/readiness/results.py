"""What readiness says of a hire: a status, and a result per step of their track.

Apart from the rules that make them (``readiness.rules``) because most readers only read
them: the dashboard, the CSV, the API and the home page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Status = Literal["not_started", "in_progress", "awaiting_review", "ready"]
STATUSES: tuple[Status, ...] = ("not_started", "in_progress", "awaiting_review", "ready")


@dataclass(frozen=True)
class StepResult:
    kind: str
    slug: str
    title: str
    done: bool
    detail: str
    progress: float  # 0-1, partial credit for courses
    reason: str | None = None  # why it is not done
    waiting_on_mentor: bool = False
    waiting_since: datetime | None = None
    done_at: datetime | None = None
    # Done against an older version of the content than the current one (``catalog.versions``),
    # and the change not marked minor for this hire.
    outdated: bool = False
    # The hire's mentor or manager asked them to redo it (a lesson of a course, a quiz, a case).
    redo: bool = False


@dataclass(frozen=True)
class Readiness:
    status: Status
    steps: tuple[StepResult, ...]
    reasons: tuple[str, ...]
    progress: float
    ready_since: datetime | None

    @property
    def next_step(self) -> StepResult | None:
        """The first step the hire can act on, else the first one waiting on someone else."""
        pending = [s for s in self.steps if not s.done]
        actionable = [s for s in pending if not s.waiting_on_mentor]
        chosen = actionable or pending
        return chosen[0] if chosen else None

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)
