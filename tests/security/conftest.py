"""Fixtures of the adversarial suite: ``world``, the seeded cast of tests/security/world.py,
built once per module and backend (SQLite and PostgreSQL), everyone signed in once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import BACKENDS
from tests.security.world import World, make_world, sign_in_everyone
from trainhub.extensions import db


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp(f"world-{request.param}")
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        built = make_world(tmp, f"sqlite:///{tmp / 'world.db'}", template)
    else:
        built = make_world(tmp, request.getfixturevalue("postgres_ready"), None)
    sign_in_everyone(built)
    built.reset()
    yield built
    built.reset()  # leave no sign-in rows behind for the next module
    with built.app.app_context():
        db.session.remove()
        db.engine.dispose()
