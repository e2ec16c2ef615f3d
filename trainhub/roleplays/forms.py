"""The hire's answer form: Markdown text, an optional file, and two buttons."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import Form
from .service import MAX_ANSWER_CHARS


class AnswerForm(Form):
    text = TextAreaField(
        _l("Your answer"),
        validators=[
            DataRequired(_l("Write your answer before saving.")),
            Length(max=MAX_ANSWER_CHARS),
        ],
        description=_l("Markdown: **bold**, *italic*, lists with '-', tables with '|'."),
    )
    attachment = FileField(
        _l("Attachment (optional)"),
        description=_l("An audio recording (mp3, m4a, ogg, wav, webm) or a PDF."),
    )
    save = SubmitField(_l("Save draft"))
    submit = SubmitField(_l("Submit for review"))

    @property
    def is_final(self) -> bool:
        """Whether the person pressed "Submit" (not "Save draft")."""
        return bool(self.submit.data)


class ReassignForm(Form):
    """A manager hands a waiting answer to a mentor who may review the hire."""

    mentor = SelectField(
        _l("Mentor"),
        coerce=int,
        validators=[InputRequired(_l("Choose a mentor."))],
    )

    def __init__(
        self, *args: Any, mentors: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.mentor.choices = mentors or []
