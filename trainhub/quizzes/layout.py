"""An attempt's layout: the questions it asks, in which order, with the order of their choices,
fixed when the attempt starts. Pure, no Flask.

Each question is kept whole (its keys and feedback too), so grading and the result page read
the attempt's own copy and never the current catalog: a quiz file edited or deleted later
changes nothing for the attempts already made against it.

The layout is stored as JSON (``QuizAttempt.layout``). ``Layout.to_json`` writes the shape every
release has stored and ``Layout.from_json`` reads it back, so rows written before these classes
existed load as they are.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..catalog.questions import Choice, NumericAnswer, Pair, Question
from ..catalog.quiz_review import FEEDBACK_MODES, ReviewOptions
from ..catalog.quizzes import Quiz
from .grading import PENDING, essay_grade, grade

# Question types whose choices are shown in an order of the attempt's own.
CHOICE_KINDS = frozenset({"single", "multiple"})


@dataclass(frozen=True)
class LayoutEntry:
    """One question as this attempt asks it."""

    question: Question
    # single, multiple: positions in ``question.choices`` in the order shown;
    # matching: positions in ``question.pairs`` in the order shown; None for other types.
    order: tuple[int, ...] | None = None
    # matching: the answers each pair's list offers, in the order shown; None otherwise.
    options: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"question": _question_json(self.question)}
        # "options" before "order": the key order stored rows have.
        if self.options is not None:
            out["options"] = list(self.options)
        if self.order is not None:
            out["order"] = list(self.order)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LayoutEntry:
        order = data.get("order")
        options = data.get("options")
        return cls(
            question=_question_from_json(data["question"]),
            order=None if order is None else tuple(order),
            options=None if options is None else tuple(options),
        )


@dataclass(frozen=True)
class Layout:
    """What an attempt asks, and the quiz settings it is held to, as they were at its start."""

    quiz_hash: str
    title: str
    pass_mark: int
    # The older single review setting (see catalog.quiz_review); ``review`` wins when set.
    feedback: str
    questions: tuple[LayoutEntry, ...]
    max_score: float
    # How the answer form names choices and matching options: "shown" (their position on the
    # page, mapped back through ``order`` and ``options`` here on the server, so no value tells
    # a right choice from a wrong one), or "index" (their position in the quiz file, which is
    # what attempts started before "shown" existed were given, and still resume with).
    form_values: str = "index"
    # What the hire sees after an attempt, and the attempts limit its "after the last
    # attempt" counts against (0: unlimited), as the quiz said when the attempt started.
    review: ReviewOptions | None = None
    attempts: int | None = None

    @property
    def review_options(self) -> ReviewOptions:
        return self.review or ReviewOptions.from_feedback(self.feedback)

    @property
    def essays(self) -> tuple[Question, ...]:
        """The essay questions, which the hire's mentor grades."""
        return tuple(e.question for e in self.questions if e.question.type == "essay")

    def to_json(self) -> dict[str, Any]:
        return {
            "quiz_hash": self.quiz_hash,
            "title": self.title,
            "pass_mark": self.pass_mark,
            "feedback": self.feedback,
            "questions": [entry.to_json() for entry in self.questions],
            "max_score": self.max_score,
            # Written only when not the old default, so stored rows keep their exact shape.
            **({} if self.form_values == "index" else {"form_values": self.form_values}),
            **({} if self.review is None else {"review": self.review.to_json()}),
            **({} if self.attempts is None else {"attempts": self.attempts}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Layout:
        return cls(
            quiz_hash=data["quiz_hash"],
            title=data["title"],
            pass_mark=data["pass_mark"],
            feedback=data["feedback"],
            questions=tuple(LayoutEntry.from_json(e) for e in data["questions"]),
            max_score=data["max_score"],
            form_values=data.get("form_values", "index"),
            review=ReviewOptions.from_json(data["review"]) if "review" in data else None,
            attempts=data.get("attempts"),
        )


def _lists(value: Any) -> Any:
    """Tuples as lists, all the way down: what JSON gives back, so a written layout equals
    the one read from the database."""
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(item) for item in value]
    return value


def _question_json(question: Question) -> dict[str, Any]:
    # Every field, in the dataclass's order: the snapshot stored since the first release.
    snapshot: dict[str, Any] = _lists(asdict(question))
    # A choice's or pair's own format is newer than the stored shape: kept only when set.
    for key in ("choices", "pairs"):
        for item in snapshot.get(key, ()):
            if item.get("format") is None:
                item.pop("format", None)
    return snapshot


def _question_from_json(data: Mapping[str, Any]) -> Question:
    values = dict(data)
    values["choices"] = tuple(Choice(**c) for c in data.get("choices", ()))
    values["numbers"] = tuple(NumericAnswer(**n) for n in data.get("numbers", ()))
    values["pairs"] = tuple(Pair(**p) for p in data.get("pairs", ()))
    values["distractors"] = tuple(data.get("distractors", ()))
    values["tags"] = tuple(data.get("tags", ()))
    return Question(**values)


# --- building ------------------------------------------------------------------------------


def _entry(question: Question, shuffle: bool, rng: random.Random) -> LayoutEntry:
    if question.type in CHOICE_KINDS:
        order = list(range(len(question.choices)))
        if shuffle:
            rng.shuffle(order)
        return LayoutEntry(question, order=tuple(order))
    if question.type == "matching":
        options = sorted({p.answer for p in question.pairs} | set(question.distractors))
        pairs = list(range(len(question.pairs)))
        if shuffle:
            rng.shuffle(options)
            rng.shuffle(pairs)
        return LayoutEntry(question, order=tuple(pairs), options=tuple(options))
    return LayoutEntry(question)


def build_layout(quiz: Quiz, rng: random.Random) -> Layout:
    """Which questions this attempt asks, in which order, with their choices' order."""
    graded = list(quiz.graded_questions)
    position = {q.id: i for i, q in enumerate(quiz.questions)}
    if quiz.draw:
        graded = rng.sample(graded, quiz.draw)
    if quiz.shuffle_questions:
        rng.shuffle(graded)
    else:
        graded.sort(key=lambda q: position[q.id])
    if quiz.draw or quiz.shuffle_questions:
        # Descriptions introduce the quiz; they lead when the questions move around.
        ordered = [q for q in quiz.questions if not q.is_graded] + graded
    else:
        ordered = list(quiz.questions)
    entries = tuple(_entry(question, quiz.shuffle_choices, rng) for question in ordered)
    return Layout(
        quiz_hash=quiz.content_hash,
        title=quiz.title,
        pass_mark=quiz.pass_mark,
        # What an older release reading this row would show: the right answers' moment.
        feedback=quiz.review.right_answers
        if quiz.review.right_answers in FEEDBACK_MODES
        else "never",
        questions=entries,
        max_score=sum(q.points for q in ordered if q.is_graded),
        form_values="shown",
        review=quiz.review,
        attempts=quiz.attempts,
    )


# --- grading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    results: dict[str, Any]
    score: float
    max_score: float
    percent: float | None
    status: str
    is_passed: bool | None


def grade_layout(
    layout: Layout, answers: Mapping[str, Any], essays: Mapping[str, float] | None = None
) -> Outcome:
    """Grade every question of a layout. ``essays`` holds the mentor's points, once given."""
    results: dict[str, Any] = {}
    for entry in layout.questions:
        question = entry.question
        result = grade(question, answers.get(question.id))
        if result.state == PENDING and essays and question.id in essays:
            result = essay_grade(question, essays[question.id])
        results[question.id] = {
            "points": result.points,
            "max": result.max_points,
            "state": result.state,
            "feedback": list(result.feedback),
        }
    score = round(sum(r["points"] for r in results.values()), 4)
    max_score = round(sum(r["max"] for r in results.values()), 4)
    if any(r["state"] == PENDING for r in results.values()):
        return Outcome(results, score, max_score, None, "awaiting_grading", None)
    percent = round(100 * score / max_score, 2) if max_score else 100.0
    return Outcome(results, score, max_score, percent, "graded", percent >= layout.pass_mark)


def clean_answers(layout: Layout, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Keep answers to the questions of this layout only; everything else a client sent goes."""
    ids = {entry.question.id for entry in layout.questions}
    return {key: value for key, value in answers.items() if key in ids}
