"""The company's date and the schedule settings, for views and commands.

"Due on" dates are days where the company works (``COMPANY_TIMEZONE``), so every page, the
CSV, the API and the calendar compare them with the company's today, never the server's
``date.today()``. The pure rule is ``schedule.rules.company_today``; this module only reads
the settings, and imports no feature so that any package (``auth``'s commands too) may use it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from .db import utcnow


def company_zone() -> str:
    return str(current_app.config["COMPANY_TIMEZONE"])


def today(now: datetime | None = None) -> date:
    """The company's date now (``now`` in UTC, for tests and callers that hold one)."""
    # Same rule as schedule.rules.company_today, which sits above auth and cannot be used here.
    return (now or utcnow()).astimezone(ZoneInfo(company_zone())).date()


def counts_weekends() -> bool:
    return bool(current_app.config["DUE_COUNT_WEEKENDS"])
