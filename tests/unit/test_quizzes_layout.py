"""An attempt's layout: its JSON round trips, layouts stored by earlier releases read and
write back exactly as stored, and grading them gives the results those releases stored."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainhub.catalog import load_catalog
from trainhub.catalog.questions import QUESTION_TYPES, Choice, NumericAnswer, Pair, Question
from trainhub.catalog.quiz_review import FEEDBACK_MODES, REVIEW_TIMES, ReviewOptions
from trainhub.quizzes.layout import Layout, LayoutEntry, build_layout, clean_answers, grade_layout

REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted((REPO / "tests" / "fixtures").glob("quiz_attempts_*.json"))


def _stored() -> list[Any]:
    """Every stored attempt of the fixtures, with the mentor's essay points it was graded with."""
    params = []
    for path in FIXTURES:
        data = json.loads(path.read_text(encoding="utf-8"))
        for row in data["quiz_attempts"]:
            essays = {
                g["question_key"]: g["points"]
                for g in data["essay_grades"]
                if g["attempt_id"] == row["id"]
            }
            params.append(
                pytest.param(row, essays, id=f"{path.stem}-{row['id']}-{row['quiz_slug']}")
            )
    return params


STORED = _stored()
SUBMITTED = [p for p in STORED if p.values[0]["status"] != "in_progress"]


def _through_the_database(data: dict[str, Any]) -> dict[str, Any]:
    """What a JSON column gives back for ``data``."""
    return json.loads(json.dumps(data))


# --- strategies ----------------------------------------------------------------------------

texts = st.text(max_size=12)
maybe_texts = st.none() | texts
numbers = st.floats(allow_nan=False, allow_infinity=False, width=64)

choices = st.builds(
    Choice, text=texts, html=texts, weight=numbers, feedback=maybe_texts, feedback_html=maybe_texts
)
numeric_answers = st.builds(
    NumericAnswer,
    value=st.none() | numbers,
    tolerance=numbers,
    low=st.none() | numbers,
    high=st.none() | numbers,
    weight=numbers,
    feedback=maybe_texts,
    feedback_html=maybe_texts,
)
pairs = st.builds(Pair, question=texts, html=texts, answer=texts)
small = {"max_size": 4}
questions = st.builds(
    Question,
    id=texts,
    type=st.sampled_from(QUESTION_TYPES),
    text=texts,
    html=texts,
    points=numbers,
    format=st.sampled_from(["markdown", "html", "moodle", "plain"]),
    title=maybe_texts,
    choices=st.lists(choices, **small).map(tuple),
    numbers=st.lists(numeric_answers, **small).map(tuple),
    pairs=st.lists(pairs, **small).map(tuple),
    distractors=st.lists(texts, **small).map(tuple),
    answer=st.none() | st.booleans(),
    feedback_true=maybe_texts,
    feedback_true_html=maybe_texts,
    feedback_false=maybe_texts,
    feedback_false_html=maybe_texts,
    feedback=maybe_texts,
    feedback_html=maybe_texts,
    tags=st.lists(texts, **small).map(tuple),
    category=maybe_texts,
)
entries = st.builds(
    LayoutEntry,
    question=questions,
    order=st.none() | st.lists(st.integers(0, 10), **small).map(tuple),
    options=st.none() | st.lists(texts, **small).map(tuple),
)
layouts = st.builds(
    Layout,
    quiz_hash=texts,
    title=texts,
    pass_mark=st.integers(0, 100),
    feedback=st.sampled_from(FEEDBACK_MODES),
    questions=st.lists(entries, max_size=5).map(tuple),
    max_score=numbers,
    form_values=st.sampled_from(["index", "shown"]),
    review=st.none() | st.builds(ReviewOptions, *[st.sampled_from(REVIEW_TIMES)] * 4),
    attempts=st.none() | st.integers(0, 10),
)


# --- round trips ---------------------------------------------------------------------------


@settings(max_examples=200)
@given(layouts)
def test_a_layout_reads_back_what_it_wrote(layout):
    assert Layout.from_json(layout.to_json()) == layout
    assert Layout.from_json(_through_the_database(layout.to_json())) == layout


@settings(max_examples=200)
@given(layouts)
def test_what_a_layout_writes_is_what_the_database_gives_back(layout):
    written = layout.to_json()
    assert _through_the_database(written) == written


def test_the_fixtures_hold_stored_layouts():
    assert FIXTURES and len(SUBMITTED) >= 10


@pytest.mark.parametrize(("row", "_essays"), STORED)
def test_a_stored_layout_writes_back_exactly_as_stored(row, _essays):
    stored = row["layout"]
    again = Layout.from_json(stored).to_json()
    assert again == stored
    # Key order too: the JSON text is the same, byte for byte.
    assert json.dumps(again) == json.dumps(stored)


@pytest.mark.parametrize(("row", "essays"), SUBMITTED)
def test_grading_a_stored_layout_gives_the_stored_results(row, essays):
    outcome = grade_layout(Layout.from_json(row["layout"]), row["answers"], essays)
    # The mentor's comments are added to the results by grade_essays, not by grading.
    stored = {
        key: {k: v for k, v in result.items() if k != "comment"}
        for key, result in row["results"].items()
    }
    assert outcome.results == stored
    assert (outcome.status, outcome.score, outcome.max_score, outcome.percent) == (
        row["status"],
        row["score"],
        row["max_score"],
        row["percent"],
    )
    assert outcome.is_passed == row["is_passed"]


# --- building ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return load_catalog(REPO)


def test_every_shipped_quiz_builds_a_layout_that_round_trips(shipped):
    for quiz in shipped.quizzes.values():
        for seed in range(5):
            layout = build_layout(quiz, random.Random(seed))
            written = layout.to_json()
            # The keys every release has stored, then the ones new attempts add (form values
            # by position on the page, review options and the attempts limit).
            assert list(written) == [
                "quiz_hash", "title", "pass_mark", "feedback", "questions", "max_score",
                "form_values", "review", "attempts",
            ]  # fmt: skip
            assert Layout.from_json(_through_the_database(written)) == layout
            assert len(layout.questions) == (quiz.draw or len(quiz.graded_questions)) + sum(
                1 for q in quiz.questions if not q.is_graded
            )


def test_choice_and_pair_orders_are_kept_per_question_type(shipped):
    quiz = shipped.quizzes["kpi-basics"]
    layout = build_layout(quiz, random.Random(7))
    for entry in layout.questions:
        kind = entry.question.type
        if kind in {"single", "multiple"}:
            assert sorted(entry.order or ()) == list(range(len(entry.question.choices)))
            assert entry.options is None
        elif kind == "matching":
            assert sorted(entry.order or ()) == list(range(len(entry.question.pairs)))
            assert set(entry.options or ()) >= {p.answer for p in entry.question.pairs}
        else:
            assert entry.order is None and entry.options is None
    assert {e.question.id for e in layout.questions} == {q.id for q in quiz.questions}


def test_essays_and_clean_answers_read_the_layout(shipped):
    layout = build_layout(shipped.quizzes["leading-a-team-basics"], random.Random(1))
    assert [q.id for q in layout.essays] == ["coaching-plan"]
    ids = {e.question.id for e in layout.questions}
    sent = {**dict.fromkeys(ids, "x"), "score": 100, "other-quiz-question": 1}
    assert clean_answers(layout, sent) == dict.fromkeys(ids, "x")
