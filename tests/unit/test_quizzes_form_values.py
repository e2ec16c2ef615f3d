"""Form values are positions on the page, mapped back through the layout (pure)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.web.quiz_helpers import sketched_layout
from trainhub.quizzes.forms import choice_from, choice_value, pair_slots

orders = st.integers(1, 8).flatmap(lambda n: st.permutations(list(range(n))))


def _layout(order: list[int], values: str):
    choices = [
        {"text": f"c{i}", "html": "", "weight": 100.0 if i == 0 else 0.0} for i in range(len(order))
    ]
    sketch = {
        "quiz_hash": "",
        "form_values": values,
        "questions": [
            {"question": {"id": "q", "type": "single", "choices": choices}, "order": order}
        ],
    }
    layout = sketched_layout(sketch)
    return layout, layout.questions[0]


@given(orders)
def test_a_shown_value_maps_back_to_its_choice_and_says_only_where_it_is(order):
    layout, entry = _layout(order, "shown")
    values = [choice_value(layout, entry, i) for i in entry.order]
    assert values == [str(p) for p in range(len(order))]  # 0, 1, 2... in page order
    assert [choice_from(layout, entry, v) for v in values] == list(entry.order)
    assert choice_from(layout, entry, str(len(order))) is None
    assert choice_from(layout, entry, "-1") is None and choice_from(layout, entry, "x") is None


@given(orders)
def test_older_attempts_keep_file_positions(order):
    layout, entry = _layout(order, "index")
    assert [choice_value(layout, entry, i) for i in entry.order] == [str(i) for i in order]
    assert [choice_from(layout, entry, str(i)) for i in order] == list(order)


def test_matching_fields_are_named_by_their_place_on_the_page():
    sketch = {
        "quiz_hash": "",
        "form_values": "shown",
        "questions": [
            {
                "question": {"id": "m", "type": "matching", "pairs": [{"html": ""}] * 3},
                "order": [2, 0, 1],
                "options": ["a", "b", "c"],
            }
        ],
    }
    layout = sketched_layout(sketch)
    assert pair_slots(layout, layout.questions[0]) == [("0", 2), ("1", 0), ("2", 1)]
