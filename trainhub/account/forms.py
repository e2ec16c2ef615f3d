"""The settings form (time zone and language) and the calendar link buttons (CSRF only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ..forms import Form
from ..language import LANGUAGES
from ..zones import zone_label, zone_names


class SettingsForm(Form):
    time_zone = SelectField(
        _l("Time zone"),
        choices=[],
        description=_l(
            "Times are shown in this zone. Dates things are due on follow the company's calendar."
        ),
    )
    locale = SelectField(_l("Language"), choices=[])

    def fill_choices(self, browser_zone: str | None, language: str = "en") -> None:
        automatic = (
            _l("My browser's (%(zone)s)", zone=zone_label(browser_zone, language))
            if browser_zone
            else _l("My browser's")
        )
        # Sorted by what the person reads, in their alphabet: "Австралия — Сидней" first.
        zones = sorted(zone_names(), key=lambda name: zone_label(name, language).casefold())
        self.time_zone.choices = [SelectChoice("", automatic)] + [
            SelectChoice(name, zone_label(name, language)) for name in zones
        ]
        self.locale.choices = [SelectChoice("", _l("My browser's"))] + [
            # Each language is named in itself ("English", "Українська"), and marked so: a
            # screen reader then reads it in that language.
            SelectChoice(code, name, render_kw={"lang": code})
            for code, name in LANGUAGES.items()
        ]


class CalendarForm(Form):
    """Create (or replace) and revoke the feed link: buttons with a CSRF token."""
