"""Service levels of the review queue: how long an answer may wait, in working hours.

Pure functions, no database: a working hour is an hour of a Monday to Friday in the company's
time zone (weekends do not count, public holidays are not known). ``overdue_before`` turns
"waiting longer than the service level at ``now``" into one instant, so the queue, the
dashboard and the notification scan ask the database ``submitted_at < cutoff`` instead of
judging rows one by one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SATURDAY = 5


@dataclass(frozen=True)
class ServiceLevel:
    hours: float  # working hours an answer may wait
    zone: ZoneInfo  # where weekends begin and end


def service_level(config: Mapping[str, Any]) -> ServiceLevel:
    """The service level from the app's settings (``REVIEW_SLA_HOURS``, ``COMPANY_TIMEZONE``)."""
    return ServiceLevel(
        hours=float(config.get("REVIEW_SLA_HOURS", 48.0)),
        zone=ZoneInfo(str(config.get("COMPANY_TIMEZONE", "UTC"))),
    )


def _day_start(moment: datetime, zone: ZoneInfo) -> datetime:
    """Midnight (company time) of the day ``moment`` belongs to, as UTC.

    A moment exactly at midnight belongs to the day that just ended: walking back from
    Monday 00:00 must step into Sunday, not stay in Monday.
    """
    local = moment.astimezone(zone)
    midnight = datetime.combine(local.date(), time(0), zone)
    if midnight.astimezone(UTC) == moment.astimezone(UTC):
        midnight = datetime.combine(local.date() - timedelta(days=1), time(0), zone)
    return midnight.astimezone(UTC)


def overdue_before(now: datetime, sla: ServiceLevel) -> datetime:
    """The latest submission time that is past the service level at ``now``.

    Walks back from ``now`` one company day at a time, spending the working hours on
    weekdays and skipping weekends. Everything submitted before the result has waited
    longer than ``sla.hours`` working hours.
    """
    remaining = timedelta(hours=sla.hours)
    at = now.astimezone(UTC)
    # A year of weekdays is far beyond any sensible service level; the bound keeps a
    # mistyped setting from looping for long.
    for _ in range(400):
        start = _day_start(at, sla.zone)
        if start.astimezone(sla.zone).weekday() < SATURDAY:
            available = at - start
            if remaining < available:
                return at - remaining
            remaining -= available
            if not remaining:
                # Spent exactly at midnight: a weekend before it adds no working time,
                # so everything sent during it has waited no longer than the service level.
                at = start
                while _is_weekend(_day_start(at, sla.zone), sla.zone):
                    at = _day_start(at, sla.zone)
                return at
        at = start
    return at


def _is_weekend(day_start: datetime, zone: ZoneInfo) -> bool:
    return day_start.astimezone(zone).weekday() >= SATURDAY


def is_past_sla(submitted_at: datetime | None, now: datetime, sla: ServiceLevel) -> bool:
    """Whether an answer submitted at ``submitted_at`` has waited too long at ``now``."""
    return submitted_at is not None and submitted_at < overdue_before(now, sla)


def week_start(now: datetime, zone: ZoneInfo) -> datetime:
    """Monday 00:00 of the company's current week, as UTC."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0), zone).astimezone(UTC)
