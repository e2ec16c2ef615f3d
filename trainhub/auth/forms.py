"""Sign-in and people forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..forms import Form


class LoginForm(Form):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=500)]
    )


class LogoutForm(Form):
    """Empty: it exists for its CSRF token, so a link on another site cannot sign you out."""


class PasswordLinkForm(Form):
    """Empty: the admin's "send the invitation again" button (CSRF only)."""


def _to_int(value: object) -> int | None:
    return int(str(value)) if value not in (None, "", "None") else None


class PersonForm(Form):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=120)]
    )
    email = EmailField(
        _l("E-mail"),
        # Deliberately loose: internal domains such as *.local are real addresses here, and
        # strict validators reject them as "special use".
        validators=[
            DataRequired(_l("Enter an e-mail address like name@company.com.")),
            Length(max=254),
            Regexp(
                r"^[^@\s]+@[^@\s]+$", message=_l("Enter an e-mail address like name@company.com.")
            ),
        ],
    )
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("hire", _l("new hire")),
            SelectChoice("mentor", _l("mentor")),
            SelectChoice("manager", _l("manager")),
            SelectChoice("admin", _l("admin")),
        ],
    )
    track = SelectField(_l("Track"), choices=[], validate_choice=True)
    mentor_id = SelectField(_l("Mentor"), choices=[], coerce=_to_int, validate_choice=True)
    manager_id = SelectField(_l("Manager"), choices=[], coerce=_to_int, validate_choice=True)
    started_on = DateField(
        _l("Start date"),
        validators=[Optional()],
        description=_l("Required for a new hire: due dates count from it."),
    )
    locale = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", "—"),
            SelectChoice("en", "English"),
            SelectChoice("ru", "Русский"),
            SelectChoice("uk", "Українська"),
        ],
    )
    is_active = BooleanField(_l("Active"), default=True)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = bool(super().validate(extra_validators))
        # A hire without a start date has no due dates and shows "not scheduled"; the form
        # never makes one. (Not an inline validator: ``Optional`` stops those on empty input.)
        if self.role.data == "hire" and self.started_on.data is None and not self.started_on.errors:
            self.started_on.errors = [_l("A new hire needs a start date.")]
            valid = False
        if self.role.data == "hire" and not self.track.data and not self.track.errors:
            self.track.errors = [_l("A new hire needs a track: choose one.")]
            valid = False
        return valid
