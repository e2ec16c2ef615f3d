"""The scans ``trainhub notify`` runs before it sends: each reads every hire it concerns in
a fixed number of statements, decides in Python which notices are due, and writes them
with ``notify_many``. The notices' keys make a second run (or a second host) a no-op.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..auth.models import User
from ..catalog import Catalog
from ..clock import company_today
from ..db import DbSession, as_utc
from ..notifications.service import Draft, notify_many
from ..readiness.facts import HireFacts
from ..readiness.gather import NO_FACTS, HireIds, gather_raw
from ..readiness.results import Readiness
from ..readiness.service import evaluate_raw, items_of
from ..reviews.service import overdue_reviews
from ..reviews.sla import ServiceLevel, service_level
from ..schedule.models import SchedulePause
from ..schedule.rules import Pause, due_dates

# Where a hire does a step of each kind (sign-offs are asked for on the home page).
STEP_ENDPOINTS = {
    "course": ("courses.course", "course_slug"),
    "quiz": ("quizzes.take", "quiz_slug"),
    "roleplay": ("roleplays.case", "case_slug"),
}


@dataclass(frozen=True)
class ScanSettings:
    sla: ServiceLevel = ServiceLevel(48.0, ZoneInfo("UTC"))
    no_progress_days: int = 5
    due_soon_days: int = 2
    overdue_mentor_days: int = 2
    overdue_manager_days: int = 5
    company_timezone: str = "UTC"
    count_weekends: bool = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ScanSettings:
        return cls(
            sla=service_level(config),
            no_progress_days=int(config.get("NO_PROGRESS_DAYS") or 5),
            due_soon_days=int(config.get("DUE_SOON_DAYS") or 2),
            overdue_mentor_days=int(config.get("OVERDUE_MENTOR_DAYS") or 2),
            overdue_manager_days=int(config.get("OVERDUE_MANAGER_DAYS") or 5),
            company_timezone=str(config.get("COMPANY_TIMEZONE") or "UTC"),
            count_weekends=bool(config.get("DUE_COUNT_WEEKENDS")),
        )


def review_overdue(
    session: DbSession, catalog: Catalog, *, now: datetime, settings: ScanSettings
) -> list[Draft]:
    """Answers waiting longer than the service level (the queue's own rule,
    ``reviews.service.overdue_reviews``: one statement): whoever holds the answer, else the
    hire's mentor, is reminded, and the manager told."""
    drafts = []
    for item in overdue_reviews(session, now=now, sla=settings.sla):
        case = catalog.roleplays.get(item.case_slug)
        data = {
            "hire": item.hire_name,
            "case": case.title if case else item.case_slug,
            "case_slug": item.case_slug,
            "since": as_utc(item.submitted_at).date().isoformat(),
        }
        key = f"review_overdue:{item.submission_id}"
        reviewer = item.claimed_by_id or item.mentor_id
        if reviewer:
            drafts.append(
                Draft(
                    reviewer,
                    "review_overdue",
                    key,
                    data,
                    "reviews.review",
                    {"submission_id": item.submission_id},
                )
            )
        if item.manager_id:
            drafts.append(
                Draft(
                    item.manager_id,
                    "review_overdue",
                    key,
                    data,
                    "signoffs.hire",
                    {"user_id": item.hire_id},
                )
            )
    return drafts


@dataclass(frozen=True)
class HireState:
    id: int
    name: str
    mentor_id: int | None
    manager_id: int | None
    started_on: date | None
    created_at: datetime
    track: Any
    readiness: Readiness
    facts: HireFacts
    pauses: tuple[Pause, ...]


def hire_states(session: DbSession, catalog: Catalog) -> list[HireState]:
    """Every active hire with a track and their readiness: three statements in all."""
    scope = sa.and_(User.role == "hire", User.is_active.is_(True))
    people = session.execute(
        sa.select(
            User.id,
            User.name,
            User.track,
            User.mentor_id,
            User.manager_id,
            User.started_on,
            User.created_at,
        ).where(scope)
    ).all()
    if not people:
        return []
    ids = cast(HireIds, sa.select(User.id).where(scope))
    raw = gather_raw(session, ids)
    pauses: dict[int, list[Pause]] = defaultdict(list)
    for pause in session.execute(
        sa.select(SchedulePause.user_id, SchedulePause.starts_on, SchedulePause.resumes_on).where(
            SchedulePause.user_id.in_(ids)
        )
    ):
        pauses[pause.user_id].append(Pause(pause.starts_on, pause.resumes_on))
    items = items_of(catalog)
    states = []
    for p in people:
        track = catalog.track_of(p)
        if track is None:
            continue
        found = raw.get(p.id, NO_FACTS)
        states.append(
            HireState(
                p.id,
                p.name,
                p.mentor_id,
                p.manager_id,
                p.started_on,
                as_utc(p.created_at) or datetime.min,
                track,
                evaluate_raw(catalog, track, items, found),
                found.facts(),
                tuple(pauses.get(p.id, ())),
            )
        )
    return states


def last_activity(facts: HireFacts) -> datetime | None:
    times: list[datetime | None] = [c.last_completed_at for c in facts.courses.values()]
    times += [a.submitted_at for attempts in facts.attempts.values() for a in attempts]
    times += [s.submitted_at for subs in facts.submissions.values() for s in subs]
    times += [s.signed_at for s in facts.signoffs.values()]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def hire_ready(states: Sequence[HireState]) -> list[Draft]:
    return [
        Draft(
            s.manager_id,
            "hire_ready",
            f"hire_ready:{s.id}",
            {"hire": s.name},
            "team.hire",
            {"user_id": s.id},
        )
        for s in states
        if s.readiness.status == "ready" and s.manager_id
    ]


def no_progress(
    states: Sequence[HireState], *, now: datetime, settings: ScanSettings
) -> list[Draft]:
    """Hires who did nothing for N days (counted from the start for one who never began).

    The key holds the day of the last progress: a hire who moves and stalls again is told
    of again; one who stays stalled is told of once."""
    drafts = []
    for s in states:
        if s.readiness.status == "ready":
            continue
        if s.started_on is not None and s.started_on > now.date():
            continue
        since = last_activity(s.facts)
        if since is None:
            since = (
                datetime.combine(s.started_on, datetime.min.time(), now.tzinfo)
                if s.started_on
                else s.created_at
            )
        if now - since < timedelta(days=settings.no_progress_days):
            continue
        data = {"hire": s.name, "since": since.date().isoformat()}
        key = f"no_progress:{s.id}:{since.date().isoformat()}"
        if s.mentor_id:
            drafts.append(
                Draft(s.mentor_id, "no_progress", key, data, "signoffs.hire", {"user_id": s.id})
            )
        if s.manager_id:
            drafts.append(
                Draft(s.manager_id, "no_progress", key, data, "team.hire", {"user_id": s.id})
            )
    return drafts


def steps_due(states: Sequence[HireState], *, now: datetime, settings: ScanSettings) -> list[Draft]:
    """Steps due within ``due_soon_days`` (to the hire), and overdue ones: to the hire at
    once, to the mentor after ``overdue_mentor_days``, to the manager after
    ``overdue_manager_days``. A moved due date is a new key, so the new date is told too."""
    today = company_today(now, settings.company_timezone)
    drafts = []
    for s in states:
        if s.readiness.status == "ready" or s.started_on is None:
            continue
        done = {(r.kind, r.slug): r for r in s.readiness.steps}
        dates = due_dates(s.track, s.started_on, s.pauses, count_weekends=settings.count_weekends)
        for step, due_on in zip(s.track.steps, dates, strict=True):
            result = done.get((step.kind, step.slug))
            if due_on is None or result is None or result.done:
                continue
            left = (due_on - today).days
            data = {
                "step": result.title,
                "step_kind": step.kind,
                "step_slug": step.slug,
                "track": s.track.role,
                "due_on": due_on.isoformat(),
                "hire": s.name,
            }
            base = f"{step.key}:{due_on.isoformat()}"
            target = STEP_ENDPOINTS.get(step.kind)
            endpoint, args = (target[0], {target[1]: step.slug}) if target else ("home.index", {})
            if 0 <= left <= settings.due_soon_days:
                drafts.append(
                    Draft(s.id, "step_due_soon", f"step_due_soon:{base}", data, endpoint, args)
                )
            if left >= 0:
                continue
            late = -left
            drafts.append(Draft(s.id, "step_overdue", f"step_overdue:{base}", data, endpoint, args))
            staff = {**data, "variant": "staff"}
            if s.mentor_id and late >= settings.overdue_mentor_days:
                drafts.append(
                    Draft(
                        s.mentor_id,
                        "step_overdue",
                        f"step_overdue:{s.id}:{base}",
                        staff,
                        "signoffs.hire",
                        {"user_id": s.id},
                    )
                )
            if s.manager_id and late >= settings.overdue_manager_days:
                drafts.append(
                    Draft(
                        s.manager_id,
                        "step_overdue",
                        f"step_overdue:{s.id}:{base}",
                        staff,
                        "team.hire",
                        {"user_id": s.id},
                    )
                )
    return drafts


def run_scans(
    session: DbSession, catalog: Catalog, *, now: datetime, settings: ScanSettings
) -> int:
    """Every scan, then one write of all the notices they found; returns how many are new."""
    states = hire_states(session, catalog)
    drafts = [
        *review_overdue(session, catalog, now=now, settings=settings),
        *hire_ready(states),
        *no_progress(states, now=now, settings=settings),
        *steps_due(states, now=now, settings=settings),
    ]
    return len(notify_many(session, drafts, now=now))
