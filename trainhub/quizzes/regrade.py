"""Re-grading after a quiz file changed (``trainhub quiz regrade SLUG [--dry-run]``).

A graded attempt keeps the questions it was asked (its layout). When the quiz changes, an
author may decide the new key should count: each graded attempt made against an older version
is then graded again with the current version of each of its questions, matched by question
id, its answers carried over by the text of the choice or item they picked (a choice that was
removed is no longer picked). A question that is gone, or changed type, keeps its old grading.

``plan_regrade`` only reads, so a dry run shows whose scores and pass/fail would move and why.
``apply_regrade`` writes each attempt with a guarded UPDATE (still graded, still against the
hash it was planned from), keeps the old score, layout, answers and results beside the new ones
(``QuizRegrade``) and writes an audit event per attempt. Readiness reads the attempts' rows,
so it follows at once. The caller commits once: all of it or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..audit.service import record_event
from ..auth.models import User
from ..catalog.questions import Question
from ..catalog.quizzes import Quiz
from ..db import DbSession, rowcount
from ..refresh import refresh
from .layout import CHOICE_KINDS, Layout, LayoutEntry, Outcome, grade_layout
from .models import EssayGrade, QuizAttempt, QuizRegrade


@dataclass(frozen=True)
class RegradeChange:
    attempt_id: int
    user_id: int
    number: int
    old_hash: str
    old_percent: float | None
    old_passed: bool | None
    layout: Layout
    answers: dict[str, Any]
    outcome: Outcome
    reasons: tuple[str, ...]

    @property
    def is_changed(self) -> bool:
        return (self.old_percent, self.old_passed) != (self.outcome.percent, self.outcome.is_passed)


def _rebase_choices(entry: LayoutEntry, new: Question, answer: Any) -> tuple[LayoutEntry, Any]:
    old = entry.question
    where = {c.text: i for i, c in enumerate(new.choices)}

    def moved(index: Any) -> int | None:
        if not isinstance(index, int) or not 0 <= index < len(old.choices):
            return None
        return where.get(old.choices[index].text)

    kept = [m for m in (moved(i) for i in entry.order or ()) if m is not None]
    order = tuple(kept + [i for i in range(len(new.choices)) if i not in kept])
    if new.type == "single":
        return LayoutEntry(new, order=order), moved(answer)
    picked = [m for m in (moved(i) for i in (answer or [])) if m is not None]
    return LayoutEntry(new, order=order), sorted(picked) if answer is not None else None


def _rebase_matching(entry: LayoutEntry, new: Question, answer: Any) -> tuple[LayoutEntry, Any]:
    old = entry.question
    where = {p.question: i for i, p in enumerate(new.pairs)}

    def moved(index: int) -> int | None:
        return where.get(old.pairs[index].question) if 0 <= index < len(old.pairs) else None

    kept = [m for m in (moved(i) for i in entry.order or ()) if m is not None]
    order = tuple(kept + [i for i in range(len(new.pairs)) if i not in kept])
    offered = {p.answer for p in new.pairs} | set(new.distractors)
    options = [o for o in entry.options or () if o in offered]
    options += sorted(offered - set(options))
    given: dict[str, Any] = {}
    for key, value in (answer or {}).items() if isinstance(answer, dict) else ():
        target = moved(int(key)) if str(key).isdigit() else None
        if target is not None:
            given[str(target)] = value
    return LayoutEntry(new, order=order, options=tuple(options)), given


def rebase_layout(
    layout: Layout, quiz: Quiz, answers: Mapping[str, Any]
) -> tuple[Layout, dict[str, Any], list[str]]:
    """The attempt's layout with the quiz's current questions, its answers carried over, and
    the notes on questions that could not be (pure)."""
    entries: list[LayoutEntry] = []
    carried: dict[str, Any] = dict(answers)
    notes: list[str] = []
    for entry in layout.questions:
        old = entry.question
        new = quiz.question(old.id)
        if new is None or new.type != old.type:
            notes.append(f"question {old.id} is no longer in the quiz as a {old.type}: kept")
            entries.append(entry)
            continue
        if new.type in CHOICE_KINDS:
            rebased, value = _rebase_choices(entry, new, answers.get(old.id))
        elif new.type == "matching":
            rebased, value = _rebase_matching(entry, new, answers.get(old.id))
        else:
            rebased, value = LayoutEntry(new), answers.get(old.id)
        entries.append(rebased)
        if old.id in answers:
            carried[old.id] = value
    graded = [e.question for e in entries if e.question.is_graded]
    new_layout = replace(
        layout,
        quiz_hash=quiz.content_hash,
        title=quiz.title,
        pass_mark=quiz.pass_mark,
        questions=tuple(entries),
        max_score=sum(q.points for q in graded),
    )
    return new_layout, carried, notes


def _reasons(
    old: Layout, old_results: Mapping[str, Any], new: Layout, outcome: Outcome
) -> list[str]:
    found: list[str] = []
    if old.pass_mark != new.pass_mark:
        found.append(f"pass mark {old.pass_mark}% -> {new.pass_mark}%")
    for key, result in outcome.results.items():
        before = old_results.get(key, {})
        was = (float(before.get("points", 0.0)), float(before.get("max", 0.0)))
        now = (float(result["points"]), float(result["max"]))
        if was != now:
            found.append(f"question {key}: {was[0]:g}/{was[1]:g} -> {now[0]:g}/{now[1]:g} points")
    return found


def plan_regrade(
    session: DbSession, quiz: Quiz, translations: Mapping[str, Quiz] | None = None
) -> list[RegradeChange]:
    """Every graded attempt of ``quiz`` made against another version, graded again (read only).

    An attempt answered in a translation (``text_language``) is rebased on the quiz in that
    language (``translations``: language -> the quiz as its readers get it), since its answers
    are carried over by the text of what was picked. One whose language has no translation
    now is left out: matched against the original's texts, its picks would be lost.
    """
    attempts = list(
        session.scalars(
            sa.select(QuizAttempt)
            .where(
                QuizAttempt.quiz_slug == quiz.slug,
                QuizAttempt.status == "graded",
                # Either hash: an attempt that stored the file's hash (before versions by
                # content) against today's file is of the current version.
                QuizAttempt.quiz_hash.not_in(
                    [quiz.content_hash, quiz.file_hash or quiz.content_hash]
                ),
            )
            .order_by(QuizAttempt.id)
        )
    )
    marks: dict[int, dict[str, float]] = {}
    ids = [a.id for a in attempts]
    if ids:
        for attempt_id, key, points in session.execute(
            sa.select(EssayGrade.attempt_id, EssayGrade.question_key, EssayGrade.points).where(
                EssayGrade.attempt_id.in_(ids)
            )
        ):
            marks.setdefault(attempt_id, {})[key] = points
    changes: list[RegradeChange] = []
    for attempt in attempts:
        try:
            old = Layout.from_json(attempt.layout)
        except (KeyError, TypeError):
            continue  # not a layout this release can read: nothing to regrade it with
        current = quiz
        if attempt.text_language:
            found = (translations or {}).get(attempt.text_language)
            if found is None or found.language != attempt.text_language:
                continue
            current = found
        layout, answers, notes = rebase_layout(old, current, attempt.answers or {})
        outcome = grade_layout(layout, answers, marks.get(attempt.id, {}))
        for key, result in (attempt.results or {}).items():
            if key in outcome.results and result.get("comment"):
                outcome.results[key]["comment"] = result["comment"]
        reasons = _reasons(old, attempt.results or {}, layout, outcome) + notes
        changes.append(
            RegradeChange(
                attempt_id=attempt.id,
                user_id=attempt.user_id,
                number=attempt.number,
                old_hash=attempt.quiz_hash,
                old_percent=attempt.percent,
                old_passed=attempt.is_passed,
                layout=layout,
                answers=answers,
                outcome=outcome,
                reasons=tuple(reasons),
            )
        )
    return changes


def apply_regrade(
    session: DbSession,
    quiz: Quiz,
    changes: Sequence[RegradeChange],
    actor: User | None,
    now: datetime,
) -> int:
    """Write the planned grading; returns how many attempts were regraded. Never commits."""
    people = {
        u.id: u
        for u in session.scalars(sa.select(User).where(User.id.in_({c.user_id for c in changes})))
    }
    done = 0
    for change in changes:
        old = session.execute(
            sa.select(
                QuizAttempt.layout,
                QuizAttempt.answers,
                QuizAttempt.results,
                QuizAttempt.score,
                QuizAttempt.max_score,
            ).where(QuizAttempt.id == change.attempt_id)
        ).one()
        outcome = change.outcome
        result = session.execute(
            sa.update(QuizAttempt)
            .where(
                QuizAttempt.id == change.attempt_id,
                QuizAttempt.status == "graded",
                QuizAttempt.quiz_hash == change.old_hash,
            )
            .values(
                quiz_hash=quiz.content_hash,
                layout=change.layout.to_json(),
                answers=change.answers,
                results=outcome.results,
                score=outcome.score,
                max_score=outcome.max_score,
                percent=outcome.percent,
                is_passed=outcome.is_passed,
            )
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) != 1:
            continue  # regraded or changed by someone else meanwhile: left as it is now
        session.add(
            QuizRegrade(
                attempt_id=change.attempt_id,
                regraded_at=now,
                old_quiz_hash=change.old_hash,
                new_quiz_hash=quiz.content_hash,
                old_score=old.score,
                old_max_score=old.max_score,
                old_percent=change.old_percent,
                old_is_passed=change.old_passed,
                new_score=outcome.score,
                new_max_score=outcome.max_score,
                new_percent=outcome.percent,
                new_is_passed=outcome.is_passed,
                old_layout=old.layout,
                old_answers=old.answers,
                old_results=old.results,
                reasons=list(change.reasons),
            )
        )
        record_event(
            session,
            actor=actor,
            action="quiz.regraded",
            now=now,
            subject=people.get(change.user_id),
            object_type="quiz_attempt",
            object_id=change.attempt_id,
            data={
                "quiz": quiz.slug,
                "old_percent": change.old_percent,
                "new_percent": outcome.percent,
                "old_passed": change.old_passed,
                "new_passed": outcome.is_passed,
            },
        )
        done += 1
    session.flush()
    refresh(session, {c.user_id for c in changes}, now)
    return done
