"""Readiness: is a hire ready for clients, and if not, why not. Pure functions, no Flask.

``evaluate(track, items, facts)`` walks the track's steps in order and judges each against
what the hire has done (``HireFacts``, gathered from the database by ``readiness.gather``).
Every step gets a human-readable detail, and every step that is not done gets a reason.

Each step kind has one judge, registered in ``STEP_RULES`` by kind (the way quiz graders are
in ``quizzes.grading.GRADERS``): a new kind of step is one judge and one entry, and a kind
without a judge is refused rather than judged by another kind's rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..catalog.tracks import StepKind, Track, TrackStep, step_threshold
from ..messages import N_, Text
from ..stale import rules as stale
from .facts import HireFacts
from .results import Readiness, Status, StepResult

# --- the catalog items a track refers to (structural, so tests can hand-build them) -------


class LessonLike(Protocol):
    @property
    def slug(self) -> str: ...

    @property
    def content_hash(self) -> str: ...


class CourseLike(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def content_hash(self) -> str: ...

    @property
    def lessons(self) -> tuple[LessonLike, ...]: ...


class QuizLike(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def pass_mark(self) -> int: ...

    @property
    def content_hash(self) -> str: ...


class CaseLike(Protocol):
    @property
    def title(self) -> str: ...

    @property
    def passing_score(self) -> float: ...

    @property
    def content_hash(self) -> str: ...


@dataclass(frozen=True)
class Items:
    courses: Mapping[str, CourseLike] = field(default_factory=dict)
    quizzes: Mapping[str, QuizLike] = field(default_factory=dict)
    roleplays: Mapping[str, CaseLike] = field(default_factory=dict)


# A judge: one step of a kind, against the catalog's items and the hire's facts. The track's
# content hash is for sign-offs, which are signed against a version of the track file.
# It is a tuple when the track has an older hash as well (its file's, ``catalog.versions``).
TrackHash = str | tuple[str, ...] | None
StepRule = Callable[[TrackStep, Items, HireFacts, TrackHash], StepResult]


# Progress counts work handed in: a step is half done once the hire has handed in work for it
# (a quiz attempt submitted, a role-play answer sent for review), whatever came back, and
# whole when it is done. So progress never goes down when an answer is sent back or an
# attempt fails (it went 9% -> 6%): the hire did not undo anything. Only a revoked sign-off
# or a changed track takes progress back.
HANDED_IN = 0.5


def _fmt_pct(value: float) -> str:
    return f"{value:.0f}%"


def missing_from_catalog(step: TrackStep, reason: Text) -> StepResult:
    """A step whose course, quiz or case is not in the catalog (removed, renamed, or left out
    for errors in its file): never done, and titled by its slug since there is no title.
    The reason is the judge's own literal ``N_`` text, so that Babel extracts it."""
    return StepResult(
        step.kind, step.slug, step.slug, False, N_("missing from the catalog"), 0.0, reason=reason
    )


def _course(step: TrackStep, items: Items, facts: HireFacts, track_hash: TrackHash) -> StepResult:
    course = items.courses.get(step.slug)
    if course is None:
        return missing_from_catalog(step, N_("course %(slug)s: not in the catalog", slug=step.slug))
    lessons = course.lessons
    fact = facts.courses.get(step.slug)
    read = fact.lessons if fact else {}

    def decided(slug: str) -> tuple[Any, ...]:
        return facts.decisions.get(("lesson", stale.lesson_item(step.slug, slug)), ())

    # A lesson its hire was asked to read again counts once they have.
    again = {x.slug for x in lessons if x.slug in read and stale.lesson_redo_open(decided(x.slug))}
    finished = [lesson for lesson in lessons if lesson.slug in read and lesson.slug not in again]
    total = len(lessons)
    fraction = len(finished) / total if total else 1.0
    done = len(finished)
    if done < total:
        return StepResult(
            "course",
            step.slug,
            course.title,
            False,
            N_("%(done)s/%(total)s lessons", done=done, total=total),
            fraction,
            reason=N_(
                "course %(slug)s: %(done)s of %(total)s lessons done",
                slug=step.slug,
                done=done,
                total=total,
            ),
            redo=bool(again),
        )
    return StepResult(
        "course",
        step.slug,
        course.title,
        True,
        N_("completed, %(done)s/%(total)s lessons", done=done, total=total),
        1.0,
        done_at=fact.last_completed_at if fact else None,
        outdated=any(
            stale.lesson_outdated(read[lesson.slug], lesson, decided(lesson.slug))
            for lesson in lessons
        ),
    )


def _quiz(step: TrackStep, items: Items, facts: HireFacts, track_hash: TrackHash) -> StepResult:
    quiz = items.quizzes.get(step.slug)
    if quiz is None:
        return missing_from_catalog(step, N_("quiz %(slug)s: not in the catalog", slug=step.slug))
    title = quiz.title
    pass_mark = step_threshold(step, quiz)
    attempts = facts.attempts.get(step.slug, ())
    decisions = facts.decisions.get(("quiz", step.slug), ())
    since = stale.redo_since(
        decisions,
        (
            a.submitted_at
            for a in attempts
            if a.status == "graded" and (a.percent or 0) >= pass_mark
        ),
    )
    if since is not None:
        # Asked to take it again: only what the hire did since counts.
        attempts = tuple(a for a in attempts if a.submitted_at is None or a.submitted_at > since)
        if not any(a.status != "in_progress" for a in attempts):
            return StepResult(
                "quiz",
                step.slug,
                title,
                False,
                N_("to redo after a content change"),
                0.0,
                reason=N_("quiz %(slug)s: asked to take it again after a change", slug=step.slug),
                redo=True,
            )
    if not attempts:
        return _not_attempted(step, title, pass_mark)
    graded = [a for a in attempts if a.status == "graded" and a.percent is not None]
    waiting = [a for a in attempts if a.status == "awaiting_grading"]
    passing = sorted(
        (a for a in graded if (a.percent or 0) >= pass_mark),
        key=lambda a: (a.submitted_at is None, a.submitted_at),
    )
    best = max(graded, key=lambda a: a.percent or 0.0) if graded else None
    if passing:
        first = passing[0]
        top = best.percent if best and best.percent is not None else first.percent or 0
        return StepResult(
            "quiz",
            step.slug,
            title,
            True,
            N_("passed %(best)s (pass %(mark)s%%)", best=_fmt_pct(top), mark=pass_mark),
            1.0,
            done_at=first.submitted_at,
            outdated=stale.work_outdated((a.quiz_hash for a in passing), quiz, decisions),
        )
    if waiting:
        since = min((a.submitted_at for a in waiting if a.submitted_at), default=None)
        return StepResult(
            "quiz",
            step.slug,
            title,
            False,
            N_("awaiting essay grading"),
            HANDED_IN,
            reason=N_("quiz %(slug)s: essay answers wait for the mentor's grading", slug=step.slug),
            waiting_on_mentor=True,
            waiting_since=since,
        )
    if best is not None:
        pct = best.percent or 0.0
        return StepResult(
            "quiz",
            step.slug,
            title,
            False,
            N_("best %(best)s (pass %(mark)s%%)", best=_fmt_pct(pct), mark=pass_mark),
            HANDED_IN,
            reason=N_(
                "quiz %(slug)s: best %(best)s, needs %(mark)s%%",
                slug=step.slug,
                best=_fmt_pct(pct),
                mark=pass_mark,
            ),
        )
    if any(a.status == "in_progress" for a in attempts):
        return StepResult(
            "quiz",
            step.slug,
            title,
            False,
            N_("attempt in progress"),
            0.0,
            reason=N_(
                "quiz %(slug)s: an attempt is in progress (pass %(mark)s%%)",
                slug=step.slug,
                mark=pass_mark,
            ),
        )
    return _not_attempted(step, title, pass_mark)


def _not_attempted(step: TrackStep, title: str, pass_mark: int) -> StepResult:
    return StepResult(
        "quiz",
        step.slug,
        title,
        False,
        N_("not attempted"),
        0.0,
        reason=N_(
            "quiz %(slug)s: not attempted yet (pass %(mark)s%%)", slug=step.slug, mark=pass_mark
        ),
    )


def _roleplay(step: TrackStep, items: Items, facts: HireFacts, track_hash: TrackHash) -> StepResult:
    case = items.roleplays.get(step.slug)
    if case is None:
        return missing_from_catalog(step, N_("case %(slug)s: not in the catalog", slug=step.slug))
    title = case.title
    minimum = step_threshold(step, case)
    versions = sorted(facts.submissions.get(step.slug, ()), key=lambda s: s.version)
    decisions = facts.decisions.get(("roleplay", step.slug), ())
    since = stale.redo_since(
        decisions,
        (
            s.submitted_at
            for s in versions
            if s.status == "approved" and s.review_score is not None and s.review_score >= minimum
        ),
    )
    if since is not None:
        versions = [s for s in versions if s.submitted_at is not None and s.submitted_at > since]
        if not versions:
            return StepResult(
                "roleplay",
                step.slug,
                title,
                False,
                N_("to redo after a content change"),
                0.0,
                reason=N_("case %(slug)s: asked to answer again after a change", slug=step.slug),
                redo=True,
            )
    approved = [
        s
        for s in versions
        if s.status == "approved" and s.review_score is not None and s.review_score >= minimum
    ]
    if approved:
        first = approved[0]
        score = first.review_score or 0.0
        return StepResult(
            "roleplay",
            step.slug,
            title,
            True,
            N_("approved, %(score)s/4 (min %(min)s)", score=f"{score:.1f}", min=f"{minimum:.1f}"),
            1.0,
            done_at=first.reviewed_at,
            outdated=stale.work_outdated((s.case_hash for s in approved), case, decisions),
        )
    latest = versions[-1] if versions else None
    if latest is None or latest.status == "draft" and latest.version == 1:
        detail = N_("draft saved") if latest else N_("not submitted")
        return StepResult(
            "roleplay",
            step.slug,
            title,
            False,
            detail,
            0.0,
            reason=N_("case %(slug)s: no answer submitted yet", slug=step.slug),
        )
    if latest.status == "submitted":
        return StepResult(
            "roleplay",
            step.slug,
            title,
            False,
            N_("version %(version)s awaiting review", version=latest.version),
            HANDED_IN,
            reason=N_(
                "case %(slug)s: version %(version)s waits for review",
                slug=step.slug,
                version=latest.version,
            ),
            waiting_on_mentor=True,
            waiting_since=latest.submitted_at,
        )
    reviewed = [s for s in versions if s.review_score is not None]
    last = reviewed[-1] if reviewed else None
    if last is not None and last.status == "approved":
        score = last.review_score or 0.0
        return StepResult(
            "roleplay",
            step.slug,
            title,
            False,
            N_(
                "approved at %(score)s/4, the track needs %(min)s",
                score=f"{score:.1f}",
                min=f"{minimum:.1f}",
            ),
            HANDED_IN,
            reason=N_(
                "case %(slug)s: approved at %(score)s/4, needs %(min)s",
                slug=step.slug,
                score=f"{score:.1f}",
                min=f"{minimum:.1f}",
            ),
        )
    needs = f"{minimum:.1f}"
    if last is not None and last.review_score is not None:
        marked = f"{last.review_score:.1f}"
        detail = N_("sent back for more work (%(score)s/4)", score=marked)
        reason = N_(
            "case %(slug)s: sent back by the mentor (%(score)s/4), needs %(min)s",
            slug=step.slug,
            score=marked,
            min=needs,
        )
    else:
        detail = N_("sent back for more work")
        reason = N_(
            "case %(slug)s: sent back by the mentor, needs %(min)s", slug=step.slug, min=needs
        )
    return StepResult("roleplay", step.slug, title, False, detail, HANDED_IN, reason=reason)


def _signoff(step: TrackStep, items: Items, facts: HireFacts, track_hash: TrackHash) -> StepResult:
    title = step.title or step.slug
    fact = facts.signoffs.get(step.slug)
    if fact is None:
        return StepResult(
            "signoff",
            step.slug,
            title,
            False,
            N_("not signed off"),
            0.0,
            reason=N_("sign-off %(slug)s: not signed off by the mentor yet", slug=step.slug),
            waiting_on_mentor=True,
        )
    return StepResult(
        "signoff",
        step.slug,
        title,
        True,
        N_(
            "signed off by %(who)s on %(day)s",
            who=fact.signed_by,
            day=fact.signed_at.date(),
        ),
        1.0,
        done_at=fact.signed_at,
        outdated=bool(
            fact.track_hash and track_hash and fact.track_hash not in _hashes(track_hash)
        ),
    )


def _hashes(track_hash: TrackHash) -> tuple[str, ...]:
    if track_hash is None:
        return ()
    found = (track_hash,) if isinstance(track_hash, str) else track_hash
    return tuple(h for h in found if h)


STEP_RULES: Mapping[StepKind, StepRule] = {
    "course": _course,
    "quiz": _quiz,
    "roleplay": _roleplay,
    "signoff": _signoff,
}


class UnknownStepKind(ValueError):
    """A step of a kind no judge is registered for."""


def evaluate_step(
    step: TrackStep, items: Items, facts: HireFacts, track_hash: TrackHash = None
) -> StepResult:
    rule = STEP_RULES.get(step.kind)
    if rule is None:
        # The track parser makes only STEP_KINDS and a test holds STEP_RULES to them, so this
        # is a bug, not bad content: refuse it rather than call the step done or not done.
        raise UnknownStepKind(f"no readiness rule for step kind {step.kind!r}")
    return rule(step, items, facts, track_hash)


def evaluate(track: Track, items: Items, facts: HireFacts) -> Readiness:
    hashes = (track.content_hash, getattr(track, "file_hash", "") or track.content_hash)
    steps = tuple(evaluate_step(step, items, facts, hashes) for step in track.steps)
    progress = sum(s.progress for s in steps) / len(steps) if steps else 0.0
    pending = [s for s in steps if not s.done]
    reasons = tuple(s.reason for s in pending if s.reason)
    if not pending:
        status: Status = "ready"
        stamps = [s.done_at for s in steps if s.done_at is not None]
        return Readiness(status, steps, (), 1.0, max(stamps) if stamps else None)
    if not facts.has_activity:
        status = "not_started"
    elif all(s.waiting_on_mentor for s in pending):
        status = "awaiting_review"
    else:
        status = "in_progress"
    return Readiness(status, steps, reasons, progress, None)
