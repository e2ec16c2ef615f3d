from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import AnyOf, DataRequired, Length

from ..forms import Form
from .models import KINDS


class DecideForm(Form):
    """A button under a flagged step: which item (hidden fields, checked against the hire's
    flagged items on the server) and the CSRF token."""

    kind = HiddenField(validators=[DataRequired(), AnyOf(KINDS)])
    item = HiddenField(validators=[DataRequired(), Length(max=201)])
