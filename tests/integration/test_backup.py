"""``trainhub backup`` / ``trainhub restore`` on SQLite and PostgreSQL.

The main test backs up while another connection keeps committing, restores into a fresh
database, and looks for every write that was acknowledged before the backup started.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from tests.conftest import PROJECT_ROOT, Client, _base_config, sign_in
from trainhub import create_app
from trainhub.auth.models import LoginFailure, User
from trainhub.backup.service import backup_database, check_integrity, libpq_url, pg_environment
from trainhub.db import configure_engine, utcnow, write_intent
from trainhub.extensions import db

MIGRATIONS = PROJECT_ROOT / "migrations"
DEMO_PASSWORD = "demo-password"


class Writer(threading.Thread):
    """Commits one row at a time on its own connection; ``acked`` holds the committed keys."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.engine = sa.create_engine(url)
        configure_engine(self.engine)
        self.acked: list[str] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with write_intent():
                n = 0
                while not self.stop.is_set() and n < 20_000:
                    key = f"writer-{n}"
                    with self.engine.begin() as conn:
                        conn.execute(sa.insert(LoginFailure).values(key=key, created_at=utcnow()))
                    self.acked.append(key)  # after the commit returned: acknowledged
                    n += 1
                    time.sleep(0.001)
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc
        finally:
            self.engine.dispose()


def _engine(app: Flask) -> sa.Engine:
    with app.app_context():
        return db.engine


def _load_demo(app: Flask, hires: int = 30) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "--hires", str(hires)])
    assert result.exit_code == 0, result.output


def _restored_app(tmp_path: Path, url: str) -> Flask:
    config = _base_config(tmp_path / "restored", url)
    return create_app(config)


def test_backup_during_writes_keeps_every_acknowledged_write(app, scratch_database, tmp_path):
    _load_demo(app)
    source = _engine(app)
    writer = Writer(str(source.url.render_as_string(hide_password=False)))
    writer.start()
    while len(writer.acked) < 50 and writer.is_alive():
        time.sleep(0.01)
    acked_before = list(writer.acked)
    during: list[int] = []

    def progress(done: int, total: int) -> None:
        during.append(len(writer.acked))
        time.sleep(0.005)  # give the writer time to commit between the copy's steps

    dump = tmp_path / "backup.bin"
    backup_database(source, dump, progress, step_pages=8)
    time.sleep(0.05)
    writer.stop.set()
    writer.join(timeout=30)
    assert writer.error is None, writer.error
    # The writer really was committing while the copy ran.
    assert len(writer.acked) > len(acked_before)
    assert during and max(during) > len(acked_before)

    target_url = scratch_database("restored")
    target = _restored_app(tmp_path, target_url)
    if target_url.startswith("postgresql"):
        assert target.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    result = target.test_cli_runner().invoke(args=["restore", str(dump)])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output

    with target.app_context():
        restored = db.engine
        keys = set(
            db.session.scalars(sa.select(LoginFailure.key).where(LoginFailure.key.like("writer-%")))
        )
        users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
        db.session.remove()
    missing = [k for k in acked_before if k not in keys]
    assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {missing[:3]}"
    assert users == 5 + 30
    assert check_integrity(restored, MIGRATIONS).is_ok

    target.test_client_class = Client
    client = target.test_client()
    assert client.get("/readyz").status_code == 200
    sign_in(client, "hire@demo.local", DEMO_PASSWORD)
    assert "Harper Hire" in client.get("/").get_data(as_text=True)
    with target.app_context():
        db.engine.dispose()


def test_restore_refuses_a_database_with_data_unless_forced(app, db_session, tmp_path):
    _load_demo(app, hires=3)
    runner = app.test_cli_runner()
    dump = tmp_path / "backup.bin"
    assert runner.invoke(args=["backup", str(dump)]).exit_code == 0

    # A change made after the backup, which a forced restore takes back.
    db_session.execute(sa.update(User).where(User.email == "hire@demo.local").values(name="X"))
    db_session.commit()

    refused = runner.invoke(args=["restore", str(dump)])
    assert refused.exit_code != 0
    assert "not empty" in refused.output and "--force" in refused.output
    db_session.expire_all()
    assert db_session.scalar(sa.select(User.name).where(User.email == "hire@demo.local")) == "X"
    db_session.rollback()  # end the read transaction: on SQLite it pins an old snapshot

    forced = runner.invoke(args=["restore", "--force", str(dump)])
    assert forced.exit_code == 0, forced.output
    name = db_session.scalar(sa.select(User.name).where(User.email == "hire@demo.local"))
    assert name == "Harper Hire"


def test_backup_does_not_overwrite_a_file_unless_forced(app, tmp_path):
    _load_demo(app, hires=0)
    runner = app.test_cli_runner()
    dump = tmp_path / "backup.bin"
    dump.write_text("keep me")
    refused = runner.invoke(args=["backup", str(dump)])
    assert refused.exit_code != 0 and "--force" in refused.output
    assert dump.read_text() == "keep me"
    assert runner.invoke(args=["backup", "--force", str(dump)]).exit_code == 0
    assert dump.stat().st_size > 1000


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    result = app.test_cli_runner().invoke(args=["restore", str(junk)])
    assert result.exit_code != 0
    assert "is not a" in result.output


def test_restore_reports_a_backup_from_a_newer_release(app, db_session, scratch_database, tmp_path):
    version = sa.text("SELECT version_num FROM alembic_version")
    real = db_session.execute(version).scalar_one()
    set_version = sa.text("UPDATE alembic_version SET version_num = :v")
    db_session.execute(set_version, {"v": "f00dfeed0001"})
    db_session.commit()
    dump = tmp_path / "backup.bin"
    try:
        assert app.test_cli_runner().invoke(args=["backup", str(dump)]).exit_code == 0
    finally:
        # The PostgreSQL test database is shared by the whole session: put it back.
        db_session.execute(set_version, {"v": real})
        db_session.commit()

    target = _restored_app(tmp_path, scratch_database("newer"))
    result = target.test_cli_runner().invoke(args=["restore", str(dump)])
    assert result.exit_code != 0
    assert "f00dfeed0001, which these migrations do not know" in result.output
    with target.app_context():
        db.engine.dispose()


def test_a_backup_is_readable_by_its_owner_only(app, tmp_path):
    dest = tmp_path / "backups" / "owner-only.dump"
    result = app.test_cli_runner().invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    assert dest.stat().st_mode & 0o777 == 0o600


def test_the_database_password_never_reaches_a_command_line():
    url = sa.make_url("postgresql+psycopg://trainhub:s3cret%21pw@db.example.test:5432/trainhub")
    shown = libpq_url(url)
    assert "s3cret" not in shown
    assert shown == "postgresql://trainhub@db.example.test:5432/trainhub"
    assert pg_environment(url)["PGPASSWORD"] == "s3cret!pw"


def test_a_new_sqlite_database_and_instance_folder_are_owner_only(tmp_path):
    instance = tmp_path / "fresh-instance"
    app = create_app(
        {**_base_config(tmp_path, f"sqlite:///{instance / 'trainhub.db'}"),
         "INSTANCE_PATH": str(instance), "SECRET_KEY": None}
    )  # fmt: skip
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        db.session.remove()
        db.engine.dispose()
    assert instance.stat().st_mode & 0o777 == 0o700
    assert (instance / "trainhub.db").stat().st_mode & 0o777 == 0o600
    assert (instance / "secret_key").stat().st_mode & 0o777 == 0o600
