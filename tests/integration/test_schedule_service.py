"""Moving a start date, pausing and resuming: due dates follow, nonsense is refused, every
change is audited in the same transaction, and what a hire did is never rewritten."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from tests import factories
from trainhub.audit.models import AuditEvent
from trainhub.courses.models import LessonCompletion
from trainhub.schedule.models import SchedulePause
from trainhub.schedule.rules import Pause
from trainhub.schedule.service import (
    ScheduleError,
    move_start,
    pause_hire,
    pauses_of,
    resume_hire,
    schedule_history,
)

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
TODAY = NOW.date()
MONDAY = date(2026, 11, 23)


@pytest.fixture
def team(db_session):
    return factories.make_team(db_session)


def _events(db_session, action: str) -> list[AuditEvent]:
    return list(db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_moving_the_start_changes_the_start_and_nothing_done(db_session, team):
    hire, manager = team["hire"], team["manager"]
    done_at = datetime(2026, 11, 2, 10, tzinfo=UTC)
    db_session.add(
        LessonCompletion(
            user_id=hire.id, course_slug="c", lesson_slug="l", lesson_hash="h", completed_at=done_at
        )
    )
    move_start(db_session, hire, MONDAY, "Joined three weeks later", actor=manager, now=NOW)
    db_session.commit()
    assert hire.started_on == MONDAY
    completion = db_session.scalars(sa.select(LessonCompletion)).one()
    assert completion.completed_at == done_at
    (event,) = _events(db_session, "schedule.start_moved")
    assert event.actor_id == manager.id and event.subject_id == hire.id
    assert event.data == {
        "from": "2026-11-01",
        "to": "2026-11-23",
        "reason": "Joined three weeks later",
    }


def test_a_move_needs_a_reason_and_a_different_date(db_session, team):
    hire, manager = team["hire"], team["manager"]
    with pytest.raises(ScheduleError) as refused:
        move_start(db_session, hire, MONDAY, "   ", actor=manager, now=NOW)
    assert refused.value.field == "reason"
    with pytest.raises(ScheduleError) as same:
        move_start(db_session, hire, hire.started_on, "typo", actor=manager, now=NOW)
    assert same.value.field == "started_on"
    assert _events(db_session, "schedule.start_moved") == []


def test_pauses_are_refused_when_they_overlap_or_precede_the_start(db_session, team):
    hire, manager = team["hire"], team["manager"]  # started 2026-11-01
    pause_hire(
        db_session, hire, date(2026, 11, 10), date(2026, 11, 15), "Sick", actor=manager, now=NOW
    )
    with pytest.raises(ScheduleError, match="overlaps"):
        pause_hire(db_session, hire, date(2026, 11, 14), None, "Leave", actor=manager, now=NOW)
    with pytest.raises(ScheduleError, match="before the start"):
        pause_hire(db_session, hire, date(2026, 10, 1), None, "Leave", actor=manager, now=NOW)
    with pytest.raises(ScheduleError, match="after the pause begins"):
        pause_hire(
            db_session, hire, date(2026, 11, 20), date(2026, 11, 20), "x", actor=manager, now=NOW
        )
    # Right after the first one ends is fine: a pause ends the day before it resumes.
    pause_hire(db_session, hire, date(2026, 11, 15), None, "Leave", actor=manager, now=NOW)
    db_session.commit()
    assert pauses_of(db_session, [hire.id])[hire.id] == (
        Pause(date(2026, 11, 10), date(2026, 11, 15)),
        Pause(date(2026, 11, 15), None),
    )
    assert len(_events(db_session, "schedule.paused")) == 2


def test_resume_ends_the_open_pause_and_refuses_a_date_before_it(db_session, team):
    hire, manager = team["hire"], team["manager"]
    with pytest.raises(ScheduleError, match="not paused"):
        resume_hire(db_session, hire, TODAY, "", today=TODAY, actor=manager, now=NOW)
    pause_hire(db_session, hire, date(2026, 11, 20), None, "Sick", actor=manager, now=NOW)
    with pytest.raises(ScheduleError, match="after the pause begins"):
        resume_hire(db_session, hire, date(2026, 11, 19), "", today=TODAY, actor=manager, now=NOW)
    resume_hire(db_session, hire, date(2026, 11, 25), "Back", today=TODAY, actor=manager, now=NOW)
    db_session.commit()
    pause = db_session.scalars(sa.select(SchedulePause)).one()
    assert pause.resumes_on == date(2026, 11, 25) and pause.reason == "Sick"
    assert [h.action for h in schedule_history(db_session, hire)] == [
        "schedule.resumed",
        "schedule.paused",
    ]


def test_the_start_cannot_move_past_a_pause(db_session, team):
    hire, manager = team["hire"], team["manager"]
    pause_hire(
        db_session, hire, date(2026, 11, 10), date(2026, 11, 12), "Sick", actor=manager, now=NOW
    )
    with pytest.raises(ScheduleError, match="pause begins before"):
        move_start(db_session, hire, date(2026, 11, 11), "later", actor=manager, now=NOW)


def test_pauses_of_many_hires_is_one_statement(app, db_session):
    hires = [factories.make_user(db_session, "hire") for _ in range(5)]
    manager = factories.make_user(db_session, "manager")
    for hire in hires[:3]:
        pause_hire(db_session, hire, date(2026, 11, 5), None, "x", actor=manager, now=NOW)
    db_session.commit()
    ids, paused = [h.id for h in hires], {h.id for h in hires[:3]}
    seen: list[str] = []
    engine = db_session.get_bind()
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        found = pauses_of(db_session, ids)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert [s for s in seen if s != "BEGIN"] == [seen[-1]]
    assert set(found) == paused
