"""Fixtures for tests that need databases of their own (backups, migrations, several servers).

``scratch_database()`` makes a new, empty database of the same kind as the test's
``database_url`` (a SQLite file, or a PostgreSQL database on the test server) and drops it at
the end of the test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL


def pg_admin_url() -> str:
    """The server's maintenance database, where CREATE/DROP DATABASE run."""
    explicit = os.environ.get("TRAINHUB_TEST_PG_ADMIN_URL")
    if explicit:
        return explicit
    return sa.make_url(PG_URL).set(database="postgres").render_as_string(hide_password=False)


def create_pg_database(prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    name = sa.make_url(url).database
    engine = sa.create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


@pytest.fixture
def scratch_database(database_url: str, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    made: list[str] = []

    def make(label: str = "scratch") -> str:
        if database_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / f'{label}-{len(made)}.db'}"
        else:
            url = create_pg_database(f"th_{label}")
        made.append(url)
        return url

    yield make
    for url in made:
        if url.startswith("postgresql"):
            drop_pg_database(url)
