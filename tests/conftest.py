"""Shared fixtures: an app on a real, migrated database (SQLite file and PostgreSQL).

Every test that takes ``app`` (or ``client``, ``db_session`` ...) runs twice: on a fresh
SQLite file and on a PostgreSQL server (``TRAINHUB_TEST_DATABASE_URL``, started by
``script/test``). Under CI a missing server is a failure, not a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.orm import Session

from tests import factories
from tests.smtp import smtp  # noqa: F401 (a fixture: a real SMTP server in a thread)
from trainhub import create_app
from trainhub.catalog import Catalog
from trainhub.catalog.cache import RenderCache
from trainhub.catalog.store import CatalogStore
from trainhub.extensions import db

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker process gets a database of its own on the same server
    (``trainhub_test_gw0``, ...): the tests truncate and migrate it as if they were alone."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    parsed = sa.make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


PG_URL = _worker_database(os.environ.get("TRAINHUB_TEST_DATABASE_URL", ""))
BACKENDS = ["sqlite", "postgresql"]
_CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def _base_config(tmp: Path, url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(tmp / "instance"),
        "CONTENT_ROOT": str(PROJECT_ROOT),
        "SECRET_KEY": "test-" + "x1y2z3" * 8,
        "RENDER_CACHE": "",
        "CONTENT_CHECK_INTERVAL": 0.0,
        "DEMO_BANNER_TTL": 0.0,
    }


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy (the file is closed, so copying is
    safe here, unlike a live WAL database)."""
    tmp = tmp_path_factory.mktemp("sqlite-template")
    path = tmp / "template.db"
    app = create_app(_base_config(tmp, f"sqlite:///{path}"))
    with app.app_context():
        upgrade()
        # No uploads mark: each test's folder is its own (tests of the mark make one).
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM deployment_markers"))
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_ready() -> str:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("TRAINHUB_TEST_DATABASE_URL is not set: script/test starts PostgreSQL")
        pytest.skip("no PostgreSQL server (set TRAINHUB_TEST_DATABASE_URL or run script/test)")
    _create_worker_database(PG_URL)
    app = create_app(_base_config(Path("/tmp"), PG_URL))
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    return PG_URL


_CATALOGS: dict[tuple[Any, ...], tuple[RenderCache, Catalog]] = {}
_CATALOG_SETTINGS = (
    "CONTENT_ROOT",
    "CONTENT_LANGUAGE",
    "LANGUAGES",
    "CONTENT_LESSON_MAX_KB",
    "CONTENT_ASSET_MAX_KB",
    "BASE_URL",
)


def share_catalog(app: Flask) -> None:
    """Start the app's catalog store from the catalog an earlier test app loaded with the same
    content settings, and share its render cache.

    The catalog is a pure function of the files and these settings, and loading the shipped
    content (rendering every lesson and translation) took most of a web test's time. Each app
    keeps a store of its own (tests swap its catalog), which still checks the files'
    fingerprint on every read, so an edit is seen as in a real worker. Only the shipped tree
    is shared: a test's own tree is its own to edit.
    """
    if Path(app.config["CONTENT_ROOT"]).resolve() != PROJECT_ROOT:
        return
    own: CatalogStore = app.extensions["trainhub.catalog"]
    key = tuple(repr(app.config.get(name)) for name in _CATALOG_SETTINGS)
    if key not in _CATALOGS:
        _CATALOGS[key] = (own.cache, own.get())
    own.cache, own._catalog = _CATALOGS[key]
    own._checked_at = 0.0


def _create_worker_database(url: str) -> None:
    """Create this worker's database when it is missing (see ``_worker_database``)."""
    name = sa.make_url(url).database
    admin_url = os.environ.get("TRAINHUB_TEST_PG_ADMIN_URL") or sa.make_url(url).set(
        database="postgres"
    ).render_as_string(hide_password=False)
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()


def _truncate_postgres(app: Flask) -> None:
    with app.app_context():
        names = [t.name for t in db.metadata.sorted_tables]
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "trainhub.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_ready")


@pytest.fixture
def app_config(tmp_path: Path, database_url: str) -> dict[str, Any]:
    """Override in a test module to change settings before the app is built."""
    return _base_config(tmp_path, database_url)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    share_catalog(app)
    if app_config["DATABASE_URL"].startswith("postgresql"):
        _truncate_postgres(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A session of the test's own, for arranging data and checking results.

    It is not the app's request session and holds no app context open: requests made while
    a test holds an app context would share its ``g`` (and Flask-Login's cached user).
    """
    with app.app_context():
        engine = db.engine
    with Session(engine) as session:
        app.extensions.setdefault("test_sessions", []).append(session)
        yield session


class Client(FlaskClient):
    """A test client that fills in the CSRF token the way a browser's form would.

    Before each request it commits the test's own ``db_session``: what the test arranged
    becomes visible to the app, and the session's next read starts a fresh transaction, so
    it sees what the request wrote (SQLite keeps a read snapshot until the transaction ends).
    """

    # Concurrency tests send requests from several threads at once; one Session must not be
    # committed by two of them together ("commit() already in progress").
    _commit_lock = threading.Lock()

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self._commit_lock:
            for session in self.application.extensions.get("test_sessions", []):
                session.commit()
        return super().open(*args, **kwargs)

    def csrf_token(self, url: str = "/login") -> str:
        response = self.get(url)
        match = _CSRF_RE.search(response.get_data(as_text=True))
        assert match, f"no CSRF token on {url} ({response.status_code})"
        return match.group(1)

    def post_form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        token_page = kwargs.pop("token_from", "/login")
        payload = {"csrf_token": self.csrf_token(token_page), **(data or {})}
        return self.post(url, data=payload, **kwargs)


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


def sign_in(client: Client, email: str, password: str = factories.PASSWORD) -> Any:
    response = client.post_form("/login", {"email": email, "password": password})
    assert response.status_code == 302, f"sign-in of {email} failed: {response.status_code}"
    return response


@pytest.fixture
def login_as(app: Flask, client: Client) -> Callable[..., Any]:
    """``login_as("mentor")`` creates a person with that role and signs the client in."""

    def _login(role_or_user: Any = "hire", **fields: Any) -> Any:
        with app.app_context():
            if isinstance(role_or_user, str):
                user = factories.make_user(db.session, role_or_user, **fields)
                db.session.commit()
            else:
                user = role_or_user
            email, user_id = user.email, user.id
        sign_in(client, email)
        return user_id

    return _login


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs while the test holds this list: tests count
    statements (and the rows they return), never time."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def _record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", _record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", _record)


# The files that take longest (measured with --junitxml on two workers), started first: with
# pytest-xdist's --dist loadfile a worker takes a whole file, so a long file picked up last
# keeps one core busy while the other has finished.
LONG_FIRST = (
    "tests/integration/test_deployment_guide.py",
    "tests/browser/",
    "tests/integration/test_notify_crash.py",
    "tests/integration/test_readiness_kept.py",
    "tests/security/test_login_limit_per_address.py",
    "tests/integration/test_multi_server.py",
    "tests/integration/test_migrations.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = Path(str(item.fspath)).resolve().relative_to(PROJECT_ROOT).as_posix()
        return next((n for n, p in enumerate(LONG_FIRST) if path.startswith(p)), len(LONG_FIRST))

    items.sort(key=rank)  # stable: within a rank, the collection order stays
