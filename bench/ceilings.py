"""The benchmark's probe app: ``wsgi:app`` plus three routes that do the least a page can do.

The throughput targets are ratios to ``/healthz``, which touches no database. How close a page
can come to it depends first on what any such page must do at the very least, on this machine
and this database. ``bench/run`` serves this module with the same gunicorn settings as the app
and prints each probe's rate over ``/healthz``: a ceiling that no page doing that much work
can pass, whatever its code.

- ``/bench-probe/signed-in``: the app's own session check (the signed cookie, then Flask-Login's
  user load with its session-version comparison) and an empty answer. Every signed-in page
  does this first.
- ``/bench-probe/read``: one primary-key read, on a pooled connection of the app's engine
  (the pool's ping included on PostgreSQL, as in the app), with no ORM and no session check.
- ``/bench-probe/submit``: the session check, then a read and an UPDATE of one row, committed,
  the way a quiz submission does them (``start_writing``: on SQLite the write lock is taken
  for the UPDATE only). The least any recorded submission can do. Each request takes the
  next account's row, as each submission writes its own attempt: requests queueing on one
  row's lock would measure the lock, not the database.

Never served by ``wsgi:app``: it exists only for ``gunicorn bench.ceilings:app``.
"""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from trainhub.access import public, requires
from trainhub.auth.models import User
from trainhub.db import start_writing
from trainhub.extensions import db
from trainhub.permissions import is_signed_in
from wsgi import app

PREFIX = "/bench-probe"
PROBES = ("signed-in", "read", "submit")

_users = User.__table__
_READ = sa.select(_users.c.id, _users.c.session_version, _users.c.is_active).where(
    _users.c.id == sa.bindparam("user_id")
)
# Sets a column to itself: a real write (a new row version, a WAL entry) that changes nothing.
_WRITE = (
    _users.update().where(_users.c.id == sa.bindparam("user_id")).values(locale=_users.c.locale)
)
# The demo's first account: any row will do for a read, it is the round trip that is measured.
_ROW = {"user_id": 1}
# Accounts 1..1000 exist in a benchmark database (demo accounts and --hires 1000); a missing id
# would make an UPDATE that writes nothing. next() on itertools.count is atomic (it is C code
# that holds the GIL), so the worker's threads never take the same number.
_numbers = itertools.count()


@requires(is_signed_in)
def signed_in() -> str:
    return "ok"


@public
def read() -> str:
    with db.engine.connect() as conn:
        conn.execute(_READ, _ROW).first()
    return "ok"


@requires(is_signed_in)
def submit() -> str:
    row = {"user_id": next(_numbers) % 1000 + 1}
    db.session.execute(_READ, row).first()
    start_writing(db.session)
    db.session.execute(_WRITE, row)
    db.session.commit()
    return "ok"


for _name, _view in zip(PROBES, (signed_in, read, submit), strict=True):
    app.add_url_rule(f"{PREFIX}/{_name}", f"bench_probe_{_name.replace('-', '_')}", _view)
