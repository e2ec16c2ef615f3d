"""Signing off a practical step, and revoking a sign-off: each needs a note. A hire's request
for a sign-off, and the mentor's answer to it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms import Form, NoControlCharacters


class SignOffForm(Form):
    note = StringField(
        _l("Note"),
        validators=[DataRequired(_l("Say what you saw.")), Length(max=1000)],
        description=_l("What you saw, e.g. \u201cfive calls on 12 and 14 May, debriefed\u201d."),
    )


class RevokeForm(Form):
    note = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("Say why the sign-off is revoked.")), Length(max=1000)],
    )


class RequestForm(Form):
    """A hire asks for a sign-off: a note, a file, or both."""

    note = TextAreaField(
        _l("What you did"),
        validators=[Length(max=2000), NoControlCharacters()],
        description=_l("e.g. \u201csat in on five calls with Olena on 12 and 14 May\u201d."),
    )
    evidence = FileField(
        _l("Evidence (optional)"),
        description=_l("An audio recording or a PDF, up to the upload limit."),
    )

    def validate_note(self, field: StringField) -> None:
        has_file = bool(getattr(self.evidence.data, "filename", ""))
        if not (field.data or "").strip() and not has_file:
            raise ValidationError(_l("Say what you did, or attach a file."))


class ApproveRequestForm(Form):
    note = StringField(
        _l("Note"),
        validators=[
            DataRequired(_l("Say what you saw.")),
            Length(max=1000),
            NoControlCharacters(),
        ],
    )


class DeclineRequestForm(Form):
    reason = StringField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Say what is missing, so the hire knows what to do.")),
            Length(max=1000),
            NoControlCharacters(),
        ],
    )
