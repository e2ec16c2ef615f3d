"""What changed in an item since a hire's record of it, per lesson, question and case. Pure.

A quiz attempt keeps every question it asked whole (``quizzes.layout``), so the questions
that changed since are found by comparing each one's version (``catalog.versions``) with the
current question of the same id (or, for a question whose id came from its text, of the same
title). A lesson or a case keeps only its version, so the change is named by the item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ..catalog.questions import Question
from ..catalog.quizzes import Quiz
from ..catalog.versions import question_version

QuestionState = Literal["changed", "removed", "added"]
_TAGS = re.compile(r"<[^>]+>|[*_`#>\[\]]")
LABEL_WORDS = 8


@dataclass(frozen=True)
class QuestionChange:
    label: str  # the question's title, or its first words
    state: QuestionState


@dataclass(frozen=True)
class Change:
    """One item of a hire's that changed after they did it, or that they were asked to redo."""

    kind: str  # lesson | quiz | roleplay
    item: str  # the decision key: "course/lesson", or the quiz's or case's slug
    slug: str  # the step's slug: the course, quiz or case
    title: str  # the lesson's, quiz's or case's title
    version: str  # the item's current version, which a decision is about
    done_at: datetime | None
    redo: bool = False  # asked to redo, not done again yet
    course_title: str = ""
    lesson_slug: str = ""
    questions: tuple[QuestionChange, ...] = ()
    settings_changed: bool = False


def question_label(question: Question) -> str:
    if question.title:
        return question.title
    words = _TAGS.sub("", question.text).split()
    label = " ".join(words[:LABEL_WORDS])
    return label + ("…" if len(words) > LABEL_WORDS else "")


def question_changes(
    asked: Iterable[Question], quiz: Quiz, *, pass_mark: int | None = None
) -> tuple[tuple[QuestionChange, ...], bool]:
    """The questions of an attempt that changed or went since, the questions added (when
    every question is asked, not a draw), and whether the pass mark moved."""
    asked = list(asked)
    by_title = {q.title: q for q in quiz.questions if q.title}
    found: list[QuestionChange] = []
    matched: set[str] = set()
    for old in asked:
        new = quiz.question(old.id) or (by_title.get(old.title) if old.title else None)
        if new is None:
            found.append(QuestionChange(question_label(old), "removed"))
            continue
        matched.add(new.id)
        if question_version(new) != question_version(old):
            found.append(QuestionChange(question_label(new), "changed"))
    if not quiz.draw:
        found += [
            QuestionChange(question_label(q), "added")
            for q in quiz.graded_questions
            if q.id not in matched
        ]
    return tuple(found), pass_mark is not None and pass_mark != quiz.pass_mark
