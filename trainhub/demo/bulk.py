"""Writing many demo rows fast: COPY on PostgreSQL (psycopg's ``cursor.copy``), one
executemany INSERT per table on SQLite.

Ids are handed out here (the largest id + 1, per table) so that children (reviews, essay
grades) can name their parents without a flush per row; on PostgreSQL the id sequences are
moved past the ids used when the load ends. The demo fills an empty database, so nobody
else takes ids meanwhile.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import psycopg
import sqlalchemy as sa

from ..db import DbSession


class Ids:
    """The next free id of each table, read once."""

    def __init__(self, session: DbSession) -> None:
        self.session = session
        self._next: dict[str, int] = {}

    def next(self, model: type[Any]) -> int:
        table = model.__table__
        if table.name not in self._next:
            top = self.session.scalar(sa.select(sa.func.max(table.c.id)))
            self._next[table.name] = (top or 0) + 1
        found = self._next[table.name]
        self._next[table.name] = found + 1
        return found

    def settle(self) -> None:
        """Move PostgreSQL's id sequences past the ids handed out here."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for name, following in self._next.items():
            self.session.execute(
                sa.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v, false)"),
                {"t": name, "v": following},
            )


def _defaults(table: sa.Table, given: set[str]) -> dict[str, Any]:
    """Python-side defaults of the columns a row leaves out (COPY applies none)."""
    found = {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None or column.server_default is not None:
            continue
        if isinstance(default, sa.ColumnDefault):
            found[column.name] = default.arg(None) if default.is_callable else default.arg
    return found


def _json_text(dumped: dict[int, tuple[Any, str]]) -> Callable[[Any], str]:
    def text(value: Any) -> str:
        # Keyed by the object's id while the rows (which hold it) are alive; the object is
        # kept beside its text so that an id is never reused within one write.
        found = dumped.get(id(value))
        if found is None or found[0] is not value:
            found = dumped[id(value)] = (value, json.dumps(value))
        return found[1]

    return text


def write(session: DbSession, model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column values) into the model's table."""
    dumped: dict[int, tuple[Any, str]] = {}
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        # Core on the table: the ORM's bulk insert costs more than SQLite's executemany.
        session.connection().execute(model.__table__.insert(), list(rows))
        return
    table: sa.Table = model.__table__
    keys = sorted({key for row in rows for key in row})
    defaults = _defaults(table, set(keys))
    names = [*keys, *defaults]
    dialect = session.get_bind().dialect
    # Each column's own bind processing (UTC datetimes made naive), as an INSERT would do
    # it; JSON is written as its text, serialised once per object: the demo's hires share
    # a few quiz layouts and answers, and serialising each again was a third of the load.
    processors = [
        _json_text(dumped) if isinstance(table.c[name].type, sa.JSON) else None for name in names
    ]
    processors = [
        found or table.c[name].type._cached_bind_processor(dialect)
        for found, name in zip(processors, names, strict=True)
    ]
    columns = ", ".join(f'"{name}"' for name in names)
    raw = cast("psycopg.Connection[Any]", session.connection().connection.dbapi_connection)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            values = [row.get(k) for k in keys] + list(defaults.values())
            copy.write_row(
                [
                    p(v) if p is not None and v is not None else v
                    for p, v in zip(processors, values, strict=True)
                ]
            )


def analyze(session: DbSession) -> None:
    """Refresh PostgreSQL's statistics after a bulk load: until autovacuum gets to the new
    rows, the planner would take the tables for empty and scan where an index answers."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("ANALYZE"))
