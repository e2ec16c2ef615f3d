"""The dashboard's filter form (GET, read-only) and the clearance form (POST, CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Length, Optional

from ..forms import Form
from ..readiness.results import STATUSES
from .service import SORT_KEYS, HireRow, TeamFilters

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
}


def _to_int(value: object) -> int | None:
    return int(str(value)) if value not in (None, "", "None") else None


class FilterForm(Form):
    """Filters read from the query string. A GET form changes nothing, so it has no CSRF
    token; that also keeps the filtered URL shareable and the CSV link clean."""

    class Meta:
        csrf = False

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

    def fill_choices(self, tracks: list[tuple[str, str]], rows: list[HireRow]) -> None:
        """Tracks from the catalog; mentors and start months from the viewer's own hires."""
        self.track.choices = [SelectChoice("", _l("Any track"))] + [
            SelectChoice(slug, title) for slug, title in tracks
        ]
        mentors = {r.mentor_id: r.mentor_name or "—" for r in rows if r.mentor_id}
        self.mentor.choices = [SelectChoice("", _l("Any mentor"))] + [
            SelectChoice(str(i), name)
            for i, name in sorted(mentors.items(), key=lambda m: m[1].casefold())
        ]
        months = sorted({r.start_month for r in rows if r.start_month}, reverse=True)
        self.month.choices = [SelectChoice("", _l("Any month"))] + [SelectChoice(m) for m in months]

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
