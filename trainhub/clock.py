"""The company's date and the schedule settings, for views and commands.

"Due on" dates are days where the company works (``COMPANY_TIMEZONE``), so every page, the
CSV, the API and the calendar compare them with the company's today, never the server's
``date.today()``. ``company_today`` is the pure rule; the rest reads the settings. This
module imports no feature, so that any package (``auth``'s commands too) may use it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from .db import utcnow


def company_zone() -> str:
    return str(current_app.config["COMPANY_TIMEZONE"])


def company_today(now: datetime, zone: str) -> date:
    """The date it is where the company works: "due on" dates are compared with this."""
    return now.astimezone(ZoneInfo(zone)).date()


def today(now: datetime | None = None) -> date:
    """The company's date now (``now`` in UTC, for tests and callers that hold one)."""
    return company_today(now or utcnow(), company_zone())


def counts_weekends() -> bool:
    return bool(current_app.config["DUE_COUNT_WEEKENDS"])
