"""Writing many demo rows fast: COPY on PostgreSQL (psycopg's ``cursor.copy``), one
executemany INSERT per table on SQLite.

Ids are handed out here (the largest id + 1, per table) so that children (reviews, essay
grades) can name their parents without a flush per row; on PostgreSQL the id sequences are
moved past the ids used when the load ends. The demo fills an empty database, so nobody
else takes ids meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def write(session: DbSession, model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts of column values) into the model's table."""
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
    # Each column's own bind processing (UTC datetimes made naive, JSON to text), as an
    # INSERT would do it.
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
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
