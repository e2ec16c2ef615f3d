"""Nothing of the key reaches a hire's browser while an attempt is open: every question type of
every shipped quiz (and the test quiz that plants a marker in every key and feedback field) is
rendered, and no value, name, order or attribute in the page tells a right choice from a wrong
one."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from tests.web.quiz_helpers import NUMERIC_KEY, SENTINEL, attempt_id, make_content_root, start
from trainhub.content import catalog
from trainhub.quizzes.models import QuizAttempt


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    root = make_content_root(tmp_path_factory.getbasetemp())
    return {**app_config, "CONTENT_ROOT": str(root)}


class Controls(HTMLParser):
    """The form controls of a page, in document order: (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[tuple[str, dict[str, str]]] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.attributes.extend(f"{k}={v}" for k, v in values.items())
        if tag in {"input", "select", "option", "textarea"}:
            self.controls.append((tag, values))


def _named(controls: list[tuple[str, dict[str, str]]], name: str) -> list[str]:
    return [a["value"] for tag, a in controls if tag == "input" and a.get("name") == name]


def _select_options(page: str, name: str) -> list[str]:
    start_at = page.index(f'name="{name}"')
    block = page[start_at : page.index("</select>", start_at)]
    parser = Controls()
    parser.feed(block)
    return [a.get("value", "") for tag, a in parser.controls if tag == "option"]


def _key_texts(question: Any) -> list[str]:
    """Texts only the key holds: feedback of every kind (short answers and numbers are
    planted in the sentinel quiz: a real quiz's stems may name them in passing)."""
    texts = [question.feedback, question.feedback_true, question.feedback_false]
    texts += [c.feedback for c in question.choices]
    texts += [n.feedback for n in question.numbers]
    shown = question.text + " ".join(c.text for c in question.choices if question.type != "short")
    # A text the question itself shows (a short answer quoted in its stem) is not a leak.
    return [t for t in texts if t and len(t) > 3 and t not in shown]


def test_no_page_of_an_open_attempt_gives_the_key_away(app, client, login_as, db_session):
    with app.app_context():
        quizzes = dict(catalog().quizzes)
    assert len(quizzes) >= 7
    login_as("hire", track="account-manager")
    seen_kinds: set[str] = set()
    for slug in quizzes:
        attempt = attempt_id(start(client, slug))
        page = client.get(f"/quizzes/attempts/{attempt}").get_data(as_text=True)
        row = db_session.get(QuizAttempt, attempt)
        assert row is not None and row.layout["form_values"] == "shown"
        parser = Controls()
        parser.feed(page)
        for index, entry in enumerate(row.layout["questions"]):
            question = entry["question"]
            kind = question["type"]
            seen_kinds.add(kind)
            if kind in {"single", "multiple"}:
                # The values are the positions on the page: 0, 1, 2... whatever the key.
                count = len(question["choices"])
                assert _named(parser.controls, f"q{index}") == [str(i) for i in range(count)]
            elif kind == "matching":
                for slot in range(len(question["pairs"])):
                    options = _select_options(page, f"q{index}_{slot}")
                    assert options == ["", *(str(i) for i in range(len(options) - 1))]
                assert f'name="q{index}_{len(question["pairs"])}"' not in page
            elif kind == "true_false":
                assert _named(parser.controls, f"q{index}") == ["true", "false"]
        found = catalog_question_texts(app, slug)
        for text in found:
            assert text not in page, (slug, text)
        attributes = " ".join(parser.attributes).lower()
        for word in ("correct", "weight", "right", "feedback", "answer-key"):
            assert word not in attributes, (slug, word)
        client.post_form(
            f"/quizzes/attempts/{attempt}",
            {"submit": "1"},
            token_from=f"/quizzes/attempts/{attempt}",
        )
    assert {
        "single",
        "multiple",
        "true_false",
        "short",
        "numeric",
        "matching",
        "essay",
    } <= seen_kinds
    sentinel = attempt_id(start(client, "sentinel-quiz"))
    page = client.get(f"/quizzes/attempts/{sentinel}").get_data(as_text=True)
    assert SENTINEL not in page and NUMERIC_KEY not in page


def catalog_question_texts(app: Any, slug: str) -> list[str]:
    with app.app_context():
        quiz = catalog().quizzes[slug]
        return [text for q in quiz.questions for text in _key_texts(q)]


def test_the_same_choice_gets_different_values_in_different_attempts(
    app, client, login_as, db_session
):
    """With shuffled choices, the value of the right choice moves from attempt to attempt, so a
    script cannot learn "the answer is 0"."""
    login_as("hire")
    positions: set[int] = set()
    for _ in range(8):
        attempt = attempt_id(start(client, "account-management-basics"))
        row = db_session.get(QuizAttempt, attempt)
        assert row is not None
        for entry in row.layout["questions"]:
            question = entry["question"]
            if question["type"] == "single":
                right = next(i for i, c in enumerate(question["choices"]) if c["weight"] >= 100)
                positions.add(entry["order"].index(right))
                break
        url = f"/quizzes/attempts/{attempt}"
        client.post_form(url, {"submit": "1"}, token_from=url)
    assert len(positions) > 1
