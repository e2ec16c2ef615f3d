"""The Alembic migrations, on SQLite and PostgreSQL.

One head; upgrade from empty, downgrade to base and upgrade again; models and migrations agree;
and every upgrade over a database that holds data keeps every row. The last test walks every
revision after the first, so it starts to bite as soon as a second migration is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade

from tests.conftest import PROJECT_ROOT, _base_config
from trainhub import create_app
from trainhub.extensions import db

MIGRATIONS = PROJECT_ROOT / "migrations"


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


@contextmanager
def _app_on(url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(_base_config(tmp_path / "migrations-app", url))
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


# Written by every upgrade itself, not copied: the migration's revision, the uploads mark.
UNCOUNTED = {"alembic_version", "deployment_markers"}


def _snapshot(engine: sa.Engine) -> dict[str, list[dict[str, Any]]]:
    meta = sa.MetaData()
    meta.reflect(engine)
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name in UNCOUNTED:
                continue
            order = list(table.primary_key.columns)
            out[table.name] = [
                dict(r._mapping) for r in conn.execute(table.select().order_by(*order))
            ]
    return out


def _fill(engine: sa.Engine, snapshot: dict[str, list[dict[str, Any]]]) -> None:
    """Insert the snapshot's rows into whatever schema the database has now.

    Columns the schema does not have (yet) are left out; a table it does not have is skipped.
    """
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            rows = snapshot.get(table.name)
            if not rows:
                continue
            names = set(table.columns.keys())
            # One row per statement, in id order, so self-references (a hire's mentor) exist.
            for row in rows:
                conn.execute(table.insert().values({k: v for k, v in row.items() if k in names}))
    if engine.dialect.name == "postgresql":
        _reset_sequences(engine, meta)


def _reset_sequences(engine: sa.Engine, meta: sa.MetaData) -> None:
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            if "id" in table.columns and table.name != "alembic_version":
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )


def _counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
            for name in sorted(_tables(engine) - UNCOUNTED)
        }


def test_there_is_exactly_one_head():
    heads = _scripts().get_heads()
    assert len(heads) == 1, f"several migration heads {heads}: merge them (trainhub db merge)"


def test_upgrade_from_empty_downgrade_and_upgrade_again(scratch_database, tmp_path):
    expected = set(db.metadata.tables)
    with _app_on(scratch_database("migrate"), tmp_path):
        engine = db.engine
        assert _tables(engine) == set()
        upgrade()
        assert _tables(engine) == expected
        downgrade(revision="base")
        assert _tables(engine) == set()
        upgrade()
        assert _tables(engine) == expected
        with engine.connect() as conn:
            revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert revision == _scripts().get_current_head()


def test_models_and_migrations_agree(scratch_database, tmp_path):
    with _app_on(scratch_database("compare"), tmp_path):
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, db.metadata)
    assert diff == [], f"the models differ from the migrations; run `trainhub db migrate`: {diff}"


def test_every_upgrade_keeps_every_row(app, scratch_database, tmp_path):
    result = app.test_cli_runner().invoke(args=["demo", "--hires", "20"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        snapshot = _snapshot(db.engine)
    assert sum(len(rows) for rows in snapshot.values()) > 100

    # The copier itself, at head: a fresh database filled from the snapshot holds it all.
    with _app_on(scratch_database("head"), tmp_path):
        upgrade()
        _fill(db.engine, snapshot)
        assert _counts(db.engine) == {name: len(rows) for name, rows in snapshot.items()}

    revisions = list(reversed(list(_scripts().walk_revisions("base", "heads"))))
    for revision in revisions[1:]:
        with _app_on(scratch_database("step"), tmp_path):
            upgrade(revision=revision.down_revision)
            _fill(db.engine, snapshot)
            before = _counts(db.engine)
            upgrade(revision=revision.revision)
            after = _counts(db.engine)
        lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t) != n}
        assert not lost, f"upgrade to {revision.revision} changed row counts: {lost}"
