"""Answer forms are built per attempt layout; their classes are shared between attempts that
drew the same questions, but each attempt still shows its own order of choices."""

from __future__ import annotations

from tests.web.quiz_helpers import sketched_answer_form as answer_form


def _layout(order: list[int]) -> dict:
    choices = [{"html": "Alpha"}, {"html": "Beta"}, {"html": "Gamma"}]
    return {
        "quiz_hash": "h1",
        "questions": [
            {"question": {"id": "pick", "type": "single", "choices": choices}, "order": order},
            {"question": {"id": "many", "type": "multiple", "choices": choices}, "order": order},
            {"question": {"id": "num", "type": "numeric"}},
        ],
    }


def _labels(form, name: str) -> list[str]:
    return [str(label) for _value, label, _checked, _attrs in form[name].iter_choices()]


def test_each_attempt_shows_its_own_choice_order(app):
    with app.test_request_context("/"):
        first = answer_form(_layout([2, 0, 1]), {"pick": 0}, meta={"csrf": False})
        second = answer_form(_layout([1, 2, 0]), {}, meta={"csrf": False})
        assert type(first) is type(second)  # one class for both orders
        assert _labels(first, "q0") == ["Gamma", "Alpha", "Beta"]
        assert _labels(second, "q0") == ["Beta", "Gamma", "Alpha"]
        assert _labels(second, "q1") == ["Beta", "Gamma", "Alpha"]
        assert first.q0.data == "0" and second.q0.data is None


def test_a_choice_outside_the_question_is_refused(app):
    with app.test_request_context("/", method="POST", data={"q0": "7", "submit": "1"}):
        form = answer_form(_layout([0, 1, 2]), {}, meta={"csrf": False})
        assert not form.validate()
        assert form.q0.errors
    with app.test_request_context("/", method="POST", data={"q0": "2", "submit": "1"}):
        form = answer_form(_layout([0, 1, 2]), {}, meta={"csrf": False})
        assert form.validate(), form.errors


def test_matching_prompts_come_from_each_attempts_own_layout(app):
    def layout(prompt: str) -> dict:
        pairs = [{"html": prompt}, {"html": "Second prompt"}]
        question = {"id": "match", "type": "matching", "pairs": pairs}
        entry = {"question": question, "order": [0, 1], "options": ["a", "b"]}
        return {"quiz_hash": "h2", "questions": [entry]}

    with app.test_request_context("/"):
        old = answer_form(layout("Prompt as rendered last year"), {}, meta={"csrf": False})
        new = answer_form(layout("Prompt as rendered today"), {}, meta={"csrf": False})
        assert type(old) is type(new)
        assert "last year" in str(old.q0_0.label) and "today" in str(new.q0_0.label)
