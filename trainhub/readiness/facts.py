"""What the database knows about one hire, as plain frozen values: the rules' input.

Kept apart from the SQL that gathers them (``readiness.gather``) so that the rules, and the
tests that hand-build facts, import no models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class CourseFact:
    """What a hire read of one course: each completed lesson's slug with the hash of the
    lesson file they read, and when they completed the last one."""

    lessons: Mapping[str, str]
    last_completed_at: datetime


@dataclass(frozen=True)
class AttemptFact:
    number: int
    status: str  # in_progress | awaiting_grading | graded
    percent: float | None  # 0-100, None until graded
    quiz_hash: str
    submitted_at: datetime | None


@dataclass(frozen=True)
class SubmissionFact:
    version: int
    status: str  # draft | submitted | needs_work | approved
    case_hash: str
    submitted_at: datetime | None
    review_score: float | None = None
    reviewed_at: datetime | None = None
    reviewer: str | None = None


@dataclass(frozen=True)
class SignOffFact:
    signed_by: str
    signed_at: datetime
    track_hash: str | None = None  # the track file's version the item was signed against


@dataclass(frozen=True)
class DecisionFact:
    """A mentor's or manager's decision about a changed item (``stale.models``): ``redo``
    (the step counts as not done until the hire does it again) or ``minor`` (no flag for
    this version)."""

    version: str
    verdict: str  # redo | minor
    decided_at: datetime
    redone_at: datetime | None = None
    redone_version: str | None = None


@dataclass(frozen=True)
class HireFacts:
    courses: Mapping[str, CourseFact] = field(default_factory=dict)
    attempts: Mapping[str, tuple[AttemptFact, ...]] = field(default_factory=dict)
    submissions: Mapping[str, tuple[SubmissionFact, ...]] = field(default_factory=dict)
    signoffs: Mapping[str, SignOffFact] = field(default_factory=dict)
    # By (kind, item): ("lesson", "course/lesson"), ("quiz", slug), ("roleplay", slug).
    decisions: Mapping[tuple[str, str], tuple[DecisionFact, ...]] = field(default_factory=dict)

    @property
    def has_activity(self) -> bool:
        return bool(self.courses or self.attempts or self.submissions or self.signoffs)
