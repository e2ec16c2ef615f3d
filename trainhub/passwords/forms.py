"""Password forms. The rules are ``auth.policy``; the messages here, in the person's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..auth.policy import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, Problem, password_problem
from ..forms import Form

PROBLEMS: dict[Problem, Any] = {
    Problem.TOO_SHORT: _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
    Problem.TOO_LONG: _l("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH),
    Problem.COMMON: _l(
        "This is one of the most common passwords, which are guessed first: choose another."
    ),
    Problem.IS_EMAIL: _l("Your password cannot be your e-mail address."),
}
HINT = _l(
    "At least %(n)d characters; a few unrelated words make a good one.", n=MIN_PASSWORD_LENGTH
)


class ForgotForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class ChooseForm(Form):
    """A new password, typed twice."""

    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=1000)], description=HINT
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )

    def check_policy(self, email: str) -> bool:
        """The shipped rules (length, the common list, not one's e-mail), next to the field."""
        problem = password_problem(self.password.data or "", email)
        if problem is None:
            return True
        self.password.errors = [*self.password.errors, PROBLEMS[problem]]
        return False


class ChangeForm(ChooseForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1000)])
