"""What a person's calendar feed lists: the due dates of the steps not yet done, of their own
track (a hire) or of the hires they look after (a mentor, a manager, an admin), scoped by
``auth.scope`` like every list of hires. Rows come from ``team.service``, so the feed costs
the dashboard's fixed number of statements.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..auth.models import User
from ..auth.scope import hires_of
from ..catalog import Catalog
from ..db import DbSession
from ..permissions import is_hire
from ..team.service import HireRow, team_rows
from .ics import AllDayEvent


def rows_for_feed(
    session: DbSession, cat: Catalog, owner: User, today: date, *, count_weekends: bool
) -> list[HireRow]:
    scope = User.id == owner.id if is_hire(owner) else hires_of(owner)
    return team_rows(session, cat, scope, today, count_weekends=count_weekends)


def events_of(rows: list[HireRow], *, own: bool, host: str) -> list[AllDayEvent]:
    """One all-day event per step not done that has a due date. The UID names the hire and
    the step, so a calendar updates the same event when the date moves."""
    events = []
    for row in rows:
        for step, due in row.steps_with_due():
            if step.done or due is None or due.due_on is None:
                continue
            summary = (
                _("Due: %(step)s", step=step.title)
                if own
                else _("%(name)s: %(step)s due", name=row.name, step=step.title)
            )
            events.append(
                AllDayEvent(
                    uid=f"hire-{row.id}-{step.kind}-{step.slug}@{host}",
                    day=due.due_on,
                    summary=summary,
                    description=row.track_title,
                )
            )
    return events
