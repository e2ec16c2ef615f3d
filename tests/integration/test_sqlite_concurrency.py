"""SQLite under several writing processes: WAL, busy_timeout, foreign keys, BEGIN IMMEDIATE.

A plain deferred BEGIN that reads and then writes fails concurrent writers with "database is
locked" even with a busy timeout; the app's engine starts write transactions with BEGIN
IMMEDIATE, so every one of these read-then-write transactions must succeed.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.conftest import _base_config
from trainhub import create_app
from trainhub.auth.models import LoginFailure, User
from trainhub.db import utcnow, write_intent
from trainhub.extensions import db

PROCESSES = 4
TRANSACTIONS = 100


def _writer(url: str, instance: str, worker: int, start: multiprocessing.synchronize.Event) -> int:
    """Read-then-write transactions through the app's own session; returns the failures."""
    app = create_app(_base_config(Path(instance), url))
    failures = 0
    start.wait(30)
    with app.app_context(), write_intent():
        for n in range(TRANSACTIONS):
            try:
                seen = db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(LoginFailure)
                    .where(LoginFailure.key.like(f"w{worker}-%"))
                )
                db.session.add(LoginFailure(key=f"w{worker}-{seen}-{n}", created_at=utcnow()))
                db.session.commit()
            except sa.exc.OperationalError:
                db.session.rollback()
                failures += 1
        db.engine.dispose()
    return failures


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'concurrency.db'}"
    app = create_app(_base_config(tmp_path, url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def test_every_connection_gets_the_pragmas(sqlite_url, tmp_path):
    app = create_app(_base_config(tmp_path, sqlite_url))
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        db.engine.dispose()


def test_foreign_keys_are_enforced(sqlite_url, tmp_path):
    app = create_app(_base_config(tmp_path, sqlite_url))
    with app.app_context(), write_intent():
        db.session.add(User(email="x@example.test", name="X", password_hash="-", mentor_id=999))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.engine.dispose()


def test_concurrent_writer_processes_all_succeed(sqlite_url, tmp_path):
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Manager().Event()
    with ctx.Pool(PROCESSES) as pool:
        pending = [
            pool.apply_async(_writer, (sqlite_url, str(tmp_path / f"i{w}"), w, start))
            for w in range(PROCESSES)
        ]
        start.set()
        failures = [p.get(timeout=240) for p in pending]
    assert failures == [0] * PROCESSES

    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(LoginFailure)).scalar_one()
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    engine.dispose()
    assert rows == PROCESSES * TRANSACTIONS
