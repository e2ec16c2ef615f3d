"""Readiness rules over hand-built facts: every status, every detail and reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from trainhub.catalog.tracks import Track, TrackStep
from trainhub.readiness.facts import (
    AttemptFact,
    CourseFact,
    HireFacts,
    SignOffFact,
    SubmissionFact,
)
from trainhub.readiness.rules import Items, evaluate

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Lesson:
    slug: str
    content_hash: str


@dataclass(frozen=True)
class Course:
    title: str
    content_hash: str
    lessons: tuple[Lesson, ...]


@dataclass(frozen=True)
class Quiz:
    title: str
    pass_mark: int
    content_hash: str


@dataclass(frozen=True)
class Case:
    title: str
    passing_score: float
    content_hash: str


ITEMS = Items(
    courses={"basics": Course("Basics", "c1", (Lesson("one", "l1"), Lesson("two", "l2")))},
    quizzes={"kpi-basics": Quiz("KPI basics", 70, "q1")},
    roleplays={"cold-call": Case("Cold call", 2.5, "r1")},
)
TRACK = Track(
    role="account-manager",
    title="Account manager",
    summary="",
    target_days=30,
    steps=(
        TrackStep("course", "basics", 1),
        TrackStep("quiz", "kpi-basics", 2, pass_mark=80),
        TrackStep("roleplay", "cold-call", 3, min_score=3.0),
        TrackStep("signoff", "shadowing", 4, title="Shadowed five calls"),
    ),
    path="content/tracks/account-manager.yaml",
    content_hash="t1",
)


def lessons(*slugs: str, at: datetime = T0, lesson_hash: str | None = None) -> dict:
    hashes = {"one": "l1", "two": "l2"}
    return {"basics": CourseFact({s: lesson_hash or hashes[s] for s in slugs}, at)}


def attempt(number: int, percent: float | None, status: str = "graded", **kw) -> AttemptFact:
    at = kw.pop("at", T0 + timedelta(days=number))
    return AttemptFact(number, status, percent, kw.pop("quiz_hash", "q1"), at)


def submission(version: int, status: str, score: float | None = None, **kw) -> SubmissionFact:
    at = kw.pop("at", T0 + timedelta(days=3, hours=version))
    reviewed = at + timedelta(hours=5) if score is not None else None
    return SubmissionFact(
        version, status, kw.pop("case_hash", "r1"), at, score, reviewed, "Maria Mentor"
    )


SIGNED = {"shadowing": SignOffFact("Maria Mentor", T0 + timedelta(days=6), "t1")}


def everything(**overrides) -> HireFacts:
    facts = {
        "courses": lessons("one", "two"),
        "attempts": {"kpi-basics": (attempt(1, 60.0), attempt(2, 85.0))},
        "submissions": {"cold-call": (submission(1, "approved", 3.2),)},
        "signoffs": SIGNED,
    }
    return HireFacts(**{**facts, **overrides})


def step(readiness, kind):
    return next(s for s in readiness.steps if s.kind == kind)


def test_nothing_done_is_not_started_with_a_reason_per_step():
    result = evaluate(TRACK, ITEMS, HireFacts())
    assert result.status == "not_started"
    assert result.progress == 0.0
    assert result.ready_since is None
    assert result.reasons == (
        "course basics: 0 of 2 lessons done",
        "quiz kpi-basics: not attempted yet (pass 80%)",
        "case cold-call: no answer submitted yet",
        "sign-off shadowing: not signed off by the mentor yet",
    )
    assert result.next_step.slug == "basics"


def test_everything_done_is_ready_since_the_last_requirement():
    result = evaluate(TRACK, ITEMS, everything())
    assert result.status == "ready"
    assert result.reasons == ()
    assert result.progress == 1.0
    assert result.ready_since == T0 + timedelta(days=6)  # the sign-off came last
    assert [s.detail for s in result.steps] == [
        "completed, 2/2 lessons",
        "passed 85% (pass 80%)",
        "approved, 3.2/4 (min 3.0)",
        "signed off by Maria Mentor on 2026-11-08",
    ]
    assert result.next_step is None


def test_a_partly_done_course_counts_partially_and_says_how_far():
    result = evaluate(TRACK, ITEMS, HireFacts(courses=lessons("one")))
    assert result.status == "in_progress"
    assert step(result, "course").detail == "1/2 lessons"
    assert "course basics: 1 of 2 lessons done" in result.reasons
    assert 0 < result.progress < 0.25


def test_a_failed_quiz_gives_the_best_score_against_the_pass_mark():
    facts = everything(attempts={"kpi-basics": (attempt(1, 60.0), attempt(2, 45.0))})
    result = evaluate(TRACK, ITEMS, facts)
    assert result.status == "in_progress"
    assert step(result, "quiz").detail == "best 60% (pass 80%)"
    assert result.reasons == ("quiz kpi-basics: best 60%, needs 80%",)


def test_the_tracks_pass_mark_overrides_the_quizs_own():
    # 75% passes the quiz's own 70% but not the track's 80%.
    facts = everything(attempts={"kpi-basics": (attempt(1, 75.0),)})
    assert evaluate(TRACK, ITEMS, facts).reasons == ("quiz kpi-basics: best 75%, needs 80%",)


def test_a_quiz_attempt_in_progress_is_not_a_pass():
    facts = everything(attempts={"kpi-basics": (attempt(1, None, "in_progress"),)})
    result = evaluate(TRACK, ITEMS, facts)
    assert step(result, "quiz").detail == "attempt in progress"
    assert result.status == "in_progress"


def test_essays_waiting_for_grading_make_the_hire_await_review():
    since = T0 + timedelta(days=2)
    facts = everything(attempts={"kpi-basics": (attempt(1, None, "awaiting_grading", at=since),)})
    result = evaluate(TRACK, ITEMS, facts)
    assert result.status == "awaiting_review"
    quiz = step(result, "quiz")
    assert quiz.waiting_on_mentor and quiz.waiting_since == since
    assert result.reasons == ("quiz kpi-basics: essay answers wait for the mentor's grading",)


def test_a_submitted_answer_waits_for_review():
    facts = everything(submissions={"cold-call": (submission(1, "submitted"),)})
    result = evaluate(TRACK, ITEMS, facts)
    assert result.status == "awaiting_review"
    assert step(result, "roleplay").detail == "version 1 awaiting review"
    assert result.reasons == ("case cold-call: version 1 waits for review",)


def test_only_a_missing_signoff_is_awaiting_review():
    result = evaluate(TRACK, ITEMS, everything(signoffs={}))
    assert result.status == "awaiting_review"
    assert result.reasons == ("sign-off shadowing: not signed off by the mentor yet",)


def test_waiting_on_the_mentor_and_on_the_hire_is_in_progress():
    facts = everything(signoffs={}, courses=lessons("one"))
    assert evaluate(TRACK, ITEMS, facts).status == "in_progress"


def test_an_answer_sent_back_names_the_score_and_the_minimum():
    facts = everything(submissions={"cold-call": (submission(1, "needs_work", 2.0),)})
    result = evaluate(TRACK, ITEMS, facts)
    assert result.status == "in_progress"
    assert step(result, "roleplay").detail == "sent back for more work (2.0/4)"
    assert result.reasons == ("case cold-call: sent back by the mentor (2.0/4), needs 3.0",)


def test_approved_below_the_tracks_minimum_is_not_enough():
    # The case passes at 2.5, the track asks for 3.0.
    facts = everything(submissions={"cold-call": (submission(1, "approved", 2.7),)})
    result = evaluate(TRACK, ITEMS, facts)
    assert result.status == "in_progress"
    assert result.reasons == ("case cold-call: approved at 2.7/4, needs 3.0",)


def test_a_resubmission_after_needs_work_waits_for_review_again():
    versions = (submission(1, "needs_work", 2.0), submission(2, "submitted"))
    result = evaluate(TRACK, ITEMS, everything(submissions={"cold-call": versions}))
    assert result.status == "awaiting_review"
    assert step(result, "roleplay").detail == "version 2 awaiting review"


def test_a_draft_is_not_a_submission():
    facts = everything(submissions={"cold-call": (submission(1, "draft", at=None),)})
    result = evaluate(TRACK, ITEMS, facts)
    assert step(result, "roleplay").detail == "draft saved"
    assert result.reasons == ("case cold-call: no answer submitted yet",)


@pytest.mark.parametrize(
    ("facts", "kind"),
    [
        (everything(courses=lessons("one", "two", lesson_hash="old")), "course"),
        (everything(attempts={"kpi-basics": (attempt(1, 90.0, quiz_hash="old"),)}), "quiz"),
        (
            everything(submissions={"cold-call": (submission(1, "approved", 3.5, case_hash="x"),)}),
            "roleplay",
        ),
        (everything(signoffs={"shadowing": SignOffFact("M", T0, "old-track")}), "signoff"),
    ],
)
def test_a_step_done_against_an_older_file_is_still_done_but_flagged(facts, kind):
    result = evaluate(TRACK, ITEMS, facts)
    assert result.status == "ready"
    flagged = [s.kind for s in result.steps if s.outdated]
    assert flagged == [kind]


def test_content_missing_from_the_catalog_is_a_reason_not_a_crash():
    result = evaluate(TRACK, Items(), everything())
    assert result.status == "in_progress"
    assert "quiz kpi-basics: not in the catalog" in result.reasons
    assert "course basics: not in the catalog" in result.reasons


def test_next_step_prefers_what_the_hire_can_do_over_waiting():
    facts = everything(
        signoffs={},
        submissions={"cold-call": (submission(1, "submitted"),)},
        attempts={},
    )
    assert evaluate(TRACK, ITEMS, facts).next_step.kind == "quiz"
