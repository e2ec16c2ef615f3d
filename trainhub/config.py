"""Settings: defaults < ``instance/config.py`` < the env file < ``TRAINHUB_*`` environment.

The env file (``/etc/trainhub/trainhub.env``, or the path in ``TRAINHUB_CONFIG``) holds
``TRAINHUB_*=value`` lines, the format of systemd's ``EnvironmentFile``. Every process reads it
itself (gunicorn, each ``trainhub`` command, ``script/server``), so a command run as the
service user gets the production settings even when ``runuser``/``su`` or cron dropped the
caller's environment. The table of environment variables in DESIGN.md is a contract;
everything else can be set in ``instance/config.py`` as a plain upper-case name.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Settings read from the environment and how each is parsed. TRAINHUB_<NAME> sets <NAME>.
_ENV_SETTINGS: dict[str, type] = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "CONTENT_ROOT": str,
    "ENV": str,
    "PORT": int,
    "CONTENT_CHECK_INTERVAL": float,
    "CONTENT_LANGUAGE": str,
    "CONTENT_LESSON_MAX_KB": int,
    "CONTENT_ASSET_MAX_KB": int,
    "PROXY_HOPS": int,
    "RATELIMIT_LOGIN_ATTEMPTS": int,
    "RATELIMIT_LOGIN_WINDOW": int,
    "RATELIMIT_ACCOUNT_ATTEMPTS": int,
    "RATELIMIT_ACCOUNT_WINDOW": int,
    "RATELIMIT_ADDRESS_ACCOUNTS": int,
    "UPLOAD_MAX_BYTES": int,
    "UPLOAD_FOLDER": str,
    "SMTP_HOST": str,
    "SMTP_PORT": int,
    "SMTP_USER": str,
    "SMTP_PASSWORD": str,
    "SMTP_FROM": str,
    "SMTP_STARTTLS": bool,
    "BASE_URL": str,
    "RENDER_CACHE": str,
    "PAGE_CACHE_SIZE": int,
    "SESSION_REFRESH_INTERVAL": int,
    "API_TOKEN_DAYS": int,
    "SESSION_ABSOLUTE_LIFETIME": int,
    "COMPANY_TIMEZONE": str,
    "DUE_COUNT_WEEKENDS": bool,
    "REVIEW_LEASE_HOURS": float,
    "REVIEW_SLA_HOURS": float,
    "NO_PROGRESS_DAYS": int,
    "OVERDUE_MENTOR_DAYS": int,
    "OVERDUE_MANAGER_DAYS": int,
    "DUE_SOON_DAYS": int,
    "NOTIFY_MAX_ATTEMPTS": int,
    "NOTIFY_RETRY_SECONDS": int,
    "NOTIFY_LEASE_SECONDS": int,
    "NOTIFY_BATCH": int,
    "NOTIFY_DIGEST_HOUR": int,
    "QUIZ_STATS_EASY": float,
    "QUIZ_STATS_HARD": float,
    "QUIZ_STATS_DISCRIMINATION": float,
    "LOG_FORMAT": str,
    "LOG_LEVEL": str,
}

# Where the production settings live unless TRAINHUB_CONFIG names another file.
DEFAULT_ENV_FILE = Path("/etc/trainhub/trainhub.env")
# Shown masked by ``trainhub config show`` (and never logged).
SECRET_SETTINGS = frozenset({"SECRET_KEY", "SMTP_PASSWORD"})

# Secrets people paste from tutorials; production refuses them.
_WEAK_SECRETS = {"dev", "secret", "changeme", "change-me", "development", "test", "password"}
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the app refuses to start."""


def defaults(instance_path: Path) -> dict[str, Any]:
    return {
        "ENV": "development",
        "DATABASE_URL": f"sqlite:///{instance_path / 'trainhub.db'}",
        "SECRET_KEY": None,
        "CONTENT_ROOT": str(PROJECT_ROOT),
        "PORT": 5000,
        # How often (seconds) a worker looks at the content files' modification times.
        "CONTENT_CHECK_INTERVAL": 2.0,
        # The linter warns about a lesson file larger than this (a page to split).
        "CONTENT_LESSON_MAX_KB": 200,
        # ... and about an image or file in an assets folder larger than this.
        "CONTENT_ASSET_MAX_KB": 1024,
        # Question statistics flag a question whose facility index (percent) is above EASY
        # or below HARD, or whose discrimination index is below DISCRIMINATION (Moodle's
        # report reads under 20 as weak, above 90 as too easy).
        "QUIZ_STATS_EASY": 90.0,
        "QUIZ_STATS_HARD": 20.0,
        "QUIZ_STATS_DISCRIMINATION": 20.0,
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers we trust.
        "PROXY_HOPS": 0,
        "RATELIMIT_LOGIN_ATTEMPTS": 10,
        "RATELIMIT_LOGIN_WINDOW": 900,
        # Failures per account from every address together: guesses spread over many
        # addresses do not multiply (a refused sign-in waits; the account is never locked).
        "RATELIMIT_ACCOUNT_ATTEMPTS": 30,
        "RATELIMIT_ACCOUNT_WINDOW": 3600,
        # Distinct accounts failing from one address per RATELIMIT_LOGIN_WINDOW (spraying).
        "RATELIMIT_ADDRESS_ACCOUNTS": 50,
        "UPLOAD_MAX_BYTES": 20 * 1024 * 1024,
        "UPLOAD_FOLDER": str(instance_path / "uploads"),
        "RENDER_CACHE": str(instance_path / "cache" / "render"),
        "SMTP_HOST": None,
        "SMTP_PORT": 587,
        "SMTP_USER": None,
        "SMTP_PASSWORD": None,
        "SMTP_FROM": "trainhub@localhost",
        "SMTP_STARTTLS": True,
        "BASE_URL": None,
        # Notices (notifications/, reminders/); an answer past REVIEW_SLA_HOURS escalates.
        "NO_PROGRESS_DAYS": 5,
        # An overdue step is told to the hire at once, to the mentor and the manager later.
        "OVERDUE_MENTOR_DAYS": 2,
        "OVERDUE_MANAGER_DAYS": 5,
        "DUE_SOON_DAYS": 2,
        "NOTIFY_MAX_ATTEMPTS": 8,
        "NOTIFY_RETRY_SECONDS": 60,
        "NOTIFY_LEASE_SECONDS": 600,
        "NOTIFY_BATCH": 50,
        "NOTIFY_DIGEST_HOUR": 7,
        # Tokens live as long as the session: a hire may write a role-play answer for hours,
        # and an expired token would throw the text away on submit. (With a limit set, the
        # page cache steps aside: a kept page's token would expire inside it.)
        "WTF_CSRF_TIME_LIMIT": None,
        # Signed-in sessions end after a week without use. The cookie is re-signed (its week
        # restarted) at most once per SESSION_REFRESH_INTERVAL seconds: see sessions.py.
        "PERMANENT_SESSION_LIFETIME": 7 * 24 * 3600,
        "SESSION_REFRESH_INTERVAL": 300,
        # API tokens stop working this many days after they are made.
        "API_TOKEN_DAYS": 90,
        # However often it is used, a signed-in session ends this many seconds after sign-in.
        "SESSION_ABSOLUTE_LIFETIME": 12 * 3600,
        # Rendered pages kept per worker for re-reads (courses/pagecache.py); 0 turns the cache off.
        "PAGE_CACHE_SIZE": 2000,
        # A mentor's claim on an answer lasts this long, renewed whenever they open or save
        # the review form; an expired claim puts the answer back in the queue by itself.
        "REVIEW_LEASE_HOURS": 8.0,
        # An answer waits at most this many working hours (Monday to Friday, whole days, in
        # the company's time zone) before it is flagged and escalated: 48 = two working days.
        "REVIEW_SLA_HOURS": 48.0,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # "Due on" is a date where the company works, and its weekends and weeks begin and end
        # there (an IANA name); a person's times show in their own zone.
        "COMPANY_TIMEZONE": "UTC",
        # Whether Saturdays and Sundays count as onboarding days for due dates.
        "DUE_COUNT_WEEKENDS": False,
        # One line per log record: "text" (time, level, request id, person, address, message)
        # or "json" (the same fields, for a log collector). See logs.py.
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "INFO",
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ["en", "ru", "uk"],
        # The language of the content files without a language suffix (the originals);
        # ``03-kpis.ru.md`` beside ``03-kpis.md`` is its Russian translation.
        "CONTENT_LANGUAGE": "en",
    }


def _parse(kind: type, raw: str) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return kind(raw)


def from_env(environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, kind in _ENV_SETTINGS.items():
        raw = environ.get(f"TRAINHUB_{name}")
        if raw is not None and raw != "":
            try:
                out[name] = _parse(kind, raw)
            except ValueError as exc:
                raise ConfigError(f"TRAINHUB_{name}: {exc}") from exc
    return out


def parse_env_file(text: str) -> dict[str, str]:
    """``NAME=value`` lines as systemd's EnvironmentFile reads them: blank lines and ``#``
    comments skipped, an optional ``export``, one pair of surrounding quotes removed."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")) or "=" not in line:
            continue
        name, _, value = line.partition("=")
        name = name.removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[name] = value
    return out


def env_file_path(environ: dict[str, str] | os._Environ[str]) -> tuple[Path, bool]:
    """The env file to read, and whether it was named (TRAINHUB_CONFIG) or is the default."""
    given = environ.get("TRAINHUB_CONFIG")
    return (Path(given), True) if given else (DEFAULT_ENV_FILE, False)


def read_env_file(path: Path, *, required: bool) -> dict[str, str]:
    """The file's variables; {} when the default file does not exist.

    A file that exists but cannot be read is an error, never a silent fall-back: that is a
    command run as the wrong user, and without the file it would serve (or migrate) a
    development database instead of production's.
    """
    try:
        return parse_env_file(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if required:
            raise ConfigError(f"TRAINHUB_CONFIG: no such file {path}") from None
        return {}
    except PermissionError:
        raise ConfigError(
            f"cannot read the settings file {path} (permission denied): run the command as "
            "the service user, e.g. runuser -u trainhub -- .venv/bin/trainhub ..."
        ) from None


def environment(environ: dict[str, str] | os._Environ[str] | None = None) -> dict[str, str]:
    """The env file's variables overlaid by the process environment (which wins).

    gunicorn.conf.py uses this too (loaded by path, so the master imports no trainhub code),
    so GUNICORN_* settings can live in the same file.
    """
    environ = os.environ if environ is None else environ
    path, required = env_file_path(environ)
    merged = read_env_file(path, required=required)
    merged.update({k: v for k, v in environ.items() if v != ""})
    return merged


def load_instance_file(path: Path) -> dict[str, Any]:
    """Upper-case names from ``instance/config.py``, if it exists."""
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {"__file__": str(path)}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return {k: v for k, v in namespace.items() if k.isupper()}


@dataclass(frozen=True)
class Setting:
    name: str
    value: Any
    source: str  # "default", the instance file's path, "env file PATH", "environment", "given"


def resolve(
    instance_path: Path,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | os._Environ[str] | None = None,
) -> dict[str, Setting]:
    """Every setting with the place its value came from, before any check."""
    environ = os.environ if environ is None else environ
    out = {k: Setting(k, v, "default") for k, v in defaults(instance_path).items()}
    instance_file = instance_path / "config.py"
    for name, value in load_instance_file(instance_file).items():
        out[name] = Setting(name, value, str(instance_file))
    path, required = env_file_path(environ)
    for name, value in from_env(read_env_file(path, required=required)).items():
        out[name] = Setting(name, value, f"env file {path}")
    for name, value in from_env(environ).items():
        out[name] = Setting(name, value, "environment")
    for name, value in (overrides or {}).items():
        out[name] = Setting(name, value, "given")
    return out


def masked(name: str, value: Any) -> str:
    if name in SECRET_SETTINGS or name.endswith("_PASSWORD"):
        return "(not set)" if not value else "********"
    if name == "DATABASE_URL" and isinstance(value, str):
        return _mask_url_password(value)
    return repr(value) if not isinstance(value, str) else value


def _mask_url_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:********@{host}"


def is_weak_secret(secret: str | None) -> bool:
    return (
        not secret
        or len(secret) < MIN_SECRET_LENGTH
        or secret.lower() in _WEAK_SECRETS
        or len(set(secret)) < 8
    )


def local_secret(instance_path: Path) -> str:
    """A random key kept in ``instance/secret_key`` so sessions survive restarts locally."""
    path = instance_path / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    # Owner-only: the folder holds the secret key, the SQLite database and the uploads.
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key


def build(
    instance_path: Path,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | os._Environ[str] | None = None,
    *,
    check_only: bool = False,
) -> dict[str, Any]:
    """The effective settings. Raises ConfigError when production is unsafe.

    ``check_only`` runs every check but writes nothing (no development key is made).
    """
    resolved = resolve(instance_path, overrides, environ)
    settings = {name: s.value for name, s in resolved.items()}

    production = settings["ENV"] == "production"
    if production:
        if is_weak_secret(settings["SECRET_KEY"]):
            raise ConfigError(
                "TRAINHUB_ENV=production needs TRAINHUB_SECRET_KEY: a random string of at least "
                f"{MIN_SECRET_LENGTH} characters (python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
        if resolved["DATABASE_URL"].source == "default":
            # The embedded default is a development database: a command that lost its
            # settings would migrate, fill or back up a brand-new file instead of production's.
            raise ConfigError(
                "TRAINHUB_ENV=production needs TRAINHUB_DATABASE_URL (postgresql+psycopg://... "
                "or, on one host, sqlite:////srv/trainhub/data/trainhub.db)"
            )
        settings["SESSION_COOKIE_SECURE"] = True
    elif not settings["SECRET_KEY"] and not check_only:
        settings["SECRET_KEY"] = local_secret(instance_path)

    try:
        ZoneInfo(str(settings["COMPANY_TIMEZONE"]))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        # A typo here would otherwise surface as a 500 on the first page that needs a date.
        raise ConfigError(
            f"TRAINHUB_COMPANY_TIMEZONE: unknown time zone {settings['COMPANY_TIMEZONE']!r} "
            "(an IANA name such as Europe/Kyiv)"
        ) from exc
    if float(settings["REVIEW_LEASE_HOURS"]) <= 0 or float(settings["REVIEW_SLA_HOURS"]) <= 0:
        raise ConfigError("TRAINHUB_REVIEW_LEASE_HOURS and _SLA_HOURS must be positive")
    if str(settings["LOG_FORMAT"]) not in {"text", "json"}:
        raise ConfigError("TRAINHUB_LOG_FORMAT: text or json")

    settings["SQLALCHEMY_DATABASE_URI"] = settings["DATABASE_URL"]
    # No pool_pre_ping: on PostgreSQL db.py pings the connections that have been idle, which
    # are the ones a server restart or a proxy's idle timeout can have closed.
    settings.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    settings["MAX_CONTENT_LENGTH"] = settings["UPLOAD_MAX_BYTES"] + 1024 * 1024
    return settings
