"""Backups of the whole database, and restoring them.

SQLite is copied with its online backup API from inside one read transaction, so the copy is
a consistent snapshot even while the app keeps writing (a plain file copy of a live WAL
database can miss committed pages or tear them). PostgreSQL uses ``pg_dump`` in its custom
format and ``pg_restore``, found in ``TRAINHUB_PGBIN``, on ``PATH`` or in
``/usr/lib/postgresql/*/bin``.

Progress is reported through ``progress(done, total)`` so the CLI can draw a bar.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError

Progress = Callable[[int, int], None]

# Pages copied per step of the SQLite backup: small enough for a smooth bar, large enough
# that a gigabyte copies in a few thousand steps.
SQLITE_STEP_PAGES = 1024
# What a (custom-format) dump starts with: tells a PostgreSQL backup from a SQLite one.
PG_DUMP_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(RuntimeError):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Integrity:
    """The result of checking a restored database."""

    problems: tuple[str, ...]
    revision: str | None
    head: str | None

    @property
    def is_ok(self) -> bool:
        return not self.problems

    @property
    def is_behind(self) -> bool:
        return self.revision != self.head


def _noop(_done: int, _total: int) -> None:
    pass


def sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def find_pg_tool(name: str) -> str:
    """The path of pg_dump / pg_restore: TRAINHUB_PGBIN, then PATH, then Debian's folders."""
    pgbin = os.environ.get("TRAINHUB_PGBIN")
    candidates = [Path(pgbin) / name] if pgbin else []
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    candidates.extend(versions)
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    raise BackupError(
        f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client) "
        "or set TRAINHUB_PGBIN to the folder that holds it"
    )


def libpq_url(url: sa.URL) -> str:
    """The SQLAlchemy URL as the libpq connection string the PostgreSQL tools take, without
    the password: a command line is readable by every user of the host (``ps``)."""
    bare = sa.URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return bare.render_as_string(hide_password=False)


def pg_environment(url: sa.URL) -> dict[str, str]:
    """The environment for a PostgreSQL tool: the password goes through PGPASSWORD, which
    only the process's owner can read."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def owner_only_file(path: Path) -> None:
    """Create ``path`` empty and readable by its owner alone, before anything is written to
    it: a backup holds every person's record."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def data_rows(engine: sa.Engine) -> int:
    """How many rows the application's tables hold (the migration's own rows do not count)."""
    names = [
        n
        for n in sa.inspect(engine).get_table_names()
        if n not in {"alembic_version", "deployment_markers"}  # written by every db upgrade
    ]
    total = 0
    with engine.connect() as conn:
        for name in names:
            total += conn.execute(
                sa.select(sa.func.count()).select_from(sa.table(name))
            ).scalar_one()
    return total


def check_integrity(engine: sa.Engine, migrations_dir: Path) -> Integrity:
    """SQLite's own integrity check, and that the schema is at a known migration revision."""
    problems: list[str] = []
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        if rows != ["ok"]:
            problems.extend(f"integrity_check: {row}" for row in rows)
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head()
    revision: str | None = None
    if "alembic_version" in sa.inspect(engine).get_table_names():
        with engine.connect() as conn:
            revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    if revision is None:
        problems.append("the database has no migration revision (alembic_version is empty)")
    elif revision != head:
        try:
            scripts.get_revision(revision)
        except CommandError:
            problems.append(
                f"the database is at revision {revision}, which these migrations do not know "
                "(a backup from a newer TrainHub?)"
            )
    return Integrity(tuple(problems), revision, head)


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_copy(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    progress: Progress,
    step_pages: int = SQLITE_STEP_PAGES,
) -> None:
    def report(_status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total)

    # One read transaction around the whole copy: every step reads the same snapshot, so
    # concurrent commits neither restart the copy nor tear it (WAL keeps writers going).
    source.execute("BEGIN")
    try:
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        source.backup(target, pages=step_pages, progress=report)
    finally:
        source.execute("COMMIT")


def _sqlite_backup(url: sa.URL, dest: Path, progress: Progress, step_pages: int) -> None:
    path = sqlite_path(url)
    if not path.is_file():
        raise BackupError(f"no database at {path}")
    tmp = dest.with_name(f".{dest.name}.partial")
    owner_only_file(tmp)
    source = sqlite3.connect(path, isolation_level=None, timeout=30)
    target = sqlite3.connect(tmp, isolation_level=None)
    try:
        _sqlite_copy(source, target, progress, step_pages)
        # A backup is one self-contained file: no -wal beside it.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()
    os.replace(tmp, dest)


def _sqlite_restore(url: sa.URL, src: Path, progress: Progress) -> None:
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, isolation_level=None)
    target = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        target.execute("PRAGMA busy_timeout=30000")
        _sqlite_copy(source, target, progress)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()


# --- PostgreSQL -----------------------------------------------------------------------------

_DUMPING = re.compile(r"dumping contents of table")
_RESTORING = re.compile(r"processing data for table")


def _run_counting(
    cmd: list[str], pattern: re.Pattern[str], total: int, progress: Progress, env: dict[str, str]
) -> None:
    """Run a pg tool with --verbose and advance the bar on each table it reports."""
    done = 0
    progress(done, total)
    lines: list[str] = []
    with subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=env) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line.rstrip())
            if pattern.search(line):
                done = min(done + 1, total)
                progress(done, total)
    if proc.returncode != 0:
        errors = [line for line in lines if "error" in line.lower()] or lines[-5:]
        raise BackupError(f"{Path(cmd[0]).name} failed:\n" + "\n".join(errors))
    progress(total, total)


def _pg_backup(engine: sa.Engine, dest: Path, progress: Progress) -> None:
    tables = len(sa.inspect(engine).get_table_names())
    tmp = dest.with_name(f".{dest.name}.partial")
    owner_only_file(tmp)
    cmd = [
        find_pg_tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        "--verbose",
        f"--file={tmp}",
        f"--dbname={libpq_url(engine.url)}",
    ]
    _run_counting(cmd, _DUMPING, tables, progress, pg_environment(engine.url))
    os.replace(tmp, dest)


def _pg_drop_tables(engine: sa.Engine) -> None:
    names = sa.inspect(engine).get_table_names()
    if names:
        quoted = ", ".join(engine.dialect.identifier_preparer.quote(n) for n in names)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {quoted} CASCADE")


def _pg_restore(engine: sa.Engine, src: Path, progress: Progress) -> None:
    restore = find_pg_tool("pg_restore")
    listing = subprocess.run([restore, "--list", str(src)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupError(f"{src} is not a pg_dump custom-format file: {listing.stderr.strip()}")
    tables = sum(1 for line in listing.stdout.splitlines() if " TABLE DATA " in line)
    engine.dispose()
    _pg_drop_tables(engine)
    cmd = [
        restore,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--verbose",
        f"--dbname={libpq_url(engine.url)}",
        str(src),
    ]
    _run_counting(cmd, _RESTORING, tables, progress, pg_environment(engine.url))


# --- entry points ---------------------------------------------------------------------------


def backup_database(
    engine: sa.Engine,
    dest: Path,
    progress: Progress = _noop,
    step_pages: int = SQLITE_STEP_PAGES,
) -> None:
    """Write a consistent copy of the database to ``dest`` (replaced atomically).

    ``step_pages`` is how many SQLite pages are copied between two progress reports.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        _sqlite_backup(engine.url, dest, progress, step_pages)
    elif engine.dialect.name == "postgresql":
        _pg_backup(engine, dest, progress)
    else:
        raise BackupError(f"backups of {engine.dialect.name} databases are not supported")


def restore_database(
    engine: sa.Engine,
    src: Path,
    migrations_dir: Path,
    force: bool = False,
    progress: Progress = _noop,
) -> Integrity:
    """Replace the database's contents with the backup ``src``, then check the result.

    Refuses (BackupError) when the database holds any row, unless ``force``.
    """
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"no backup file at {src}")
    with src.open("rb") as fh:
        magic = fh.read(16)
    kind = engine.dialect.name
    expected = SQLITE_MAGIC if kind == "sqlite" else PG_DUMP_MAGIC
    if not magic.startswith(expected):
        raise BackupError(f"{src} is not a {kind} backup made by `trainhub backup`")
    if not force:
        rows = data_rows(engine)
        if rows:
            raise BackupError(
                f"the database is not empty ({rows} rows); restoring would replace them. "
                "Pass --force to overwrite it."
            )
    engine.dispose()
    if kind == "sqlite":
        _sqlite_restore(engine.url, src, progress)
    else:
        _pg_restore(engine, src, progress)
    engine.dispose()
    return check_integrity(engine, migrations_dir)


# --- the command line -----------------------------------------------------------------------
