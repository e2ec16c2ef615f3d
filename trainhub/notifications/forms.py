"""The notification centre's forms: mark read, mark all read, and the channel per kind."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Regexp

from ..forms import Form
from .kinds import KINDS

CHANNEL_CHOICES = [
    SelectChoice("app", _l("In the app")),
    SelectChoice("email", _l("In the app and by e-mail at once")),
    SelectChoice("digest", _l("In the app and in a daily e-mail summary")),
    SelectChoice("off", _l("Off")),
]


class MarkReadForm(Form):
    pass


class MarkAllReadForm(Form):
    # The newest notice the page showed: one that arrives after it stays unread.
    up_to = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,12}$")])


class SettingsForm(Form):
    def choices(self) -> dict[str, str]:
        return {
            name.removeprefix("kind-"): str(field.data)
            for name, field in self._fields.items()
            if name.startswith("kind-")
        }


def settings_form_for(kinds: list[str], current: Mapping[str, str]) -> SettingsForm:
    """One choice per kind the person's role receives, preset to what they have now."""

    class _Form(SettingsForm):
        pass

    for slug in kinds:
        setattr(
            _Form,
            f"kind-{slug}",
            RadioField(
                KINDS[slug].label,
                choices=CHANNEL_CHOICES,
                default=current.get(slug, KINDS[slug].default),
                validators=[InputRequired(_l("Choose how you get this notice."))],
            ),
        )
    return _Form()
