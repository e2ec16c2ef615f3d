"""Database plumbing: the declarative base, the session, and each database's connection settings.

Models are typed SQLAlchemy 2.0 classes on ``Model`` (``db.Model``). The session is
Flask-SQLAlchemy's, scoped to the application context, so each request gets its own and views
commit once.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import time
import weakref
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast, overload

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

F = TypeVar("F", bound=Callable[..., Any])

# Named constraints make Alembic migrations reproducible across SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


# A view commits once and then only redirects or renders what it already holds: expiring
# everything on commit would re-read each object in a second (on SQLite, write-locked)
# transaction just to build a URL.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

# Models subclass ``Model``. Flask-SQLAlchemy builds ``db.Model`` at run time (a subclass of
# ``Base`` with its table-name and bind mixins), which a type checker cannot see; to it the
# models are plain ``Base`` subclasses, which is what their typed columns are declared on.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

# What services take: a Session, or the request's scoped session that proxies one (views
# pass ``db.session``).
DbSession: TypeAlias = Session | scoped_session[Any]


def utcnow() -> datetime:
    return datetime.now(UTC)


@overload
def as_utc(value: datetime | str) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
def as_utc(value: datetime | str | None) -> datetime | None:
    """A stored time as an aware UTC datetime: what ``UTCDateTime`` returns, for values read
    raw (``raw_time``): SQLite's stored text, or PostgreSQL's naive datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def raw_time(column: Any) -> Any:
    """Select a ``UTCDateTime`` column without converting it; ``as_utc`` converts it later.

    Reading a thousand hires' records turns thousands of SQLite strings into datetimes on
    every dashboard view, most of them only to find the readiness already evaluated. Raw
    values are as good a cache key, and are converted only when the rules need them.
    """
    return sa.type_coerce(column, sa.String)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC.

    SQLite keeps no time zone and PostgreSQL keeps one; this makes both return the same thing
    so that comparisons and arithmetic never mix naive and aware datetimes.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return as_utc(value)


# Whether the current unit of work intends to write. On SQLite a write transaction must start
# with BEGIN IMMEDIATE: a plain (deferred) BEGIN that later upgrades to a write lock fails
# concurrent writers with "database is locked" even with a busy timeout.
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "trainhub_write_intent", default=False
)


def set_write_intent(value: bool) -> None:
    _write_intent.set(value)


READS_FIRST = "reads_first"


def reads_first(view: F) -> F:
    """Mark a POST view whose request starts as a reader and calls ``start_writing`` once it
    knows what to write. On SQLite a POST otherwise holds the database's one write lock from
    its first query to its commit; a view that reads, checks and computes for a while (a quiz
    submission grades every answer) would make every other writer wait all that time. On
    PostgreSQL its reads run outside a transaction, and one begins at its first write.
    """
    setattr(view, READS_FIRST, True)
    return view


def start_writing(session: DbSession) -> None:
    """End the request's read transaction; the next one takes the write lock at once.

    The rows read may change in between, so what is written next must carry its own guard:
    a conditional UPDATE (``WHERE status = 'in_progress'``) or a unique key.
    """
    session.commit()
    _write_intent.set(True)


def finish_writing(session: DbSession) -> None:
    """Commit what ``start_writing`` began; the request's next transaction reads again (on
    SQLite: no write lock while it works on, e.g. while a password is hashed)."""
    session.commit()
    _write_intent.set(False)


@contextlib.contextmanager
def write_intent() -> Iterator[None]:
    """Mark the transactions opened inside the block as writers (CLI commands, tests)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


_configured: weakref.WeakSet[sa.Engine] = weakref.WeakSet()

# Whether the current request's transactions begin at their first write rather than at once:
# requests that should only read (GET, HEAD, OPTIONS) and views marked ``reads_first``. Only
# PostgreSQL makes use of it: see _configure_postgresql.
_begins_at_write: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "trainhub_begins_at_write", default=False
)


def set_begins_at_write(value: bool) -> None:
    _begins_at_write.set(value)


# A pooled PostgreSQL connection idle for longer than this is pinged before it is handed out.
PING_AFTER_IDLE_S = 1.0
_IDLE_SINCE = "trainhub_idle_since"
_BEGIN_ON_WRITE = "trainhub_begin_on_write"
# Statements that may run outside a transaction: plain reads. Anything else (a write, DDL, a
# locking read, a statement this does not recognise) begins one first.
_PLAIN_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_LOCKING_READ = re.compile(r"\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)


def is_plain_read(statement: str) -> bool:
    return bool(_PLAIN_READ.match(statement)) and not _LOCKING_READ.search(statement)


def configure_engine(engine: sa.Engine) -> None:
    """Attach per-connection settings. Idempotent per engine."""
    if engine in _configured:
        return
    _configured.add(engine)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)


def _configure_sqlite(engine: sa.Engine) -> None:
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database)
        if not path.exists():
            # Owner-only from the first byte; SQLite gives its -wal and -shm files the
            # database file's permissions.
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):  # another worker made it first
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Every transaction begins, readers included: a deferred BEGIN gives a page's queries
        # one snapshot, and costs a function call, not a round trip.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def _configure_postgresql(engine: sa.Engine) -> None:
    """Fewer round trips per request, with the same guarantees.

    A GET page used to make five: the pool's ping, BEGIN, its two SELECTs, ROLLBACK. On
    PostgreSQL each round trip is a context switch to the server and back (and a network hop
    when the database is on another host), so they were most of a page's database time.

    - *No transaction for reads.* At READ COMMITTED, PostgreSQL's default and ours, each
      statement sees its own snapshot whether or not it runs in a transaction, so reads gain
      nothing from BEGIN and COMMIT or ROLLBACK. The driver runs in autocommit mode and
      SQLAlchemy's "begin" sends BEGIN itself, as on SQLite. For a request that should only
      read (GET, HEAD, OPTIONS) and for a ``reads_first`` view (a quiz submission: reads and
      grades, then one guarded UPDATE) it is sent just before the first statement that is
      not a plain read, so whatever such a request writes is still all-or-nothing. Everything
      else (other POSTs, the CLI, migrations, tests) begins at once.
    - *Ping only idle connections.* A connection is pinged before it is handed out only if it
      has been idle for PING_AFTER_IDLE_S, the pessimistic check ``pool_pre_ping`` makes on
      every checkout: one that served a request a moment ago has not missed a server restart
      or a proxy's idle timeout. One that dies in that moment fails its request; SQLAlchemy
      then recognises the disconnect and replaces every pooled connection.
    """
    dbapi_error = engine.dialect.loaded_dbapi.Error
    # create_engine(isolation_level=...): SQLAlchemy would hand it to the driver, which no
    # longer begins transactions, so BEGIN carries it instead. (SQLAlchemy 2 keeps it here.)
    engine_level = getattr(engine.dialect, "_on_connect_isolation_level", None)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(_dbapi_conn: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle = time.monotonic() - record.info.get(_IDLE_SINCE, 0.0) >= PING_AFTER_IDLE_S
        try:
            # Set on every checkout: SQLAlchemy resets a connection's isolation level when it
            # returns to the pool, which turns the driver's autocommit off again. (Setting it
            # fails on a connection in a bad state: that one is replaced too.)
            dbapi_conn.autocommit = True
            if idle:
                cursor = dbapi_conn.cursor()
                cursor.execute("SELECT 1")
                cursor.close()
        except dbapi_error as error:
            # The pool discards this connection and checks out (or opens) another.
            raise sa.exc.DisconnectionError() from error

    @sa.event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    # Every statement runs in a SQLAlchemy transaction, begun by this event (autobegin), so the
    # flag is set afresh for each one and needs no clearing when it ends.
    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.info.pop(_BEGIN_ON_WRITE, None)
        # An isolation level asked for by the engine or the connection is honoured: AUTOCOMMIT
        # (CREATE INDEX CONCURRENTLY in a migration) begins nothing, and any level other than
        # the default begins at once with it, since a snapshot is what it is asked for.
        level = conn.get_execution_options().get("isolation_level", engine_level)
        if level == "AUTOCOMMIT":
            return
        if level and level != "READ COMMITTED":
            conn.exec_driver_sql(f"BEGIN ISOLATION LEVEL {level}")
        elif _begins_at_write.get():
            conn.info[_BEGIN_ON_WRITE] = True
        else:
            conn.exec_driver_sql("BEGIN")

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _begin_before_write(
        conn: sa.Connection,
        _cursor: Any,
        statement: str,
        _parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        if not conn.info.get(_BEGIN_ON_WRITE):
            return
        # A server-side cursor (stream_results, yield_per) is DECLAREd: it needs a transaction.
        streams = context is not None and context.execution_options.get("stream_results", False)
        if is_plain_read(statement) and not streams:
            return
        del conn.info[_BEGIN_ON_WRITE]
        # On the connection, not the statement's cursor, which may be a named (server) one.
        driver = conn.connection.driver_connection
        assert driver is not None  # a connection in use has its driver connection
        driver.execute("BEGIN")


def rowcount(result: sa.Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched: how a conditional UPDATE says whether it won."""
    return cast("sa.CursorResult[Any]", result).rowcount


def insert_ignore(
    session: DbSession, model: type[Any], values: dict[str, Any], conflict: list[str]
) -> bool:
    """INSERT a row unless one with the same ``conflict`` columns exists. Returns True if new.

    This is how a double click gives one record: the database, not a read-then-write race,
    decides.
    """
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert_fn(model).values(**values).on_conflict_do_nothing(index_elements=conflict)
    # RETURNING, not rowcount: an ORM insert on PostgreSQL already asks for RETURNING, and
    # its rowcount is then -1 whether or not a row went in.
    result = session.execute(stmt.returning(*sa.inspect(model).primary_key))
    return result.first() is not None
