"""Quiz forms. The answer form is built per attempt from its layout (its questions, in order).

Field values are positions on the page and typed text only: choice ``i`` of a question is the
``i``-th one the hire sees, whatever its place in the quiz file, and the server maps it back
through the attempt's layout. So no value, name or order in the page tells a right choice from
a wrong one, and any "score" a client adds to the POST is simply not a field. Attempts started
before this (``Layout.form_values == "index"``) keep the file positions they were given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import (
    Field,
    FloatField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import Label
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..catalog.questions import Question
from ..forms import Form
from .grading import parse_number
from .layout import CHOICE_KINDS, Layout, LayoutEntry

SHORT_MAX = 500
ESSAY_MAX = 20000


class StartForm(Form):
    """Empty: its CSRF token guards the Start button."""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _is_number(_form: Form, field: Field) -> None:
    if field.data and field.data.strip() and parse_number(field.data) is None:
        raise ValidationError(_l("Enter a number, such as 15, 2.5 or 3000."))


class AnswerForm(Form):
    save = SubmitField(_l("Save answers"))
    submit = SubmitField(_l("Submit for grading"))


def _shown(layout: Layout) -> bool:
    return layout.form_values == "shown"


def choice_value(layout: Layout, entry: LayoutEntry, choice: int) -> str:
    """The form value of a choice (its position in the quiz file)."""
    order = entry.order or ()
    if _shown(layout):
        return str(order.index(choice)) if choice in order else ""
    return str(choice)


def choice_from(layout: Layout, entry: LayoutEntry, value: Any) -> int | None:
    """The choice (position in the quiz file) a form value stands for; None if none."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    order = entry.order or ()
    if _shown(layout):
        return order[number] if 0 <= number < len(order) else None
    return number if number in order else None


def pair_slots(layout: Layout, entry: LayoutEntry) -> list[tuple[str, int]]:
    """A matching question's fields as (name suffix, pair position in the file), shown order."""
    order = entry.order or ()
    if _shown(layout):
        return [(str(slot), pair) for slot, pair in enumerate(order)]
    return [(str(pair), pair) for pair in order]


def _option_choices(layout: Layout, entry: LayoutEntry) -> list[SelectChoice]:
    options = entry.options or ()
    if _shown(layout):
        return [SelectChoice("", "—")] + [SelectChoice(str(i), o) for i, o in enumerate(options)]
    return [SelectChoice("", "—")] + [SelectChoice(o, o) for o in options]


def _option_value(layout: Layout, entry: LayoutEntry, text: str) -> str:
    options = entry.options or ()
    if _shown(layout):
        return str(options.index(text)) if text in options else ""
    return text


def _option_from(layout: Layout, entry: LayoutEntry, value: Any) -> str:
    options = entry.options or ()
    if not _shown(layout):
        return value or ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    return options[number] if 0 <= number < len(options) else ""


def _choices(layout: Layout, entry: LayoutEntry) -> list[SelectChoice]:
    """A choice question's options in the order this attempt shows them."""
    choices = entry.question.choices
    return [
        SelectChoice(choice_value(layout, entry, i), Markup(choices[i].html))
        for i in entry.order or ()
    ]


def _fields_for(layout: Layout, index: int, entry: LayoutEntry) -> dict[str, Field]:
    kind = entry.question.type
    name = f"q{index}"
    label = _l("Your answer")
    # Choices are set on each form (answer_form): the class is shared by every order.
    if kind == "single":
        return {name: RadioField(label, choices=[], validators=[Optional()])}
    if kind == "multiple":
        return {name: MultiCheckboxField(label, choices=[], validators=[Optional()])}
    if kind == "true_false":
        choices = [SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))]
        return {name: RadioField(label, choices=choices, validators=[Optional()])}
    if kind == "short":
        return {name: StringField(label, validators=[Optional(), Length(max=SHORT_MAX)])}
    if kind == "numeric":
        # inputmode: phones open the keypad with a decimal sign, not the letter keyboard.
        # Not type=number, which refuses "3,5" in some browsers and hides what was typed.
        return {
            name: StringField(
                label,
                validators=[Optional(), Length(max=50), _is_number],
                render_kw={"inputmode": "decimal", "autocomplete": "off"},
            )
        }
    if kind == "essay":
        return {name: TextAreaField(label, validators=[Optional(), Length(max=ESSAY_MAX)])}
    if kind == "matching":
        # Labels are set on each form (answer_form), like choices: they come from the
        # attempt's stored layout, which the class's key does not pin.
        options = _option_choices(layout, entry)
        return {
            f"{name}_{slot}": SelectField("", choices=options, validators=[Optional()])
            for slot, _pair in pair_slots(layout, entry)
        }
    return {}


# Answer form classes by the shape of a layout (see _shape). Building a form class binds a
# field per question and sorts them: a third of a quiz submission's time, the same for every
# attempt that drew the same questions in the same order (choice orders are set per form).
# Bounded: cleared when full.
_FORM_CLASSES: dict[tuple[Any, ...], type[AnswerForm]] = {}
FORM_CLASSES_SIZE = 512


def _shape(layout: Layout) -> tuple[Any, ...]:
    """What the form's fields depend on: the quiz version, the questions in order, and the
    order of a matching question's pairs (one field each)."""
    shape = []
    for entry in layout.questions:
        kind = entry.question.type
        order = () if kind in CHOICE_KINDS else entry.order or ()
        shape.append((entry.question.id, kind, order, entry.options or ()))
    return (layout.quiz_hash, layout.form_values, tuple(shape))


def _form_class(layout: Layout) -> type[AnswerForm]:
    # Without a quiz hash the questions' text is not pinned by the key: build afresh.
    key = _shape(layout) if layout.quiz_hash else None
    found = _FORM_CLASSES.get(key) if key is not None else None
    if found is None:
        fields: dict[str, Field] = {}
        for index, entry in enumerate(layout.questions):
            fields.update(_fields_for(layout, index, entry))
        found = type("AttemptAnswerForm", (AnswerForm,), fields)
        if key is not None:
            if len(_FORM_CLASSES) >= FORM_CLASSES_SIZE:
                _FORM_CLASSES.clear()
            _FORM_CLASSES[key] = found
    return found


def answer_form(layout: Layout, saved: Mapping[str, Any], **kwargs: Any) -> AnswerForm:
    """The form of one attempt, pre-filled with the answers saved so far."""
    data: dict[str, Any] = {}
    for index, entry in enumerate(layout.questions):
        value = saved.get(entry.question.id)
        if value is None:
            continue
        kind = entry.question.type
        if kind == "matching" and isinstance(value, dict):
            for slot, pair in pair_slots(layout, entry):
                data[f"q{index}_{slot}"] = _option_value(layout, entry, value.get(str(pair), ""))
        elif kind == "multiple" and isinstance(value, list):
            data[f"q{index}"] = [choice_value(layout, entry, v) for v in value]
        elif kind == "single" and isinstance(value, int):
            data[f"q{index}"] = choice_value(layout, entry, value)
        elif kind == "true_false" and isinstance(value, bool):
            data[f"q{index}"] = "true" if value else "false"
        elif kind != "matching":
            data[f"q{index}"] = str(value)
    form = _form_class(layout)(data=data, **kwargs)
    for index, entry in enumerate(layout.questions):
        question = entry.question
        if question.type in CHOICE_KINDS:
            form[f"q{index}"].choices = _choices(layout, entry)
        elif question.type == "matching":
            for slot, pair in pair_slots(layout, entry):
                field = form[f"q{index}_{slot}"]
                field.label = Label(field.id, Markup(question.pairs[pair].html))
    return form


def answers_from(form: AnswerForm, layout: Layout) -> dict[str, Any]:
    """The answers as the graders read them, keyed by question id."""
    answers: dict[str, Any] = {}
    for index, entry in enumerate(layout.questions):
        key, kind = entry.question.id, entry.question.type
        if kind == "description":
            continue
        if kind == "matching":
            answers[key] = {
                str(pair): _option_from(layout, entry, form[f"q{index}_{slot}"].data)
                for slot, pair in pair_slots(layout, entry)
            }
            continue
        value = form[f"q{index}"].data
        if kind == "single":
            answers[key] = choice_from(layout, entry, value)
        elif kind == "multiple":
            picked = (choice_from(layout, entry, v) for v in value or [])
            answers[key] = sorted(p for p in picked if p is not None)
        elif kind == "true_false":
            answers[key] = {"true": True, "false": False}.get(value or "")
        else:
            answers[key] = (value or "").strip()
    return answers


class GradeFormBase(Form):
    submit = SubmitField(_l("Save grades"))


def grade_form(essays: Sequence[Question], **kwargs: Any) -> GradeFormBase:
    """Points and a comment per essay question of an attempt."""
    fields: dict[str, Field] = {}
    for index, question in enumerate(essays):
        fields[f"points_{index}"] = FloatField(
            _l("Points (0-%(max)s)", max=f"{question.points:g}"),
            validators=[InputRequired(), NumberRange(min=0, max=question.points)],
        )
        fields[f"comment_{index}"] = TextAreaField(
            _l("Comment for the hire"), validators=[Optional(), Length(max=5000)]
        )
    form_class = type("EssayGradeForm", (GradeFormBase,), fields)
    form: GradeFormBase = form_class(**kwargs)
    return form


def marks_from(form: GradeFormBase, essays: Sequence[Question]) -> dict[str, tuple[float, str]]:
    return {
        q.id: (float(form[f"points_{i}"].data), (form[f"comment_{i}"].data or "").strip())
        for i, q in enumerate(essays)
    }
