"""GIFT: malformed input and its lines, every question type, and import(export(quiz)) == quiz."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainhub.catalog import load_catalog
from trainhub.catalog.gift import FORMATS, parse_gift
from trainhub.catalog.gift_export import export_gift
from trainhub.catalog.question_dicts import question_to_dict

REPO = Path(__file__).resolve().parents[2]


def _one(source: str) -> dict[str, Any]:
    doc = parse_gift(source)
    assert doc.errors == [] and len(doc.questions) == 1
    return doc.questions[0]


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ("Fine {=a ~b}\n\nBroken {=a ~b\n\nNext {T}\n", 3, "never closed"),
        ("Q1 {T}\n\nStray } here\n", 3, "'}'"),
        ("What? {\n=a\n~b {c}\n}\n", 3, "inside an answer block"),
        ("::no end title {T}\n", 1, "title"),
        ("Q {T} and {F}\n", 1, "one answer block"),
        ("\n\n\nHow much? {#12abc}\n", 4, "not a number"),
        ("Q {#5..1}\n", 1, "minimum is above"),
        ("Q {~%150%a =b}\n", 1, "outside -100..100"),
        ("Q {~%x%a =b}\n", 1, "weight"),
        ("Match {=a -> 1}\n", 1, "at least two pairs"),
        ("Match {=a -> 1 =b}\n", 1, "'=question -> answer'"),
        ("Pick {~only}\n", 1, "at least two answers"),
        ("{=a =b}\n", 1, "no text"),
    ],
)
def test_malformed_input_reports_its_line(source, line, words):
    doc = parse_gift(source)
    assert doc.errors, "expected an error"
    assert doc.errors[0].line == line
    assert words in doc.errors[0].message


def test_every_type_and_the_details():
    source = """// [id:q1] [tag:kpi] [tag:numbers]
::Conversion::[markdown]What is 12 of 80, in **percent**? {#
    =15:0.5#Right
    =%50%14..16#Close
    ~0.15#A fraction
####Conversion is a percentage.}

Grant is {~buried =entombed ~living} in Grant's tomb.

Pick two {~%50%a ~%50%b ~%-100%c#never}

Sure? {TRUE#wrong one#right one}

Name one {=no one =%50%nob*dy#almost}

Match {=x -> 1 =y -> 2 = -> 3}

Essay? {####Think first.}

Just text, no answer.
"""
    doc = parse_gift(source)
    assert doc.errors == []
    kinds = [q["type"] for q in doc.questions]
    assert kinds == [
        "numeric", "single", "multiple", "true_false", "short", "matching", "essay", "description"
    ]  # fmt: skip
    numeric = doc.questions[0]
    assert numeric["id"] == "q1" and numeric["tags"] == ["kpi", "numbers"]
    assert numeric["title"] == "Conversion" and "format" not in numeric  # markdown is our default
    assert numeric["answers"] == [
        {"value": 15, "tolerance": 0.5, "feedback": "Right"},
        {"min": 14, "max": 16, "weight": 50, "feedback": "Close"},
        # Moodle: from '~' on it is the feedback for any other number (0.15 is ignored).
        {"value": "*", "weight": 0, "feedback": "A fraction"},
    ]
    assert numeric["feedback"] == "Conversion is a percentage."
    assert doc.questions[1]["text"] == "Grant is _____ in Grant's tomb."
    assert doc.questions[2]["choices"][2] == {"text": "c", "weight": -100, "feedback": "never"}
    # Moodle: first feedback for a wrong answer, second for a right one.
    assert doc.questions[3] == {
        "type": "true_false", "text": "Sure?", "format": "moodle", "answer": True,
        "feedback_true": "right one", "feedback_false": "wrong one",
    }  # fmt: skip
    assert doc.questions[4]["answers"][1] == {"text": "nob*dy", "weight": 50, "feedback": "almost"}
    assert doc.questions[5]["distractors"] == ["3"]
    assert doc.questions[6]["feedback"] == "Think first."
    assert doc.lines == [2, 8, 10, 12, 14, 16, 18, 20]


def test_escapes_and_categories():
    source = "$CATEGORY: top/KPIs\n\nWhat is 2 \\{ 3 \\}\\: {=a \\= b\\#c ~d\\~e\\\\f}\n"
    question = _one(source)
    assert question["text"] == "What is 2 { 3 }:"
    assert [c["text"] for c in question["choices"]] == ["a = b#c", "d~e\\f"]
    assert question["category"] == "top/KPIs"


def test_lowercase_true_is_a_short_answer_as_in_moodle():
    assert _one("Sure? {true}")["type"] == "short"


# --- round trip -----------------------------------------------------------------------------

CHARS = "abcxyzABC019é中~=#{}:\\%[]-*/.!?'\"_$"
WORD = st.text(alphabet=CHARS, min_size=1, max_size=6)
LINE = st.lists(WORD, min_size=1, max_size=5).map(" ".join)
ID = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,10}", fullmatch=True)
WEIGHT = st.integers(-100, 100) | st.sampled_from([33.3333, 12.5, -33.3333])
NUMBER = st.integers(-(10**6), 10**6) | st.floats(-1e6, 1e6, allow_nan=False).map(
    lambda f: int(f) if f.is_integer() else f
)


def _text(fmt: str) -> st.SearchStrategy[str]:
    if fmt == "markdown":
        return st.lists(LINE, min_size=1, max_size=3).map("\n".join)
    return LINE


def _maybe(key: str, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(st.just({}), strategy.map(lambda v: {key: v}))


@st.composite
def questions(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(
        ["single", "multiple", "true_false", "short", "numeric", "matching", "essay",
         "description"]
    ))  # fmt: skip
    fmt = draw(st.sampled_from(["markdown", "html", "moodle", "plain"]))
    text = _text(fmt)
    q: dict[str, Any] = {"id": draw(ID), "type": kind}
    q.update(draw(_maybe("title", LINE)))
    q["text"] = draw(text)
    if fmt != "markdown":
        q["format"] = fmt
    if kind in {"single", "multiple"}:
        choices = []
        for weight in draw(st.lists(WEIGHT, min_size=2, max_size=5)):
            choice: dict[str, Any] = {"text": draw(LINE)}
            if kind == "single" and weight == 100:
                choice["correct"] = True
            elif weight != 0:
                choice["weight"] = weight
            choice.update(draw(_maybe("feedback", text)))
            choice.update(draw(_maybe("format", st.sampled_from([f for f in FORMATS if f != fmt]))))
            choices.append(choice)
        q["choices"] = choices
    elif kind == "short":
        q["answers"] = [
            {"text": draw(LINE).replace(">", ""), **w, **draw(_maybe("feedback", text))}
            for w in draw(st.lists(_maybe("weight", st.integers(0, 99)), min_size=1, max_size=4))
        ]
    elif kind == "numeric":
        answers = []
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.booleans()):
                low, high = sorted([draw(NUMBER), draw(NUMBER)])
                answer: dict[str, Any] = {"min": low, "max": high}
            elif draw(st.booleans()):
                answer = {"value": draw(NUMBER)}
                answer.update(draw(_maybe("tolerance", st.sampled_from([0.5, 1, 0.001]))))
            else:
                answer = {"value": "*"}  # any number, Moodle's '*' (or '~' last)
            answer.update(draw(_maybe("weight", st.integers(0, 99))))
            answer.update(draw(_maybe("feedback", text)))
            answers.append(answer)
        q["answers"] = answers
    elif kind == "matching":
        q["pairs"] = [
            {
                "question": draw(LINE),
                "answer": draw(LINE),
                **draw(_maybe("format", st.sampled_from([f for f in FORMATS if f != fmt]))),
            }
            for _ in range(draw(st.integers(2, 4)))
        ]
        q.update(draw(_maybe("distractors", st.lists(LINE, min_size=1, max_size=2))))
    elif kind == "true_false":
        q["answer"] = draw(st.booleans())
        q.update(draw(_maybe("feedback_true", text)))
        q.update(draw(_maybe("feedback_false", text)))
    if kind != "description":
        q.update(draw(_maybe("points", st.integers(2, 10) | st.just(0.5))))
        q.update(draw(_maybe("feedback", text)))
    q.update(draw(_maybe("tags", st.lists(st.from_regex(r"[a-z0-9-]{1,8}", fullmatch=True),
                                           min_size=1, max_size=3))))  # fmt: skip
    return q


@settings(max_examples=300, deadline=None)
@given(batch=st.lists(questions(), min_size=1, max_size=4), category=st.none() | LINE)
def test_import_of_export_is_the_same_quiz(batch, category):
    if category:
        batch = [{**q, "category": category} for q in batch]
    doc = parse_gift(export_gift(batch))
    assert doc.errors == []
    assert doc.questions == batch


def test_shipped_quizzes_round_trip_through_gift():
    catalog = load_catalog(REPO)
    assert catalog.quizzes
    for quiz in catalog.quizzes.values():
        mapped = [question_to_dict(q) for q in quiz.questions]
        assert parse_gift(export_gift(mapped, title=quiz.title)).questions == mapped, quiz.slug


CONFORMANCE = REPO / ".." / "shared" / "gift-conformance"
CONFORMANCE_FILES = sorted(CONFORMANCE.glob("*.gift")) if CONFORMANCE.is_dir() else []


@pytest.mark.parametrize("path", CONFORMANCE_FILES, ids=[p.name for p in CONFORMANCE_FILES])
def test_every_conformance_file_round_trips(path):
    """import → export → import gives the same questions, on real GIFT files."""
    first = parse_gift(path.read_text(encoding="utf-8"))
    assert first.errors == []
    again = parse_gift(export_gift(first.questions))
    assert again.errors == []
    assert again.questions == first.questions


MOODLE_CONSTRUCTS = """\ufeff// Windows line ends, a BOM, and what Moodle's importer accepts
[html]<p>Pick</p> {=[plain]a <b> ~[moodle]b#[html]<i>no</i>}\r
\r
How many? {#\r
=5:1#close enough\r
=%50%\r
~#Completely wrong\r
}\r
\r
Any number will do {#=#fine}\r
\r
The capital is {=Paris ~Rome}.\r
\r
Match {=[html]<i>x</i> -> 1 =y -> 2}\r
"""


def test_what_moodle_reads_is_read_the_same():
    doc = parse_gift(MOODLE_CONSTRUCTS.encode().decode("unicode_escape").encode("latin-1").decode())
    assert doc.errors == []
    pick, numeric, anything, missing, match = doc.questions
    assert pick["choices"] == [
        {"text": "a <b>", "correct": True, "format": "plain"},
        {"text": "b", "feedback": "<i>no</i>", "format": "moodle"},
    ]
    assert numeric["answers"] == [
        {"value": 5, "tolerance": 1, "feedback": "close enough"},
        {"value": "*", "weight": 50},
        {"value": "*", "weight": 0, "feedback": "Completely wrong"},
    ]
    assert anything["answers"] == [{"value": "*", "feedback": "fine"}]
    assert missing["text"] == "The capital is _____ ."
    assert match["pairs"][0] == {"question": "<i>x</i>", "answer": "1", "format": "html"}
    assert parse_gift(export_gift(doc.questions)).questions == doc.questions


def test_moodle_refusals_point_at_their_line_and_the_rest_imports():
    doc = parse_gift("Fine {T}\n\nNo numbers {#~#wrong}\n\nAlso fine {F}\n")
    assert [e.line for e in doc.errors] == [3]
    assert [q["text"] for q in doc.questions] == ["Fine", "Also fine"]
