"""The dashboard's pure parts: schedule, filters, sorting, attention order, charts, CSV cells."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from trainhub.readiness.results import Readiness, StepResult
from trainhub.schedule.rules import Pause
from trainhub.schedule.service import schedule_of
from trainhub.team import charts
from trainhub.team.export import csv_text, neutralise
from trainhub.team.service import (
    HireRow,
    TeamFilters,
    needs_attention,
    select_rows,
    summarize,
    waiting_reviews,
)

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def readiness(status: str, progress: float, *, waiting_since=None, ready_since=None):
    steps = []
    if waiting_since:
        steps.append(
            StepResult(
                "roleplay",
                "cold-call",
                "Cold call",
                False,
                "version 1 awaiting review",
                0.5,
                reason="case cold-call: version 1 waits for review",
                waiting_on_mentor=True,
                waiting_since=waiting_since,
            )
        )
    reasons = tuple(s.reason for s in steps if s.reason)
    return Readiness(status, tuple(steps), reasons, progress, ready_since)


class OneStep:
    """A track of one step due on its last day (30, weekends counted)."""

    target_days = 30
    steps = (type("Step", (), {"due_day": None})(),)


def row(name: str, status: str = "in_progress", progress: float = 0.5, **kw) -> HireRow:
    started = kw.pop("started_on", TODAY - timedelta(days=10))
    waiting_since = kw.pop("waiting_since", None)
    ready_since = kw.pop("ready_since", None)
    pauses = kw.pop("pauses", ())
    kw.setdefault(
        "schedule",
        schedule_of(OneStep, started, pauses, [status == "ready"], TODAY, count_weekends=True),
    )
    defaults = dict(
        id=hash(name) % 10_000,
        email=f"{name.lower()}@example.test",
        name=name,
        track="account-manager",
        track_title="Account manager",
        target_days=30,
        mentor_id=1,
        mentor_name="Maria",
        mentor_email="maria@example.test",
        started_on=started,
        days_in=(TODAY - started).days if started else None,
        readiness=readiness(status, progress, waiting_since=waiting_since, ready_since=ready_since),
    )
    return HireRow(**{**defaults, **kw})


def test_behind_means_a_step_past_its_due_date_and_not_ready():
    late = row("Late", started_on=TODAY - timedelta(days=31))
    assert late.is_behind and late.schedule.most_overdue == 2
    assert not row("Early", started_on=TODAY - timedelta(days=29)).is_behind
    done = row("Done", "ready", 1.0, started_on=TODAY - timedelta(days=40))
    assert not done.is_behind


def test_a_hire_without_a_start_date_is_not_scheduled_never_behind_or_on_track():
    unscheduled = row("New", started_on=None, days_in=None)
    assert unscheduled.schedule_state == "not_scheduled" and not unscheduled.is_behind
    cells = dict(
        zip(
            csv_text([unscheduled]).splitlines()[0].split(","),
            csv_text([unscheduled]).splitlines()[1].split(","),
            strict=False,
        )
    )
    assert cells["schedule"] == "not scheduled"
    assert cells["schedule_state"] == "not_scheduled"


def test_a_paused_hire_is_never_behind_and_paused_days_move_the_due_date():
    started = TODAY - timedelta(days=31)
    on_leave = row("Away", started_on=started, pauses=(Pause(TODAY - timedelta(days=5)),))
    assert on_leave.schedule_state == "paused" and not on_leave.is_behind
    back = row(
        "Back",
        started_on=started,
        pauses=(Pause(TODAY - timedelta(days=20), TODAY - timedelta(days=15)),),
    )
    # Five paused days: due on TODAY + 3 instead of two days ago.
    assert back.schedule.steps[0].due_on == TODAY + timedelta(days=3)
    assert not back.is_behind
    assert summarize([on_leave, back]).paused == 1


def test_days_to_ready_counts_from_the_start_date():
    ready = row("R", "ready", 1.0, started_on=date(2026, 11, 1), ready_since=NOW)
    assert ready.days_to_ready == 22
    assert row("N").days_to_ready is None


def test_filters_combine():
    rows = [
        row("Ann", "ready", 1.0, started_on=date(2026, 10, 5)),
        row("Bob", "in_progress", started_on=date(2026, 11, 2), mentor_id=2),
        row("Cid", "ready", 1.0, started_on=date(2026, 11, 3), track="lead-generation"),
    ]
    names = lambda f: [r.name for r in select_rows(rows, f)]  # noqa: E731
    assert names(TeamFilters(status="ready")) == ["Ann", "Cid"]
    assert names(TeamFilters(status="ready", month="2026-11")) == ["Cid"]
    assert names(TeamFilters(track="account-manager")) == ["Ann", "Bob"]
    assert names(TeamFilters(mentor_id=2)) == ["Bob"]
    assert names(TeamFilters()) == ["Ann", "Bob", "Cid"]


@pytest.mark.parametrize("key", ["name", "track", "mentor", "started", "days", "progress",
                                 "status", "waiting"])  # fmt: skip
def test_every_sort_key_orders_both_ways(key):
    rows = [row("Bob", progress=0.2), row("Ann", "ready", 1.0), row("Cid", "not_started", 0.0)]
    up = select_rows(rows, TeamFilters(sort=key))
    down = select_rows(rows, TeamFilters(sort=key, descending=True))
    assert [r.name for r in down] == [r.name for r in reversed(up)]


def test_unknown_sort_key_falls_back_to_name():
    rows = [row("Bob"), row("Ann")]
    assert [r.name for r in select_rows(rows, TeamFilters(sort="nope"))] == ["Ann", "Bob"]


def test_attention_order_ready_then_behind_then_waiting():
    rows = [
        row("Waiting", waiting_since=NOW - timedelta(days=2)),
        row("Behind", started_on=TODAY - timedelta(days=45)),
        row("Ready", "ready", 1.0),
        row("Cleared", "ready", 1.0, cleared_at=NOW),
        row("Fine"),
    ]
    assert [r.name for r in needs_attention(rows)] == ["Ready", "Behind", "Waiting"]


def test_summary_and_waiting_reviews_oldest_first():
    old, new = NOW - timedelta(days=3), NOW - timedelta(hours=2)
    rows = [row("A", waiting_since=new), row("B", waiting_since=old), row("C", "ready", 1.0)]
    summary = summarize(rows)
    assert summary.total == 3 and summary.by_status["ready"] == 1
    assert summary.waiting_reviews == 2 and summary.oldest_wait == old
    assert [r.name for r, _step in waiting_reviews(rows)] == ["B", "A"]


def test_funnel_per_track_narrows_stage_by_stage():
    rows = [
        row("A", "not_started", 0.0),
        row("B", "in_progress"),
        row("C", "awaiting_review", 0.9),
        row("D", "ready", 1.0),
        row("E", "ready", 1.0, cleared_at=NOW),
    ]
    (funnel,) = charts.funnels(rows)
    assert funnel.title == "Account manager"
    assert [b.value for b in funnel.bars] == [5, 4, 3, 2, 1]
    assert funnel.bars[0].share == 1.0


def test_days_to_ready_buckets_and_medians():
    start = date(2026, 10, 1)
    rows = [
        row("A", "ready", 1.0, started_on=start, ready_since=datetime(2026, 10, 6, tzinfo=UTC)),
        row("B", "ready", 1.0, started_on=start, ready_since=datetime(2026, 10, 21, tzinfo=UTC)),
        row("C", "ready", 1.0, started_on=start, ready_since=datetime(2027, 1, 1, tzinfo=UTC)),
        row("D"),
    ]
    days = charts.days_to_ready(rows)
    assert days.count == 3 and days.median_days == 20
    assert {b.label: b.value for b in days.bars if b.value} == {"0–7": 1, "15–21": 1, ">60": 1}
    assert days.by_track == (("Account manager", 20, 3),)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("Ann", "Ann"), ("a=b", "a=b"), (None, ""), (42, "42")],
)  # fmt: skip
def test_formula_cells_are_neutralised(cell, safe):
    assert neutralise(cell) == safe


def test_csv_has_a_header_and_one_line_per_row():
    text = csv_text([row("Ann", "ready", 1.0), row("=Bob")])
    lines = text.strip().split("\r\n")
    assert lines[0].startswith("name,email,track,mentor,started_on")
    assert len(lines) == 3
    assert lines[2].startswith("'=Bob,")
