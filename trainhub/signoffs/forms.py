"""Signing off a practical step, and revoking a sign-off: each needs a note."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..forms import Form


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
