"""One source of settings (finding 1): every command reads the env file itself, so a command
run as the service user with nothing exported uses production's database; a production
command never falls back to the embedded SQLite; ``trainhub config show`` says where each
setting came from, secrets masked."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, PROJECT_ROOT
from tests.integration.conftest import create_pg_database, drop_pg_database
from trainhub import config

TRAINHUB = str(Path(sys.executable).with_name("trainhub"))
SECRET = "Zq8vN3kP1xR7tL0mW5yB2cH9dF4gJ6sA-" + uuid.uuid4().hex
INSTANCE_DB = PROJECT_ROOT / "instance" / "trainhub.db"


def _bare(env_file: Path, **extra: str) -> dict[str, str]:
    """The environment sudo, runuser -l or cron leave: no TRAINHUB_* but the file's path."""
    return {"PATH": os.environ["PATH"], "HOME": "/tmp", "TRAINHUB_CONFIG": str(env_file), **extra}


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRAINHUB, *args], capture_output=True, text=True, env=env, cwd="/", timeout=120
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def production_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'production.db'}"
        return
    if not PG_URL:
        pytest.skip("no PostgreSQL server (run script/test)")
    url = create_pg_database("th_settings")
    yield url
    drop_pg_database(url)


def test_db_upgrade_with_nothing_exported_migrates_the_production_database(
    production_url, tmp_path
):
    env_file = tmp_path / "trainhub.env"
    env_file.write_text(
        "# production settings\nTRAINHUB_ENV=production\n"
        f"TRAINHUB_SECRET_KEY={SECRET}\nTRAINHUB_DATABASE_URL='{production_url}'\n"
        f"TRAINHUB_UPLOAD_FOLDER={tmp_path / 'uploads'}\n"
    )
    env_file.chmod(0o600)
    before = INSTANCE_DB.stat().st_mtime if INSTANCE_DB.exists() else None
    done = _run("db", "upgrade", env=_bare(env_file))
    assert done.returncode == 0, done.stderr
    engine = sa.create_engine(production_url)
    with engine.connect() as conn:
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    assert revision  # production's database, not a new file in instance/
    assert (INSTANCE_DB.stat().st_mtime if INSTANCE_DB.exists() else None) == before

    shown = _run("config", "show", env=_bare(env_file))
    assert shown.returncode == 0, shown.stderr
    lines = {line.split()[0]: line for line in shown.stdout.splitlines() if line[:1].isupper()}
    assert f"[env file {env_file}]" in lines["DATABASE_URL"]
    assert "********" in lines["SECRET_KEY"] and SECRET not in shown.stdout
    assert lines["PORT"].endswith("[default]")
    overridden = _run("config", "show", env=_bare(env_file, TRAINHUB_PORT="8111"))
    assert "8111  [environment]" in overridden.stdout  # the environment wins over the file


def test_production_never_falls_back_to_the_embedded_sqlite(tmp_path):
    env_file = tmp_path / "trainhub.env"
    env_file.write_text(f"TRAINHUB_ENV=production\nTRAINHUB_SECRET_KEY={SECRET}\n")
    before = INSTANCE_DB.stat().st_mtime if INSTANCE_DB.exists() else None
    for args in (("db", "upgrade"), ("backup", str(tmp_path / "b.dump"))):
        done = _run(*args, env=_bare(env_file))
        assert done.returncode == 2, done.stderr
        assert "needs TRAINHUB_DATABASE_URL" in done.stderr and "Traceback" not in done.stderr
    assert (INSTANCE_DB.stat().st_mtime if INSTANCE_DB.exists() else None) == before


def test_a_named_env_file_that_is_missing_is_refused(tmp_path):
    done = _run("users", "list", env=_bare(tmp_path / "nowhere.env"))
    assert done.returncode == 2 and "no such file" in done.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")
def test_an_env_file_the_user_cannot_read_is_refused_not_ignored(tmp_path):
    env_file = tmp_path / "trainhub.env"
    env_file.write_text(f"TRAINHUB_ENV=production\nTRAINHUB_SECRET_KEY={SECRET}\n")
    env_file.chmod(0o600)  # root's, as in the report: the service user cannot read it
    tmp_path.chmod(0o755)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child becomes an unprivileged user, like runuser -u trainhub
        os.close(read)
        try:
            os.setgid(65534)
            os.setuid(65534)
            config.resolve(Path("/nonexistent"), environ={"TRAINHUB_CONFIG": str(env_file)})
            os.write(write, b"read it")
        except config.ConfigError as exc:
            os.write(write, str(exc).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        said = fh.read()
    os.waitpid(pid, 0)
    assert "permission denied" in said and "runuser -u trainhub" in said
