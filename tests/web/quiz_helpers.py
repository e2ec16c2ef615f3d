"""Shared arrangements for the quiz web tests: a content root with test quizzes, and helpers
that fill an attempt's form the way a browser would."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import PROJECT_ROOT, sign_in
from trainhub.quizzes.forms import AnswerForm, answer_form
from trainhub.quizzes.layout import Layout

SENTINEL = "ZQX"  # every planted key or feedback text contains it
NUMERIC_KEY = "424242.5"

SENTINEL_QUIZ = f"""title: Sentinel quiz
roles: [all]
pass_mark: 50
feedback: after_submit
questions:
  - id: s-single
    type: single
    text: Pick one
    choices:
      - {{text: Alpha, correct: true, feedback: {SENTINEL}-single-right}}
      - {{text: Beta, feedback: {SENTINEL}-single-wrong}}
    feedback: {SENTINEL}-single-general
  - id: s-multiple
    type: multiple
    text: Pick two
    choices:
      - {{text: One, weight: 50, feedback: {SENTINEL}-multi-1}}
      - {{text: Two, weight: 50}}
      - {{text: Three, weight: -100, feedback: {SENTINEL}-multi-3}}
  - id: s-tf
    type: true_false
    text: Is it?
    answer: true
    feedback_true: {SENTINEL}-tf-true
    feedback_false: {SENTINEL}-tf-false
  - id: s-short
    type: short
    text: Say the word
    answers:
      - {{text: {SENTINEL}shortkey, feedback: {SENTINEL}-short-fb}}
  - id: s-numeric
    type: numeric
    text: A number
    answers:
      - {{value: {NUMERIC_KEY}, tolerance: 0.25, feedback: {SENTINEL}-num-fb}}
  - id: s-matching
    type: matching
    text: Match
    pairs:
      - {{question: Left1, answer: Right1}}
      - {{question: Left2, answer: Right2}}
    feedback: {SENTINEL}-match-general
  - id: s-essay
    type: essay
    text: Write
    feedback: {SENTINEL}-essay-general
"""

LIMITED_QUIZ = """title: Limited quiz
roles: [all]
pass_mark: 100
attempts: 3
questions:
  - {id: l1, type: true_false, text: "Sure?", answer: true}
  - {id: l2, type: numeric, text: "Two plus two?", answers: ["4"]}
"""

TIMED_QUIZ = """title: Timed quiz
roles: [all]
pass_mark: 50
time_limit_minutes: 5
questions:
  - {id: t1, type: short, text: "Capital of Italy?", answers: [Rome]}
  - {id: t2, type: true_false, text: "Sure?", answer: true}
"""

AFTER_PASS_QUIZ = f"""title: After pass quiz
roles: [all]
pass_mark: 100
feedback: after_pass
questions:
  - id: p1
    type: true_false
    text: Sure?
    answer: true
    feedback_true: {SENTINEL}-pass-true
    feedback_false: {SENTINEL}-pass-false
"""

ESSAY_QUIZ = """title: Essay quiz
roles: [all]
pass_mark: 60
questions:
  - {id: e1, type: true_false, text: "Sure?", answer: true}
  - {id: e2, type: essay, text: Explain, points: 4}
"""

TEST_QUIZZES = {
    "sentinel-quiz.yaml": SENTINEL_QUIZ,
    "limited-quiz.yaml": LIMITED_QUIZ,
    "timed-quiz.yaml": TIMED_QUIZ,
    "after-pass-quiz.yaml": AFTER_PASS_QUIZ,
    "essay-quiz.yaml": ESSAY_QUIZ,
}


def make_content_root(base: Path) -> Path:
    """A copy of the shipped content plus the test quizzes."""
    root = base / "content-root"
    if not root.exists():
        for top in ("content", "quizzes", "roleplays"):
            if (PROJECT_ROOT / top).is_dir():
                shutil.copytree(PROJECT_ROOT / top, root / top)
        for name, text in TEST_QUIZZES.items():
            (root / "quizzes" / name).write_text(text, encoding="utf-8")
    return root


def attempt_id(response: Any) -> int:
    match = re.search(r"/quizzes/attempts/(\d+)", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def start(client: Any, slug: str) -> Any:
    return client.post_form(f"/quizzes/{slug}/start", token_from=f"/quizzes/{slug}")


def shown_choice(layout: dict[str, Any], entry: dict[str, Any], choice: int) -> str:
    """The value the page gives choice ``choice`` (its position in the file): its position on
    the page for attempts that name choices so, the file position for older ones."""
    if layout.get("form_values") == "shown":
        return str(entry["order"].index(choice))
    return str(choice)


def shown_pair(
    layout: dict[str, Any], entry: dict[str, Any], pair: str, text: str
) -> tuple[str, str]:
    """(field name suffix, option value) the page gives a matching pair and its answer."""
    if layout.get("form_values") == "shown":
        options = entry["options"]
        value = str(options.index(text)) if text in options else ""
        return str(entry["order"].index(int(pair))), value
    return pair, text


def form_data(layout: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The POST a browser sends for ``answers`` (keyed by question id) on this layout."""
    data: dict[str, Any] = {}
    for index, entry in enumerate(layout["questions"]):
        question = entry["question"]
        value = answers.get(question["id"])
        if value is None:
            continue
        kind = question["type"]
        if kind == "multiple":
            data[f"q{index}"] = [shown_choice(layout, entry, v) for v in value]
        elif kind == "single":
            data[f"q{index}"] = shown_choice(layout, entry, value)
        elif kind == "true_false":
            data[f"q{index}"] = "true" if value else "false"
        elif kind == "matching":
            for pair, text in value.items():
                slot, option = shown_pair(layout, entry, pair, text)
                data[f"q{index}_{slot}"] = option
        else:
            data[f"q{index}"] = str(value)
    return data


def submit(client: Any, attempt: int, data: dict[str, Any], action: str = "submit") -> Any:
    url = f"/quizzes/attempts/{attempt}"
    return client.post_form(url, {**data, action: "1"}, token_from=url)


def as_user(client: Any, email: str, *password: str) -> None:
    """Sign out whoever is signed in, then sign in as ``email``."""
    if client.get("/").status_code == 200:
        client.post_form("/logout", token_from="/")
    sign_in(client, email, *password)


def sketched_layout(sketch: dict[str, Any]) -> Layout:
    """A layout from a hand-written sketch of its JSON, which gives only what a test is about:
    whatever it leaves out gets a placeholder (the answer form never reads those)."""
    entries = []
    for entry in sketch["questions"]:
        q = entry["question"]
        question = {
            "text": "",
            "html": "",
            "points": 1.0,
            **q,
            "choices": [{"text": "", "weight": 0.0, **c} for c in q.get("choices", ())],
            "pairs": [{"question": "", "answer": "", **p} for p in q.get("pairs", ())],
        }
        entries.append({**entry, "question": question})
    defaults = {"title": "", "pass_mark": 0, "feedback": "after_submit", "max_score": 0.0}
    return Layout.from_json({**defaults, **sketch, "questions": entries})


def sketched_answer_form(
    sketch: dict[str, Any], saved: dict[str, Any], **kwargs: Any
) -> AnswerForm:
    """``answer_form`` of a sketched layout (see ``sketched_layout``)."""
    return answer_form(sketched_layout(sketch), saved, **kwargs)
