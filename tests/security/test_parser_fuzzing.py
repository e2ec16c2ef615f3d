"""Hypothesis fuzzing of the content parsers that read files people write (trainhub/catalog/).

Content is reviewed in pull requests, but a parser that raises takes the whole catalog down
with it (or the linter, or ``trainhub quiz import-gift``). The contract: each parser either
succeeds or returns problems that carry a line of the file, and nothing else escapes.

Inputs are real content files mutated (spliced with syntax-heavy text, cut, lines swapped) and
free text over an alphabet of the formats' own syntax, so examples reach deep into the parsers
instead of failing at the first byte.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainhub.catalog.cache import RenderCache
from trainhub.catalog.courses import parse_course_meta, parse_lesson
from trainhub.catalog.gift import GiftError, parse_gift
from trainhub.catalog.problems import Problem
from trainhub.catalog.quizzes import parse_quiz
from trainhub.catalog.roleplays import parse_case
from trainhub.catalog.tracks import parse_track

REPO = Path(__file__).resolve().parents[2]
RENDER = RenderCache()
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _texts(pattern: str) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(REPO.glob(pattern))][:6]


LESSONS = _texts("content/courses/*/[0-9]*.md")
CASES = _texts("roleplays/*.md")
QUIZ_YAML = _texts("quizzes/*.yaml")
GIFTS = _texts("quizzes/*.gift") + _texts("tests/fixtures/*.gift")
TRACKS = _texts("content/tracks/*.yaml")

# The syntax of YAML, front matter, Markdown and GIFT, plus what breaks decoders and lines.
SYNTAX = [
    "---", "\n---\n", ":", ": ", "- ", "{", "}", "[", "]", "~", "=", "#", "->", "\\", "::",
    "//", "$CATEGORY:", "%", "&a", "*a", "!!python/object", "!!binary", "? ", "|", ">-",
    "\t", "\r", "\r\n", "\n\n", "\x00", "\ufeff", "\u2028", "\x85", "'", '"', "`", "<",
    "1e999", "-0", "0x1F", ".inf", "NaN", "null", "~%50%", "#### ", "{#", "..", "1:2",
    "title:", "questions:", "type: numeric", "answers:", "- value:", "weight:", "rubric:",
    "levels:", "steps:", "kind: quiz", "[html]", "[markdown]", "{T}", "{FALSE}", "=%-10%",
    "\u202e", "é", "😀", " " * 5,
]  # fmt: skip
TOKEN = st.sampled_from(SYNTAX) | st.text(max_size=6)


@st.composite
def mutated(draw: st.DrawFn, corpus: list[str]) -> str:
    """A real file with a few edits: something inserted, a range cut, two lines swapped."""
    text = draw(st.sampled_from(corpus)) if corpus else ""
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(["insert", "cut", "swap", "truncate"]))
        at = draw(st.integers(0, len(text)))
        if edit == "insert":
            text = text[:at] + "".join(draw(st.lists(TOKEN, min_size=1, max_size=5))) + text[at:]
        elif edit == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 80)) :]
        elif edit == "truncate":
            text = text[:at]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


def free_text() -> st.SearchStrategy[str]:
    return st.lists(TOKEN, max_size=40).map("".join)


def source(corpus: list[str]) -> st.SearchStrategy[bytes]:
    text = mutated(corpus) | free_text()
    # Now and then not UTF-8 at all: a file saved in the wrong encoding.
    return text.map(lambda t: t.encode("utf-8", "surrogatepass")) | st.binary(max_size=64)


def _line_count(data: bytes | str) -> int:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return text.count("\n") + text.count("\r") + 2


def assert_located(result: object, problems: Iterable[Problem], data: bytes | str) -> None:
    """Success, or errors that each name a line of the file (1 .. its last line)."""
    found = list(problems)
    for problem in found:
        assert isinstance(problem, Problem)
        assert 1 <= problem.line <= _line_count(data), problem
        assert problem.message.strip(), problem
    if result is None:
        assert any(p.is_error for p in found), "refused without saying why"


@FUZZ
@given(data=source(LESSONS))
def test_lesson_front_matter(data: bytes) -> None:
    lesson, problems = parse_lesson("content/courses/c/01-x.md", "c", "01-x.md", data, RENDER)
    assert_located(lesson, problems.items, data)


@FUZZ
@given(data=source(CASES))
def test_roleplay_case_front_matter(data: bytes) -> None:
    case, problems = parse_case("roleplays/x.md", "x", data, RENDER)
    assert_located(case, problems.items, data)


@FUZZ
@given(data=source(_texts("content/courses/*/course.yaml") + TRACKS))
def test_course_and_track_yaml(data: bytes) -> None:
    meta, problems = parse_course_meta("content/courses/c/course.yaml", data)
    assert_located(meta, problems.items, data)
    track, problems = parse_track("content/tracks/lead-generation.yaml", "lead-generation", data)
    assert_located(track, problems.items, data)


@FUZZ
@given(data=source(QUIZ_YAML))
def test_quiz_yaml(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "quizzes").mkdir()
        path = root / "quizzes" / "fuzzed.yaml"
        path.write_bytes(data)
        quiz, problems = parse_quiz(root, path, RENDER)
    assert_located(quiz, problems, data)


@FUZZ
@given(text=mutated(GIFTS) | free_text())
def test_gift(text: str) -> None:
    doc = parse_gift(text)
    for error in doc.errors:
        assert isinstance(error, GiftError)
        assert 1 <= error.line <= _line_count(text), error
    assert len(doc.lines) == len(doc.questions)


@FUZZ
@given(gift=source(GIFTS))
def test_a_gift_quiz_file_beside_its_yaml(gift: bytes) -> None:
    # The GIFT text through the whole quiz loader: questions built, rendered and checked.
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "quizzes").mkdir()
        path = root / "quizzes" / "fuzzed.yaml"
        path.write_text("title: Fuzzed\nroles: [lead-generation]\npass_mark: 60\n")
        path.with_suffix(".gift").write_bytes(gift)
        quiz, problems = parse_quiz(root, path, RENDER)
    assert_located(quiz, problems, gift)
