"""Settings: defaults < instance/config.py < TRAINHUB_* environment; production is strict."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from trainhub import config, create_app
from trainhub.config import PROJECT_ROOT, ConfigError, build

STRONG = "Zq8vN3kP1xR7tL0mW5yB2cH9dF4gJ6sA-strong-key"


def _instance(tmp_path: Path, text: str | None = None) -> Path:
    folder = tmp_path / "instance"
    folder.mkdir()
    if text is not None:
        (folder / "config.py").write_text(text, encoding="utf-8")
    return folder


def test_defaults_without_file_or_environment(tmp_path):
    folder = _instance(tmp_path)
    settings = build(folder, environ={})
    assert settings["ENV"] == "development"
    assert settings["DATABASE_URL"] == f"sqlite:///{folder / 'trainhub.db'}"
    assert settings["SQLALCHEMY_DATABASE_URI"] == settings["DATABASE_URL"]
    assert settings["PROXY_HOPS"] == 0
    assert settings["CONTENT_ROOT"] == str(config.PROJECT_ROOT)


def test_instance_file_overrides_defaults(tmp_path):
    folder = _instance(tmp_path, "PORT = 8123\nRATELIMIT_LOGIN_ATTEMPTS = 3\nlower = 'ignored'\n")
    settings = build(folder, environ={})
    assert settings["PORT"] == 8123
    assert settings["RATELIMIT_LOGIN_ATTEMPTS"] == 3
    assert "lower" not in settings


def test_environment_overrides_instance_file(tmp_path):
    folder = _instance(tmp_path, "PORT = 8123\nPROXY_HOPS = 1\n")
    environ = {
        "TRAINHUB_PORT": "9000",
        "TRAINHUB_DATABASE_URL": "postgresql+psycopg://db.internal/trainhub",
        "TRAINHUB_SMTP_STARTTLS": "no",
        "TRAINHUB_CONTENT_CHECK_INTERVAL": "",  # empty means unset
    }
    settings = build(folder, environ=environ)
    assert settings["PORT"] == 9000
    assert settings["PROXY_HOPS"] == 1  # from the file: the environment does not set it
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db.internal/trainhub"
    assert settings["SMTP_STARTTLS"] is False
    assert settings["CONTENT_CHECK_INTERVAL"] == 2.0


def test_a_malformed_number_names_the_variable(tmp_path):
    with pytest.raises(ConfigError, match="TRAINHUB_PROXY_HOPS"):
        build(_instance(tmp_path), environ={"TRAINHUB_PROXY_HOPS": "two"})


def test_development_keeps_a_random_local_secret(tmp_path):
    folder = _instance(tmp_path)
    first = build(folder, environ={})["SECRET_KEY"]
    second = build(folder, environ={})["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (folder / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "",
        "dev",
        "changeme",
        "short-but-not-weak",
        "a" * 40,
        "abababababababababababababababab",
    ],
)
def test_production_refuses_a_missing_or_weak_secret(tmp_path, secret):
    environ = {"TRAINHUB_ENV": "production"}
    if secret is not None:
        environ["TRAINHUB_SECRET_KEY"] = secret
    folder = _instance(tmp_path)
    with pytest.raises(ConfigError, match="TRAINHUB_SECRET_KEY"):
        build(folder, environ=environ)
    assert not (folder / "secret_key").exists()  # no silent local key in production


def test_production_refuses_a_weak_secret_from_the_instance_file(tmp_path):
    folder = _instance(tmp_path, "SECRET_KEY = 'secret'\n")
    with pytest.raises(ConfigError):
        build(folder, environ={"TRAINHUB_ENV": "production"})


def test_production_accepts_a_strong_secret_and_secures_the_cookie(tmp_path):
    environ = {
        "TRAINHUB_ENV": "production",
        "TRAINHUB_SECRET_KEY": STRONG,
        "TRAINHUB_DATABASE_URL": "postgresql+psycopg://db.internal/trainhub",
    }
    settings = build(_instance(tmp_path), environ=environ)
    assert settings["SECRET_KEY"] == STRONG
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True


def test_create_app_refuses_to_start_in_production_without_a_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINHUB_ENV", "production")
    monkeypatch.delenv("TRAINHUB_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"INSTANCE_PATH": str(_instance(tmp_path)), "DATABASE_URL": "sqlite://"})


def test_gunicorn_master_does_not_import_the_app():
    """Workers forked after a reload (HUP) must import the new release, not inherit the old
    one from the master: gunicorn.conf.py builds the app only in a child process."""
    tree = ast.parse((PROJECT_ROOT / "gunicorn.conf.py").read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in {"trainhub", "wsgi"}}


def test_review_settings_have_defaults_and_come_from_the_environment(tmp_path):
    folder = _instance(tmp_path)
    settings = build(folder, environ={})
    assert (settings["REVIEW_LEASE_HOURS"], settings["REVIEW_SLA_HOURS"]) == (8.0, 48.0)
    assert settings["COMPANY_TIMEZONE"] == "UTC"
    env = {"TRAINHUB_REVIEW_SLA_HOURS": "16", "TRAINHUB_COMPANY_TIMEZONE": "Europe/Kyiv"}
    settings = build(folder, environ=env)
    assert settings["REVIEW_SLA_HOURS"] == 16.0 and settings["COMPANY_TIMEZONE"] == "Europe/Kyiv"


@pytest.mark.parametrize(
    "env",
    [{"TRAINHUB_COMPANY_TIMEZONE": "Europe/Atlantis"}, {"TRAINHUB_REVIEW_LEASE_HOURS": "0"}],
)
def test_a_bad_review_setting_refuses_to_start(tmp_path, env):
    with pytest.raises(ConfigError):
        build(_instance(tmp_path), environ=env)


def test_the_env_file_sits_between_the_environment_and_the_instance_file(tmp_path):
    folder = _instance(tmp_path, "PORT = 7000\nPROXY_HOPS = 3\nCONTENT_CHECK_INTERVAL = 9.0\n")
    env_file = tmp_path / "trainhub.env"
    env_file.write_text(
        "# a comment\nexport TRAINHUB_PORT=7100\nTRAINHUB_PROXY_HOPS='1'\n\nGUNICORN_BIND=x\n"
    )
    environ = {"TRAINHUB_CONFIG": str(env_file), "TRAINHUB_PORT": "7200"}
    resolved = config.resolve(folder, environ=environ)
    assert (resolved["PORT"].value, resolved["PORT"].source) == (7200, "environment")
    assert (resolved["PROXY_HOPS"].value, resolved["PROXY_HOPS"].source) == (
        1,
        f"env file {env_file}",
    )
    assert resolved["CONTENT_CHECK_INTERVAL"].source == str(folder / "config.py")
    assert config.environment(environ)["GUNICORN_BIND"] == "x"


def test_production_refuses_the_embedded_sqlite(tmp_path):
    environ = {"TRAINHUB_ENV": "production", "TRAINHUB_SECRET_KEY": STRONG}
    with pytest.raises(ConfigError, match="needs TRAINHUB_DATABASE_URL"):
        build(_instance(tmp_path), environ=environ)


def test_config_show_masks_passwords_in_urls():
    url = "postgresql+psycopg://trainhub:Ch%40nge%2Fme@db.internal:5432/trainhub"
    assert config.masked("DATABASE_URL", url) == (
        "postgresql+psycopg://trainhub:********@db.internal:5432/trainhub"
    )
    assert config.masked("SMTP_PASSWORD", "x") == "********"
    assert config.masked("SECRET_KEY", None) == "(not set)"
