"""When transactions begin, and what survives a closed connection (trainhub/db.py).

On PostgreSQL a request that only reads runs without a transaction (at READ COMMITTED each
statement has its own snapshot either way), and one begins just before its first write; pooled
connections are pinged only after being idle. On SQLite every transaction begins at once, so a
page's reads share one snapshot.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from psycopg import pq

from tests import factories
from tests.conftest import sign_in
from trainhub.auth.models import User
from trainhub.courses.models import LessonCompletion
from trainhub.db import is_plain_read
from trainhub.extensions import db

# trainhub.db, the module (``trainhub.db`` the attribute is the SQLAlchemy extension).
dbmod = importlib.import_module("trainhub.db")
LESSON = "/courses/prospecting/target-audience-and-ideal-client"


@dataclass
class Trace:
    """Each statement the app sends, and whether the driver was inside a transaction then."""

    statements: list[str] = field(default_factory=list)
    in_transaction: list[bool] = field(default_factory=list)

    def clear(self) -> None:
        self.statements.clear()
        self.in_transaction.clear()


@pytest.fixture
def trace(app) -> Iterator[Trace]:
    seen = Trace()
    with app.app_context():
        engine = db.engine

    def _record(conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.statements.append(statement.strip().split()[0].upper())
        if engine.dialect.name == "postgresql":
            status = conn.connection.driver_connection.info.transaction_status
            seen.in_transaction.append(status != pq.TransactionStatus.IDLE)

    sa.event.listen(engine, "after_cursor_execute", _record)
    yield seen
    sa.event.remove(engine, "after_cursor_execute", _record)


def _hire(app, client) -> int:
    with app.app_context():
        user = factories.make_user(db.session, "hire", track="lead-generation")
        db.session.commit()
        email, user_id = user.email, user.id
    sign_in(client, email)
    return user_id


def test_plain_reads_are_told_from_everything_else() -> None:
    assert is_plain_read("SELECT users.id FROM users WHERE users.id = %(id)s")
    assert is_plain_read("\n  select 1")
    for statement in (
        "SELECT * FROM quiz_attempts WHERE id = 1 FOR UPDATE",
        "SELECT * FROM quiz_attempts FOR NO KEY UPDATE",
        "select id from users for share",
        "INSERT INTO users (email) VALUES ('a')",
        "UPDATE users SET name = 'x'",
        "DELETE FROM users",
        "WITH gone AS (DELETE FROM users RETURNING id) SELECT count(*) FROM gone",
        "SAVEPOINT sa_savepoint_1",
        "CREATE TABLE t (id int)",
        "SELECTX",
    ):
        assert not is_plain_read(statement), statement


def _view_again(app, client, trace: Trace) -> None:
    """A hire's second view of a lesson, traced (the first one fills the caches)."""
    _hire(app, client)
    assert client.get(LESSON).status_code == 200
    trace.clear()
    assert client.get(LESSON).status_code == 200
    assert trace.statements, "the page reads the database"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_page_view_on_postgresql_opens_no_transaction(app, client, trace) -> None:
    _view_again(app, client, trace)
    assert "BEGIN" not in trace.statements
    assert not any(trace.in_transaction), trace.statements


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_page_view_on_sqlite_reads_one_snapshot(app, client, trace) -> None:
    _view_again(app, client, trace)
    assert trace.statements[0] == "BEGIN"


def test_a_post_writes_in_one_transaction(app, client, trace, db_session) -> None:
    user_id = _hire(app, client)
    token = client.csrf_token(LESSON)
    trace.clear()
    response = client.post(f"{LESSON}/complete", data={"csrf_token": token})
    assert response.status_code == 302
    assert trace.statements[0] == "BEGIN"
    assert "INSERT" in trace.statements
    if trace.in_transaction:
        assert all(trace.in_transaction[: trace.statements.index("INSERT") + 1])
    done = db_session.scalars(
        sa.select(LessonCompletion.lesson_slug).where(LessonCompletion.user_id == user_id)
    ).all()
    assert done == ["target-audience-and-ideal-client"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_read_only_request_that_writes_is_still_all_or_nothing(app, trace, db_session) -> None:
    """What a GET writes (an API token's last use, an expired attempt closed on view) begins a
    transaction first: a failure after the write undoes it, and a commit keeps it."""
    with app.app_context():
        hire = factories.make_user(db.session, "hire")
        db.session.commit()
        hire_id = hire.id

    def rename(to: str, *, fail: bool) -> None:
        with app.test_request_context(LESSON, method="GET"):
            app.preprocess_request()  # the request hooks mark it read-only
            try:
                db.session.get(User, hire_id)
                db.session.execute(sa.update(User).where(User.id == hire_id).values(name=to))
                if fail:
                    raise RuntimeError("the view failed after writing")
                db.session.commit()
            except RuntimeError:
                db.session.rollback()
            finally:
                app.do_teardown_request()
                db.session.remove()

    trace.clear()
    rename("Undone", fail=True)
    # The BEGIN goes out on the UPDATE's own cursor, unseen by the trace; the driver's status
    # shows it: the read ran outside a transaction, the write inside one.
    assert trace.statements == ["SELECT", "UPDATE"]
    assert trace.in_transaction == [False, True]
    assert db_session.get(User, hire_id).name != "Undone"

    rename("Kept", fail=False)
    db_session.expire_all()
    assert db_session.get(User, hire_id).name == "Kept"


def _close_every_pooled_connection(app) -> None:
    """What a server restart or a proxy's idle timeout does to the pool's connections."""
    with app.app_context():
        url = db.engine.url
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    admin.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_idle_connection_closed_by_the_server_is_replaced_unseen(
    app, client, monkeypatch
) -> None:
    _hire(app, client)
    assert client.get(LESSON).status_code == 200
    _close_every_pooled_connection(app)
    monkeypatch.setattr(dbmod, "PING_AFTER_IDLE_S", 0.0)  # every pooled connection is idle
    assert client.get(LESSON).status_code == 200


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_connection_closed_while_busy_fails_one_request_then_the_pool_recovers(
    app, client, monkeypatch
) -> None:
    """The price of not pinging busy connections, bounded: the request that meets a closed one
    gets the "unavailable for a moment" page (a lost connection is a 503, not a bug), and
    SQLAlchemy replaces the whole pool, so the next one is served."""
    _hire(app, client)
    assert client.get(LESSON).status_code == 200
    monkeypatch.setattr(dbmod, "PING_AFTER_IDLE_S", 3600.0)  # nothing counts as idle
    _close_every_pooled_connection(app)
    failed = client.get(LESSON)
    assert failed.status_code == 503
    assert "TrainHub is unavailable for a moment" in failed.get_data(as_text=True)
    assert client.get(LESSON).status_code == 200


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_isolation_level_asked_for_is_honoured(app) -> None:
    """AUTOCOMMIT runs what cannot run in a transaction (a migration's CREATE INDEX
    CONCURRENTLY); another level begins at once with it, in a request that reads too."""
    with app.app_context():
        engine = db.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("CREATE INDEX CONCURRENTLY ix_test_users_name ON users (name)")
        conn.exec_driver_sql("DROP INDEX CONCURRENTLY ix_test_users_name")
    with app.test_request_context(LESSON, method="GET"):
        app.preprocess_request()
        try:
            with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
                level = conn.exec_driver_sql("SHOW transaction_isolation").scalar()
        finally:
            app.do_teardown_request()
    assert level == "repeatable read"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_read_only_request_can_stream_rows(app) -> None:
    """A server-side cursor (stream_results, yield_per) needs a transaction: it gets one."""
    with app.app_context():
        for _ in range(3):
            factories.make_user(db.session, "hire")
        db.session.commit()
    with app.test_request_context(LESSON, method="GET"):
        app.preprocess_request()
        try:
            rows = db.session.execute(sa.select(User.id).execution_options(yield_per=2)).all()
        finally:
            app.do_teardown_request()
            db.session.remove()
    assert len(rows) == 3
