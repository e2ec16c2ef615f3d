"""What ``/readyz`` checks, and the uploads folder's mark written at ``trainhub db upgrade``.

A host is ready when the database answers at the code's schema revision (or a newer one: a
rolling deploy migrates before the last old host restarts, and migrations add before they
remove), when the uploads folder is writable, and when it is the shared one: its mark file
holds the value the database holds. Problems are plain English for the operator's log and
the load balancer, never shown to a person on a page.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from ..db import DbSession
from .models import DeploymentMarker

log = logging.getLogger(__name__)

MARK_FILE = ".trainhub-uploads"
MARK_NAME = "uploads"


@functools.cache
def _revisions(migrations_dir: str) -> tuple[frozenset[str], frozenset[str]]:
    """The code's heads and every revision it knows, read once per process: the release this
    worker runs, not files a ``git pull`` has put beside it since."""
    config = Config()
    config.set_main_option("script_location", migrations_dir)
    scripts = ScriptDirectory.from_config(config)
    known = frozenset(s.revision for s in scripts.walk_revisions("base", "heads"))
    return frozenset(scripts.get_heads()), known


def schema_problem(revision: str | None, migrations_dir: str) -> str | None:
    """Why the database's revision cannot serve this code, or None."""
    if revision is None:
        return "the database has no schema: run trainhub db upgrade"
    heads, known = _revisions(migrations_dir)
    if revision in heads:
        return None
    if revision in known:
        return (
            f"the database is at revision {revision}, older than the code: run trainhub db upgrade"
        )
    return None  # a newer release migrated it; this one keeps working until it restarts


def database_revision(session: DbSession) -> str | None:
    try:
        return session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.ProgrammingError:
        session.rollback()
        return None
    except sa.exc.OperationalError as exc:
        # SQLite says "no such table" as an OperationalError; a lost server says it too.
        session.rollback()
        if "no such table" in str(exc):
            return None
        raise


def uploads_problems(session: DbSession, folder: Path) -> list[str]:
    problems = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".ready-{secrets.token_hex(4)}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        problems.append(f"the uploads folder {folder} is not writable: {exc.strerror or exc}")
    expected = session.get(DeploymentMarker, MARK_NAME)
    if expected is not None:
        try:
            found = (folder / MARK_FILE).read_text(encoding="ascii").strip()
        except OSError:
            found = None
        if found != expected.value:
            problems.append(
                f"the uploads folder {folder} is not the shared one: its {MARK_FILE} "
                + ("is missing" if found is None else "differs from the database's")
                + " (mount the folder the other hosts use)"
            )
    return problems


def problems(session: DbSession, folder: Path, migrations_dir: str) -> list[str]:
    """Everything that keeps this host from serving; [] when it is ready."""
    try:
        revision = database_revision(session)
    except sa.exc.SQLAlchemyError as exc:
        session.rollback()
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return [f"the database does not answer: {first}"]
    schema = schema_problem(revision, migrations_dir)
    if schema is not None:
        return [schema]
    return uploads_problems(session, folder)


def mark_uploads(connection: sa.Connection, folder: Path) -> None:
    """At ``db upgrade``: give the database a mark and write it into this uploads folder.

    The first upgrade makes the mark; a later one writes the file only into a folder that has
    no files yet (a first deploy, a new mount). An existing folder without the mark is left
    alone and reported, so running the upgrade on a host with an unshared folder does not
    make that folder look shared.
    """
    if not sa.inspect(connection).has_table("deployment_markers"):
        return  # downgraded below the table
    value = connection.execute(
        sa.select(DeploymentMarker.value).where(DeploymentMarker.name == MARK_NAME)
    ).scalar()
    if value is None:
        value = secrets.token_hex(16)
        connection.execute(sa.insert(DeploymentMarker).values(name=MARK_NAME, value=value))
    path = folder / MARK_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if path.is_file() and path.read_text(encoding="ascii").strip() == value:
            return
        if path.exists() or any(p.name != MARK_FILE for p in folder.iterdir()):
            log.warning(
                "the uploads folder %s holds files but not this database's mark: is it the "
                "shared one? (see docs/deployment.md, section 5)",
                folder,
            )
            return
        temp = folder / f".{MARK_FILE}.part"
        temp.write_text(value + "\n", encoding="ascii")
        os.replace(temp, path)
    except OSError as exc:
        log.error("cannot write the uploads mark into %s: %s", folder, exc.strerror or exc)
