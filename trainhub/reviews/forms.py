"""The mentor's review form: it grows one level and one comment per rubric criterion."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from ..catalog.roleplays import LEVELS, RoleplayCase
from ..forms import Form

MAX_COMMENT = 5000


class ReviewForm(Form):
    comment = TextAreaField(
        _l("Overall comment"),
        validators=[
            DataRequired(_l("Say what to keep and what to change.")),
            Length(max=MAX_COMMENT),
        ],
    )
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("approved", _l("Approve")),
            SelectChoice("needs_work", _l("Needs work")),
        ],
        validators=[InputRequired(_l("Choose approve or needs work."))],
    )

    def level_field(self, key: str) -> Field:
        return self[f"level-{key}"]

    def comment_field(self, key: str) -> Field:
        return self[f"comment-{key}"]

    def levels(self, case: RoleplayCase) -> dict[str, int]:
        return {c.key: int(self.level_field(c.key).data) for c in case.rubric}

    def comments(self, case: RoleplayCase) -> dict[str, str]:
        return {c.key: self.comment_field(c.key).data or "" for c in case.rubric}


def review_form_for(case: RoleplayCase, **kwargs: Any) -> ReviewForm:
    """A ReviewForm with a level (1-4) and a comment field for each criterion of the case."""
    attrs: dict[str, Any] = {}
    for criterion in case.rubric:
        attrs[f"level-{criterion.key}"] = RadioField(
            criterion.title,
            choices=[SelectChoice(str(n), str(n)) for n in LEVELS],
            validators=[InputRequired(_l("Choose a level from 1 to 4."))],
        )
        attrs[f"comment-{criterion.key}"] = TextAreaField(
            _l("Comment on %(title)s", title=criterion.title),
            validators=[Length(max=MAX_COMMENT)],
        )
    form_class = type("CaseReviewForm", (ReviewForm,), attrs)
    form: ReviewForm = form_class(**kwargs)
    return form
