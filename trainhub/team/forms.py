"""The dashboard's filter form (GET, read-only), the clearance form (POST, CSRF), and the
manager's review pool."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form
from ..readiness.results import STATUSES
from ..stale.models import KINDS
from .service import SORT_KEYS, TeamFilters

STATUS_LABELS = {
    "not_started": _l("not started"),
    "in_progress": _l("in progress"),
    "awaiting_review": _l("awaiting review"),
    "ready": _l("ready"),
}
SORT_LABELS = {
    "name": _l("Name"),
    "track": _l("Track"),
    "mentor": _l("Mentor"),
    "started": _l("Start date"),
    "days": _l("Days since start"),
    "progress": _l("Progress"),
    "status": _l("Status"),
    "waiting": _l("Reviews waiting"),
    "overdue": _l("Days overdue"),
}


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def _months(first: date | None, last: date | None) -> list[str]:
    """Every month from the first start date to the last, newest first."""
    if first is None or last is None:
        return []
    found, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found[::-1]


def _to_int(value: object) -> int | None:
    return int(str(value)) if value not in (None, "", "None") else None


class FilterForm(Form):
    """Filters read from the query string. A GET form changes nothing, so it has no CSRF
    token; that also keeps the filtered URL shareable and the CSV link clean."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Name or e-mail"), validators=[Optional(), Length(max=100)], filters=[_strip]
    )
    track = SelectField(_l("Track"), choices=[], default="")
    mentor = SelectField(_l("Mentor"), choices=[], coerce=_to_int, default=None)
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any status"))]
        + [SelectChoice(s, STATUS_LABELS[s]) for s in STATUSES],
        default="",
    )
    month = SelectField(_l("Start month"), choices=[], default="")
    sort = SelectField(
        _l("Sort by"), choices=[SelectChoice(k, v) for k, v in SORT_LABELS.items()], default="name"
    )
    order = SelectField(
        _l("Order"),
        choices=[SelectChoice("asc", _l("ascending")), SelectChoice("desc", _l("descending"))],
        default="asc",
    )

    def fill_choices(
        self,
        tracks: list[tuple[str, str, str | None]],
        mentors: list[tuple[int, str]],
        start_range: tuple[date | None, date | None],
    ) -> None:
        """Tracks from the catalog (role, title, and the title's language when it is not the
        reader's: the option says so); mentors and start months from the viewer's own hires (a
        row per mentor, and the first and last start dates: never a row per hire)."""
        self.track.choices = [SelectChoice("", _l("Any track"))] + [
            SelectChoice(slug, title, render_kw={"lang": lang} if lang else None)
            for slug, title, lang in tracks
        ]
        self.mentor.choices = [SelectChoice("", _l("Any mentor"))] + [
            SelectChoice(str(i), name or "—") for i, name in mentors
        ]
        self.month.choices = [SelectChoice("", _l("Any month"))] + [
            # "ноябрь 2026", not "2026-11": the month's own (standalone) name in the reader's
            # language; the value stays the code the filter reads.
            SelectChoice(m, format_date(date.fromisoformat(f"{m}-01"), "LLLL y"))
            for m in _months(*start_range)
        ]

    def filters(self) -> TeamFilters:
        """The valid part of the filters: a field with an error filters nothing."""

        def ok(field: SelectField) -> bool:
            return not field.errors

        sort = self.sort.data if ok(self.sort) and self.sort.data in SORT_KEYS else "name"
        return TeamFilters(
            track=(self.track.data or None) if ok(self.track) else None,
            mentor_id=self.mentor.data if ok(self.mentor) else None,
            status=(self.status.data or None) if ok(self.status) else None,
            month=(self.month.data or None) if ok(self.month) else None,
            query=(self.q.data or None) if ok(self.q) else None,
            sort=sort,
            descending=ok(self.order) and self.order.data == "desc",
        )


class ClearForm(Form):
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Length(max=2000)],
        description=_l("For example: which client the hire meets first."),
    )
    # Where to go afterwards: the dashboard's button sends "dashboard".
    back = HiddenField(validators=[Optional(), AnyOf(["dashboard", "hire"])])


# --- the hire's schedule (the manager's controls on the hire page) ------------------------

REASON_HINT = _l("For example: the hire joined a week later; sick leave.")


def _reason(required: bool) -> TextAreaField:
    checks = [DataRequired()] if required else [Optional()]
    return TextAreaField(
        _l("Reason") if required else _l("Reason (optional)"),
        validators=[*checks, Length(max=500)],
        description=REASON_HINT if required else None,
    )


class MoveStartForm(Form):
    started_on = DateField(_l("New start date"), validators=[DataRequired()])
    reason = _reason(True)


class PauseForm(Form):
    starts_on = DateField(_l("Paused from"), validators=[DataRequired()])
    resumes_on = DateField(
        _l("Resumes on (optional)"),
        validators=[Optional()],
        description=_l("Leave empty when the return date is not known yet."),
    )
    reason = _reason(True)


class ResumeForm(Form):
    resumes_on = DateField(_l("Resumes on"), validators=[DataRequired()])
    reason = _reason(False)


class PoolForm(Form):
    """The mentors who cover a manager's hires' answers besides each hire's own mentor."""

    mentors = SelectMultipleField(
        _l("Mentors in your review pool"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        invalid_choice_message=_l("Choose mentors from the list."),
        description=_l("Any of them may claim an answer of your hires."),
    )


class DecideForm(Form):
    """A button under a flagged step (ask to redo, or minor): which item, in hidden fields
    checked against the hire's flagged items on the server, and the CSRF token."""

    kind = HiddenField(validators=[DataRequired(), AnyOf(KINDS)])
    item = HiddenField(validators=[DataRequired(), Length(max=201)])
