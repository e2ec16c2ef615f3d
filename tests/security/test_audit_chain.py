"""The audit log is tamper-evident: events are hash-chained as they are recorded, and
``trainhub audit verify`` (and the admin's audit page) name the first event that was edited,
deleted, inserted or moved behind TrainHub's back. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import _base_config
from trainhub import create_app
from trainhub.audit.chain import GENESIS
from trainhub.audit.models import AuditEvent, AuditHead
from trainhub.audit.service import record_event, verify_chain
from trainhub.auth.models import User
from trainhub.db import utcnow, write_intent
from trainhub.extensions import db


def _record(app: Flask, count: int, action: str = "test.event") -> None:
    with app.app_context(), write_intent():
        actor = db.session.scalar(sa.select(User).limit(1))
        for i in range(count):
            record_event(
                db.session,
                actor=actor,
                action=action,
                now=utcnow() + timedelta(seconds=i),
                subject=actor,
                object_type="thing",
                object_id=i,
                data={"score": 4.0, "note": "«ok» ✓", "n": i, "items": [1, 2]},
            )
        db.session.commit()


def _verify(runner: Any) -> Any:
    return runner.invoke(args=["audit", "verify"])


def _ids(db_session: Session) -> list[int]:
    return list(db_session.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id)))


def _arranged(app: Flask, db_session: Session, count: int = 5) -> list[int]:
    factories.make_user(db_session, "admin")
    db_session.commit()
    _record(app, count)
    return _ids(db_session)


def test_events_recorded_by_the_app_verify(app, db_session, runner):
    ids = _arranged(app, db_session)
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert f"audit chain intact: {len(ids)} events" in result.output


def test_an_edited_event_is_named(app, db_session, runner):
    ids = _arranged(app, db_session)
    # What the outside attack did: turn a decision into another one with a plain UPDATE.
    db_session.execute(
        sa.update(AuditEvent).where(AuditEvent.id == ids[2]).values(action="review.approved")
    )
    db_session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"broken at event {ids[2]}: it was changed after it was recorded" in result.output


def test_a_deleted_event_is_found_at_the_one_after_it(app, db_session, runner):
    ids = _arranged(app, db_session)
    db_session.execute(sa.delete(AuditEvent).where(AuditEvent.id == ids[1]))
    db_session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"broken at event {ids[2]}: it does not follow the event before it" in result.output


def test_an_inserted_event_is_named(app, db_session, runner):
    ids = _arranged(app, db_session)
    event = db_session.get(AuditEvent, ids[-1])
    assert event is not None
    # A forged copy of the newest event, with its links copied too.
    db_session.add(
        AuditEvent(
            actor_id=event.actor_id,
            action="signoff.signed",
            subject_id=event.subject_id,
            data={},
            created_at=event.created_at,
            prev_hash=event.hash,
            hash=event.hash,
        )
    )
    db_session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "was changed after it was recorded" in result.output


def test_reordered_events_are_found(app, db_session, runner):
    ids = _arranged(app, db_session)
    first, second = (db_session.get(AuditEvent, i) for i in ids[1:3])
    assert first is not None and second is not None
    swapped = {c: getattr(first, c) for c in ("action", "data", "created_at", "prev_hash", "hash")}
    for column in swapped:
        setattr(first, column, getattr(second, column))
        setattr(second, column, swapped[column])
    db_session.commit()
    assert _verify(runner).exit_code == 1


def test_deleting_the_newest_events_is_found_by_the_head(app, db_session, runner):
    ids = _arranged(app, db_session)
    db_session.execute(sa.delete(AuditEvent).where(AuditEvent.id == ids[-1]))
    db_session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "is not the newest recorded event" in result.output


def test_concurrent_writers_append_one_chain(app, db_session, runner):
    factories.make_user(db_session, "admin")
    db_session.commit()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            _record(app, 10)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(_ids(db_session)) == 40
    assert _verify(runner).exit_code == 0


def test_the_audit_page_says_whether_the_chain_verifies(app, db_session, client, login_as):
    ids = _arranged(app, db_session, 3)
    login_as("admin")
    page = client.get("/audit/").get_data(as_text=True)
    assert "The chain of 4 entries verifies" in page or "The chain of 3 entries verifies" in page
    db_session.execute(sa.update(AuditEvent).where(AuditEvent.id == ids[0]).values(data={}))
    db_session.commit()
    page = client.get("/audit/").get_data(as_text=True)
    assert f"The chain is broken at entry {ids[0]}" in page


def test_events_recorded_before_the_chain_are_chained_by_the_migration(database_url, tmp_path):
    app = create_app(_base_config(tmp_path, database_url))
    with app.app_context():
        if database_url.startswith("postgresql"):
            db.session.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        else:
            db.engine.dispose()
            path = database_url.removeprefix("sqlite:///")
            open(path, "wb").close()  # noqa: SIM115 - an empty file: a database before any migration
        upgrade(revision="009b009c2b49")
        now = utcnow()
        with db.engine.begin() as conn:
            for i in range(3):
                conn.execute(
                    sa.text(
                        "INSERT INTO audit_events (action, data, created_at) "
                        "VALUES (:action, :data, :at)"
                    ),
                    {"action": f"old.{i}", "data": '{"k": 1}', "at": now.replace(tzinfo=None)},
                )
        upgrade()
        verdict = verify_chain(db.session)
        assert verdict.is_intact and verdict.checked == 3
        head = db.session.get(AuditHead, 1)
        assert head is not None and head.hash == verdict.head != GENESIS
        db.session.remove()
        db.engine.dispose()


def _tamper(db_session: Session, ids: list[int], how: str) -> int:
    """Change the log behind TrainHub's back; the id of the event verify must name."""
    if how == "edit":
        db_session.execute(
            sa.update(AuditEvent).where(AuditEvent.id == ids[2]).values(data={"score": 4.0})
        )
        return ids[2]
    if how == "delete":
        db_session.execute(sa.delete(AuditEvent).where(AuditEvent.id == ids[1]))
        return ids[2]
    if how == "insert":
        newest = db_session.get(AuditEvent, ids[-1])
        assert newest is not None
        forged = AuditEvent(
            actor_id=newest.actor_id, action="review.approved", subject_id=newest.subject_id,
            data={"score": 4.0}, created_at=newest.created_at, prev_hash=newest.hash,
            hash=newest.hash,
        )  # fmt: skip
        db_session.add(forged)
        db_session.flush()
        return forged.id
    first, second = (db_session.get(AuditEvent, i) for i in ids[1:3])
    assert first is not None and second is not None
    columns = ("action", "data", "created_at", "prev_hash", "hash")
    saved = {c: getattr(first, c) for c in columns}
    for column in columns:
        setattr(first, column, getattr(second, column))
        setattr(second, column, saved[column])
    return ids[1]


@pytest.mark.parametrize("how", ["edit", "delete", "insert", "reorder"])
def test_tampering_is_named_by_the_cli_and_on_the_audit_page(
    app, db_session, runner, client, login_as, how
):
    ids = _arranged(app, db_session, 5)
    login_as("admin")
    named = _tamper(db_session, ids, how)
    db_session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"broken at event {named}:" in result.output, result.output
    page = client.get("/audit/").get_data(as_text=True)
    assert f"The chain is broken at entry {named}" in page
