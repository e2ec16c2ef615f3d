"""Content versions by what a hire reads or answers (``catalog.versions``): an edit a hire
would not notice keeps the version; one they would notice makes a new one. Each test edits a
real content tree and loads it with the real loader."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures.translated_content import make_tree, write
from trainhub.catalog import load_catalog
from trainhub.catalog.sources import content_hash
from trainhub.catalog.versions import normal_text, same_version

GIFT_SETTINGS = """
title: GIFT quiz
roles: [all]
pass_mark: 50
"""
GIFT = """// The first question
::capital:: What is the capital of France? {=Paris ~London ~Berlin}

::sum:: 2 + 2 = ? {#4}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = make_tree(tmp_path, russian=False)
    write(root, "quizzes/gift-quiz.yaml", GIFT_SETTINGS)
    (root / "quizzes/gift-quiz.gift").write_text(GIFT, encoding="utf-8")
    return root


def _versions(root: Path) -> dict[str, str]:
    cat = load_catalog(root)
    assert not [p for p in cat.problems if p.is_error], cat.problems
    course = cat.courses["basics"]
    found = {f"lesson:{x.slug}": x.content_hash for x in course.lessons}
    found["course"] = course.content_hash
    found.update({f"quiz:{slug}": q.content_hash for slug, q in cat.quizzes.items()})
    found["case"] = cat.roleplays["cold-call"].content_hash
    found["track"] = cat.tracks["seller"].content_hash
    for slug, quiz in cat.quizzes.items():
        found.update({f"q:{slug}:{q.title or q.id}": _qv(q) for q in quiz.questions})
    return found


def _qv(question: object) -> str:
    from trainhub.catalog.versions import question_version

    return question_version(question)  # type: ignore[arg-type]


def _edit(root: Path, rel: str, change: Callable[[str], str]) -> None:
    path = root / rel
    path.write_bytes(change(path.read_text(encoding="utf-8")).encode())


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


UNNOTICED = {
    "a GIFT comment": (
        "quizzes/gift-quiz.gift",
        lambda t: t.replace("// The first", "// Our first"),
    ),
    "a new GIFT comment line": ("quizzes/gift-quiz.gift", lambda t: "// reviewed by Olga\n" + t),
    "a YAML comment in a quiz": ("quizzes/kpi-quiz.yaml", lambda t: "# checked in May\n" + t),
    "a YAML comment in a case": (
        "roleplays/cold-call.md",
        lambda t: t.replace("situation:", "# the persona is fictional\nsituation:"),
    ),
    "Windows line endings in a lesson": (
        "content/courses/basics/01-funnel.md",
        lambda t: t.replace("\n", "\r\n"),
    ),
    "trailing spaces and blank lines": (
        "content/courses/basics/02-kpis.md",
        lambda t: t.replace("stage.", "stage.   ") + "\n\n\n",
    ),
    "front matter order": (
        "content/courses/basics/01-funnel.md",
        lambda t: t.replace("title: The funnel\nminutes: 5", "minutes: 5\ntitle: The funnel"),
    ),
    "key order in a question": (
        "quizzes/kpi-quiz.yaml",
        lambda t: t.replace(
            "  - id: q-tf\n    type: true_false\n    text: A lead is a paying client.\n",
            "  - type: true_false\n    text: A lead is a paying client.\n    id: q-tf\n",
        ),
    ),
    "the order of the choices": (
        "quizzes/kpi-quiz.yaml",
        lambda t: t.replace(
            "      - text: The share of leads that move to the next stage\n        correct: true\n"
            "      - text: The number of calls\n",
            "      - text: The number of calls\n"
            "      - text: The share of leads that move to the next stage\n        correct: true\n",
        ),
    ),
    "an HTML comment in a lesson": (
        "content/courses/basics/02-kpis.md",
        lambda t: t.replace("Conversion is", "<!-- TODO: add a chart -->\nConversion is"),
    ),
    "a lesson's reading time": (
        "content/courses/basics/02-kpis.md",
        lambda t: t.replace("minutes: 4", "minutes: 6"),
    ),
    "the case's mentor notes": (
        "roleplays/cold-call.md",
        lambda t: t.replace("Listen for the next step.", "Listen for a booked next step."),
    ),
}


@pytest.mark.parametrize("name", sorted(UNNOTICED))
def test_an_edit_a_hire_would_not_notice_keeps_every_version(tree, name):
    rel, change = UNNOTICED[name]
    before = _versions(tree)
    old_file = content_hash((tree / rel).read_bytes())
    _edit(tree, rel, change)
    assert content_hash((tree / rel).read_bytes()) != old_file  # the file did change
    assert _changed(before, _versions(tree)) == set()


NOTICED = {
    "a lesson's text": (
        "content/courses/basics/02-kpis.md",
        lambda t: t.replace("each stage", "every stage"),
        {"lesson:kpis", "course"},
    ),
    "a question's text in GIFT": (
        "quizzes/gift-quiz.gift",
        lambda t: t.replace("capital of France", "capital city of France"),
        {"quiz:gift-quiz", "q:gift-quiz:capital"},
    ),
    "the right answer in GIFT": (
        "quizzes/gift-quiz.gift",
        lambda t: t.replace("{#4}", "{#5}"),
        {"quiz:gift-quiz", "q:gift-quiz:sum"},
    ),
    "a trainhub setting in GIFT": (
        "quizzes/gift-quiz.gift",
        lambda t: "// trainhub: pass_mark: 75\n" + t,
        {"quiz:gift-quiz"},
    ),
    "a choice's text": (
        "quizzes/kpi-quiz.yaml",
        lambda t: t.replace("The number of calls", "The number of calls made"),
        {"quiz:kpi-quiz", "q:kpi-quiz:q-single"},
    ),
    "which choice is right": (
        "quizzes/kpi-quiz.yaml",
        lambda t: t.replace(
            "      - text: Average deal size\n        correct: true\n",
            "      - text: Average deal size\n",
        ),
        {"quiz:kpi-quiz", "q:kpi-quiz:q-multiple"},
    ),
    "a true/false answer": (
        "quizzes/kpi-quiz.yaml",
        lambda t: t.replace("answer: false", "answer: true"),
        {"quiz:kpi-quiz", "q:kpi-quiz:q-tf"},
    ),
    "the pass mark": (
        "quizzes/kpi-quiz.yaml",
        lambda t: t.replace("pass_mark: 60", "pass_mark: 70"),
        {"quiz:kpi-quiz"},
    ),
    "a rubric weight": (
        "roleplays/cold-call.md",
        lambda t: t.replace("Opening\n    weight: 50", "Opening\n    weight: 60").replace(
            "Next step\n    weight: 50", "Next step\n    weight: 40"
        ),
        {"case"},
    ),
    "a rubric level": (
        "roleplays/cold-call.md",
        lambda t: t.replace("4: Agreed and booked", "4: Agreed, booked and confirmed"),
        {"case"},
    ),
    "the scenario": (
        "roleplays/cold-call.md",
        lambda t: t.replace("Write what you would say.", "Write what you would say first."),
        {"case"},
    ),
    "a sign-off's description": (
        "content/tracks/seller.yaml",
        lambda t: t.replace("listened to a real call", "listened to two real calls"),
        {"track"},
    ),
}


@pytest.mark.parametrize("name", sorted(NOTICED))
def test_an_edit_a_hire_would_notice_makes_a_new_version_of_that_item_only(tree, name):
    rel, change, expected = NOTICED[name]
    before = _versions(tree)
    _edit(tree, rel, change)
    assert _changed(before, _versions(tree)) == expected


def test_a_record_of_the_old_file_hash_is_current_while_the_file_is_unchanged(tree):
    cat = load_catalog(tree)
    lesson = cat.courses["basics"].lessons[0]
    stored = content_hash((tree / "content/courses/basics/01-funnel.md").read_bytes())
    assert lesson.file_hash == stored != lesson.content_hash
    assert same_version(stored, lesson) and same_version(lesson.content_hash, lesson)
    quiz = cat.quizzes["gift-quiz"]
    old = content_hash(
        (tree / "quizzes/gift-quiz.yaml").read_bytes()
        + b"\0"
        + (tree / "quizzes/gift-quiz.gift").read_bytes()
    )
    assert same_version(old, quiz)
    # After an edit, an old record cannot tell what its file said: it is outdated.
    _edit(tree, "content/courses/basics/01-funnel.md", lambda t: t + "\n<!-- note -->\n")
    assert load_catalog(tree).courses["basics"].lessons[0].content_hash == lesson.content_hash
    lesson = load_catalog(tree).courses["basics"].lessons[0]
    assert not same_version(stored, lesson)
    assert not same_version("", lesson) and not same_version(None, lesson)


def test_html_comments_count_only_inside_code():
    from trainhub.catalog.versions import markdown_text

    assert markdown_text("Before <!-- a note\nover lines --> after") == "Before  after"
    code = "```html\n<!-- shown in the code -->\n```\n<!-- hidden -->"
    assert markdown_text(code) == "```html\n<!-- shown in the code -->\n```"


def test_normal_text():
    assert normal_text("a  \r\nb\r\n\r\n\r\n\r\nc\n\n") == "a\nb\n\nc"
    assert normal_text(None) == ""
    assert normal_text("  indented code\n") == "  indented code"
