"""The scans of ``trainhub notify``: due soon and overdue steps escalating from the hire to the
mentor to the manager, answers waiting past the service level, ready and stalled hires, the
daily digest, delivery failures and retries. Time is passed in, never waited for."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests import factories
from tests.smtp import smtp_settings
from trainhub.content import catalog
from trainhub.db import write_intent
from trainhub.extensions import db
from trainhub.notifications.delivery import Settings
from trainhub.notifications.models import Notification, OutboundMail
from trainhub.reminders.scans import ScanSettings, run_scans

MONDAY = date(2026, 11, 2)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, **smtp_settings(smtp[1])}


def _scan(app, now: datetime) -> int:
    with app.app_context(), write_intent():
        new = run_scans(db.session, catalog(), now=now, settings=ScanSettings())
        db.session.commit()
    return new


def _notices(db_session, kind: str) -> list[tuple[int, str]]:
    db_session.commit()
    return sorted(
        db_session.execute(
            sa.select(Notification.recipient_id, Notification.key).where(Notification.kind == kind)
        ).all()
    )


def _cli(runner, now: datetime) -> str:
    result = runner.invoke(args=["notify"], env={"TRAINHUB_NOW": now.isoformat()})
    assert result.exit_code == 0, result.output
    return result.output


def test_an_overdue_step_goes_to_the_hire_then_mentor_then_manager(app, db_session, runner, smtp):
    inbox, _port = smtp
    cast = factories.make_team(db_session)
    hire, mentor, manager = cast["hire"], cast["mentor"], cast["manager"]
    hire.started_on = MONDAY  # the first step is due on day 3: Wednesday 4 November
    db_session.commit()

    _scan(app, at(MONDAY))
    assert [r for r, _k in _notices(db_session, "step_due_soon")] == [hire.id]
    assert _notices(db_session, "step_overdue") == []

    _scan(app, at(date(2026, 11, 5)))  # a day late: the hire is told
    assert [r for r, _k in _notices(db_session, "step_overdue")] == [hire.id]
    _scan(app, at(date(2026, 11, 6)))  # two days late: and the mentor
    assert {r for r, _k in _notices(db_session, "step_overdue")} == {hire.id, mentor.id}
    _cli(runner, at(date(2026, 11, 9)))  # five days late: and the manager, by e-mail too
    overdue = _notices(db_session, "step_overdue")
    assert {r for r, _k in overdue} == {hire.id, mentor.id, manager.id}

    # Running again, or twice, changes nothing: the keys are unique per recipient.
    assert len(overdue) == 3
    before = len(inbox.messages)
    assert _scan(app, at(date(2026, 11, 9))) == 0
    _cli(runner, at(date(2026, 11, 9)))
    assert len(inbox.messages) == before
    [to_manager] = [m for m in inbox.to(manager.email) if "behind" in m["Subject"]]
    assert hire.name in to_manager["Subject"] and "4, 2026" in to_manager["Subject"]
    assert f"/team/{hire.id}" in to_manager.get_content()


def test_an_answer_waiting_past_two_working_days_escalates(app, db_session):
    cast = factories.make_team(db_session)
    friday = datetime(2026, 11, 6, 10, tzinfo=UTC)
    case = None
    with app.app_context():
        case = catalog().roleplays["gatekeeper-cold-call"]
    sub = factories.make_submission(db_session, cast["hire"], case, at=friday)
    db_session.commit()
    # The weekend does not count: Friday 10:00 + 48 working hours is Tuesday 10:00.
    _scan(app, datetime(2026, 11, 10, 9, 59, tzinfo=UTC))
    assert _notices(db_session, "review_overdue") == []
    _scan(app, datetime(2026, 11, 10, 10, 1, tzinfo=UTC))
    key = f"review_overdue:{sub.id}"
    assert _notices(db_session, "review_overdue") == sorted(
        [(cast["mentor"].id, key), (cast["manager"].id, key)]
    )


def test_a_ready_hire_is_told_to_the_manager_once(app, db_session):
    cast = factories.make_team(db_session)
    with app.app_context():
        factories.complete_track(db_session, catalog(), cast["hire"], cast["mentor"])
    db_session.commit()
    now = datetime.now(UTC)
    _scan(app, now)
    _scan(app, now + timedelta(days=1))
    assert _notices(db_session, "hire_ready") == [
        (cast["manager"].id, f"hire_ready:{cast['hire'].id}")
    ]
    assert _notices(db_session, "no_progress") == []


def test_a_stalled_hire_goes_into_one_daily_digest(app, db_session, runner, smtp):
    inbox, _port = smtp
    cast = factories.make_team(db_session, hires=2)
    for hire in cast["hires"]:
        hire.started_on = MONDAY
    db_session.commit()
    early = at(date(2026, 11, 9), hour=6)  # before the digest hour (07:00 UTC)
    _cli(runner, early)
    stalled = _notices(db_session, "no_progress")
    assert {r for r, _k in stalled} == {cast["mentor"].id, cast["manager"].id}
    assert len(stalled) == 4  # two hires, each to their mentor and manager
    assert [m for m in inbox.messages if "no progress" in m.get_content()] == []

    _cli(runner, at(date(2026, 11, 9), hour=8))
    _cli(runner, at(date(2026, 11, 9), hour=9))
    digests = [m for m in inbox.to(cast["mentor"].email) if "Your notices of" in m["Subject"]]
    assert len(digests) == 1
    body = digests[0].get_content()
    assert all(f"{h.name} has made no progress since" in body for h in cast["hires"])


def test_a_refused_address_is_reported_and_shown_to_admins(app, db_session, runner, smtp):
    admin = factories.make_user(db_session, "admin")
    person = factories.make_user(db_session, "manager", email="bounce@example.test")
    db_session.commit()
    person_id = person.id  # read before the write lock below: the test's session would take it
    with app.app_context(), write_intent():
        from_service = enqueue_one(db.session, person_id)
        db.session.commit()
    assert from_service
    output = runner.invoke(args=["notify"])
    assert output.exit_code == 0
    assert "failed: bounce@example.test: 550" in output.output
    db_session.commit()
    mail = db_session.scalars(sa.select(OutboundMail)).one()
    assert mail.status == "failed" and mail.attempts == 1
    [told] = db_session.scalars(
        sa.select(Notification).where(Notification.recipient_id == admin.id)
    ).all()
    assert told.kind == "mail_failed" and told.data["address"] == "bounce@example.test"


def enqueue_one(session, recipient_id: int) -> bool:
    from trainhub.notifications.service import notify  # noqa: PLC0415 - a test helper

    return notify(
        session,
        recipient=recipient_id,
        kind="hire_ready",
        key="test:one",
        data={"hire": "Someone"},
        now=datetime(2026, 11, 9, 12, tzinfo=UTC),
    )


def test_a_server_that_is_down_is_retried_with_backoff_then_given_up(app, db_session, runner, smtp):
    inbox, port = smtp
    person = factories.make_user(db_session, "manager")
    db_session.commit()
    person_id, email = person.id, person.email
    with app.app_context(), write_intent():
        enqueue_one(db.session, person_id)
        db.session.commit()
    app.config["SMTP_PORT"] = port + 1 if port < 65535 else port - 1
    app.config["NOTIFY_MAX_ATTEMPTS"] = 3
    start = datetime(2026, 11, 9, 12, tzinfo=UTC)
    assert "1 to retry" in _cli(runner, start)
    assert "0 to retry" in _cli(runner, start + timedelta(seconds=59))  # not due yet
    assert "1 to retry" in _cli(runner, start + timedelta(seconds=61))  # then 2 minutes
    assert "0 to retry" in _cli(runner, start + timedelta(seconds=61 + 119))
    app.config["SMTP_PORT"] = port
    assert "1 sent" in _cli(runner, start + timedelta(seconds=61 + 121))
    assert len(inbox.to(email)) == 1

    db_session.commit()
    second = factories.make_user(db_session, "manager")
    db_session.commit()
    second_id, second_email = second.id, second.email
    with app.app_context(), write_intent():
        enqueue_one(db.session, second_id)
        db.session.commit()
    app.config["SMTP_PORT"] = port + 1 if port < 65535 else port - 1
    later = start + timedelta(days=1)
    for minutes in (0, 2, 5):
        output = _cli(runner, later + timedelta(minutes=minutes))
    assert "1 failed" in output and f"failed: {second_email}" in output


def test_backoff_doubles():
    from trainhub.notifications.delivery import backoff  # noqa: PLC0415

    settings = Settings()
    assert [backoff(settings, n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(settings, 30) == settings.max_retry


def _add_team(db_session, hires: int) -> None:
    with_case = None
    cast = factories.make_team(db_session, hires=hires)
    for n, hire in enumerate(cast["hires"]):
        hire.started_on = MONDAY - timedelta(days=n % 9)
        if n % 3 == 0:
            with_case = with_case or catalog().roleplays["gatekeeper-cold-call"]
            factories.make_submission(
                db_session, hire, with_case, at=at(MONDAY) - timedelta(days=4)
            )
    db_session.commit()


def test_the_scans_statement_count_does_not_grow_with_hires(app, db_session, statements):
    now = at(date(2026, 11, 16))
    with app.app_context():
        _add_team(db_session, 5)
    statements.clear()
    first = _scan(app, now)
    small = len(statements)
    with app.app_context():
        _add_team(db_session, 40)
    statements.clear()
    second = _scan(app, now)
    large = len(statements)
    assert second > first > 0  # the larger team really had more to tell
    assert large == small, (small, large, statements)
    assert small <= 12, small
