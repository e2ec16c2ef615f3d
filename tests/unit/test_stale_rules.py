"""Stale work judged with the decisions about it (``stale.rules``), readiness following them,
and the questions of an attempt that changed since (``stale.changes``). Pure, hand-built."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from trainhub.catalog.questions import Choice, Question
from trainhub.catalog.quizzes import Quiz
from trainhub.catalog.tracks import Track, TrackStep
from trainhub.readiness.facts import AttemptFact, CourseFact, DecisionFact, HireFacts
from trainhub.readiness.rules import Items, evaluate
from trainhub.stale import rules
from trainhub.stale.changes import question_changes

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    slug: str
    content_hash: str
    file_hash: str = ""
    title: str = "Item"
    pass_mark: int = 70


@dataclass(frozen=True)
class Course:
    title: str
    content_hash: str
    lessons: tuple[Item, ...]


LESSON = Item("kpis", "v2", file_hash="f2")


def _decision(verdict: str, version: str = "v2", at: datetime = T0, **kw: object) -> DecisionFact:
    return DecisionFact(version, verdict, at, **kw)  # type: ignore[arg-type]


def test_a_record_of_either_hash_of_today_is_current():
    assert not rules.lesson_outdated("v2", LESSON, ())
    assert not rules.lesson_outdated("f2", LESSON, ())  # stored before versions by content
    assert rules.lesson_outdated("v1", LESSON, ())


def test_minor_drops_the_flag_for_that_version_only():
    assert not rules.lesson_outdated("v1", LESSON, (_decision("minor"),))
    assert rules.lesson_outdated("v1", LESSON, (_decision("minor", version="v0"),))


def test_a_redo_is_open_until_read_again_at_a_version():
    asked = _decision("redo")
    assert rules.lesson_redo_open([asked])
    assert not rules.lesson_outdated("v1", LESSON, (asked,))  # the redo says it already
    again = _decision("redo", redone_at=T0 + timedelta(hours=1), redone_version="v2")
    assert not rules.lesson_redo_open([again]) and not rules.lesson_outdated("v1", LESSON, (again,))
    # Read again at v2, then the lesson changed to v3: stale again.
    assert rules.lesson_outdated("v1", Item("kpis", "v3"), (again,))


def test_redo_since_ends_when_the_work_is_done_after_it():
    asked = [_decision("redo", at=T0)]
    assert rules.redo_since(asked, [T0 - timedelta(days=1)]) == T0
    assert rules.redo_since(asked, [T0 + timedelta(minutes=5)]) is None
    assert rules.redo_since([_decision("minor")], []) is None


TRACK = Track(
    role="seller",
    title="Seller",
    summary="",
    target_days=10,
    steps=(TrackStep("course", "basics", 1), TrackStep("quiz", "kpi", 2)),
    path="content/tracks/seller.yaml",
    content_hash="t1",
)
ITEMS = Items(
    courses={"basics": Course("Basics", "c", (LESSON, Item("funnel", "u1")))},
    quizzes={"kpi": Item("kpi", "q2", title="KPI quiz", pass_mark=60)},
)
PASSED = AttemptFact(1, "graded", 90.0, "q1", T0 - timedelta(days=2))


def _facts(**decisions: tuple[DecisionFact, ...]) -> HireFacts:
    return HireFacts(
        courses={"basics": CourseFact({"kpis": "v1", "funnel": "u1"}, T0 - timedelta(days=3))},
        attempts={"kpi": (PASSED,)},
        decisions={
            (("lesson", "basics/kpis") if k == "lesson" else ("quiz", "kpi")): v
            for k, v in decisions.items()
        },
    )


def test_readiness_flags_changed_work_and_keeps_it_done():
    result = evaluate(TRACK, ITEMS, _facts())
    assert result.status == "ready"
    assert [(s.kind, s.done, s.outdated, s.redo) for s in result.steps] == [
        ("course", True, True, False),
        ("quiz", True, True, False),
    ]


def test_readiness_counts_a_step_to_redo_as_not_done_until_it_is_redone():
    result = evaluate(
        TRACK, ITEMS, _facts(lesson=(_decision("redo"),), quiz=(_decision("redo", "q2"),))
    )
    assert result.status != "ready"
    course, quiz = result.steps
    assert (course.done, course.redo, str(course.detail)) == (False, True, "1/2 lessons")
    assert (quiz.done, quiz.redo, str(quiz.detail)) == (
        False,
        True,
        "to redo after a content change",
    )
    assert "asked to take it again" in str(quiz.reason)
    # Passed again after the request: done, and current.
    again = AttemptFact(2, "graded", 80.0, "q2", T0 + timedelta(hours=1))
    facts = _facts(quiz=(_decision("redo", "q2"),))
    facts = HireFacts(facts.courses, {"kpi": (PASSED, again)}, decisions=facts.decisions)
    quiz = evaluate(TRACK, ITEMS, facts).steps[1]
    assert (quiz.done, quiz.redo, quiz.outdated) == (True, False, False)


def test_readiness_drops_the_flag_of_a_minor_change():
    result = evaluate(
        TRACK, ITEMS, _facts(lesson=(_decision("minor"),), quiz=(_decision("minor", "q2"),))
    )
    assert [(s.done, s.outdated) for s in result.steps] == [(True, False), (True, False)]


def _q(qid: str, text: str, *, title: str | None = None, right: str = "Yes") -> Question:
    choices = tuple(Choice(t, t, 100.0 if t == right else 0.0) for t in ("Yes", "No"))
    return Question(qid, "single", text, text, 1.0, title=title, choices=choices)


def _quiz(*questions: Question, draw: int | None = None, pass_mark: int = 60) -> Quiz:
    return Quiz("kpi", "KPI", ("all",), pass_mark, "quizzes/kpi.yaml", "x", questions, draw=draw)


def test_the_questions_that_changed_are_named():
    asked = [_q("a", "Is a lead a client?"), _q("b", "Is conversion a share?"), _q("c", "Gone?")]
    today = _quiz(
        _q("a", "Is a lead a client?  \n"),  # trailing spaces only: unchanged
        _q("b", "Is conversion a share?", right="No"),
        _q("d", "A new one about the funnel stages and who owns each of them?"),
    )
    found, pass_mark_moved = question_changes(asked, today, pass_mark=60)
    assert [(c.label, c.state) for c in found] == [
        ("Is conversion a share?", "changed"),
        ("Gone?", "removed"),
        ("A new one about the funnel stages and…", "added"),
    ]
    assert not pass_mark_moved
    # A drawn quiz asks some of its pool: a question added to the pool is not this attempt's.
    found, moved = question_changes(asked[:1], _quiz(*today.questions, draw=1), pass_mark=50)
    assert found == () and moved


def test_a_question_whose_id_came_from_its_text_is_matched_by_its_title():
    asked = [_q("q-1111", "What is the capital of France?", title="capital")]
    today = _quiz(_q("q-2222", "What is the capital city of France?", title="capital"))
    found, _ = question_changes(asked, today)
    assert [(c.label, c.state) for c in found] == [("capital", "changed")]
