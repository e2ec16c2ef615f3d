"""TrainHub: onboarding for sales departments.

``create_app`` builds the Flask app: settings, extensions, blueprints, CLI and error pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from . import (
    content,
    errors,
    i18n,
    language,
    logs,
    models,
    refresh,
    routing,
    security,
    sessions,
    templating,
    zones,
)
from .access import enforce_declared_policy
from .account.views import bp as account_bp
from .admin.views import bp as admin_bp
from .api.cli import api_token_cli
from .api.views import bp as api_bp
from .assets.views import bp as assets_bp
from .audit.cli import audit_cli
from .audit.views import bp as audit_bp
from .auth.cli import ratelimit_cli, users_cli
from .auth.views import bp as auth_bp
from .backup.cli import backup_command, restore_command
from .calendar.views import bp as calendar_bp
from .catalog import CatalogStore
from .catalog.assets import ASSET_MAX_KB
from .catalog.cli import content_cli
from .catalog.load import LinkSettings
from .courses.views import bp as courses_bp
from .db import READS_FIRST, configure_engine, set_begins_at_write, set_write_intent
from .demo.cli import demo_command
from .extensions import babel, csrf, db, login_manager, migrate
from .handbook.cli import import_command as handbook_import_command
from .home.views import bp as home_bp
from .notifications.kinds import CONTENT_TITLES
from .notifications.views import bp as notifications_bp
from .passwords.views import bp as passwords_bp
from .preview.cli import make_preview_command
from .preview.views import bp as preview_bp
from .quizzes.cli import quiz_cli
from .quizzes.views import bp as quizzes_bp
from .readiness import wording as readiness_wording
from .readiness.cli import readiness_cli
from .readiness.kept import refresh as refresh_kept_readiness
from .reminders.cli import notify_command
from .reviews.views import bp as reviews_bp
from .roleplays.views import bp as roleplays_bp
from .search.views import bp as search_bp
from .signoffs.views import bp as signoffs_bp
from .signoffs.views import requests_bp as signoff_requests_bp
from .team.views import bp as team_bp

BLUEPRINTS = (
    i18n.bp,
    home_bp,
    auth_bp,
    courses_bp,
    quizzes_bp,
    admin_bp,
    roleplays_bp,
    reviews_bp,
    signoffs_bp,
    signoff_requests_bp,
    audit_bp,
    team_bp,
    api_bp,
    account_bp,
    calendar_bp,
    notifications_bp,
    preview_bp,
    passwords_bp,
    search_bp,
    assets_bp,
)

# ``content import`` belongs to the handbook feature but reads as a content command.
content_cli.add_command(handbook_import_command)

# Each feature's commands live in its own cli.py; all are ``trainhub X`` (or ``flask X``).
COMMANDS = (
    content_cli,
    users_cli,
    ratelimit_cli,
    demo_command,
    backup_command,
    restore_command,
    api_token_cli,
    quiz_cli,
    notify_command,
    audit_cli,
    readiness_cli,
)

PROJECT_ROOT = config_module.PROJECT_ROOT
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    instance_path = Path((config or {}).get("INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    app.config.from_mapping(config_module.build(instance_path, config))
    logs.configure(app)

    if app.config["PROXY_HOPS"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=app.config["PROXY_HOPS"],
            x_proto=app.config["PROXY_HOPS"],
            x_host=app.config["PROXY_HOPS"],
            x_prefix=app.config["PROXY_HOPS"],
        )

    app.session_interface = sessions.SessionInterface()
    register_extensions(app)
    routing.register(app)
    register_blueprints(app)
    register_request_hooks(app)
    errors.register(app)
    templating.register(app)
    app.jinja_env.globals.update(content.TEMPLATE_GLOBALS)
    if content.title_in not in CONTENT_TITLES:
        CONTENT_TITLES.append(content.title_in)  # notices name items in their reader's language
    app.jinja_env.filters.update(readiness_wording.FILTERS)
    register_commands(app)
    security.register(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(
        app, locale_selector=language.select_locale, timezone_selector=zones.select_timezone
    )
    app.extensions["trainhub.catalog"] = CatalogStore(
        Path(app.config["CONTENT_ROOT"]),
        check_interval=float(app.config["CONTENT_CHECK_INTERVAL"]),
        cache_dir=Path(app.config["RENDER_CACHE"]) if app.config["RENDER_CACHE"] else None,
        default_language=str(app.config.get("CONTENT_LANGUAGE") or "en"),
        languages=tuple(app.config.get("LANGUAGES") or ()),
        lesson_max_kb=int(app.config.get("CONTENT_LESSON_MAX_KB") or 200),
        links=LinkSettings(
            str(app.config.get("BASE_URL") or ""),
            int(app.config.get("CONTENT_ASSET_MAX_KB") or ASSET_MAX_KB),
        ),
    )
    # Every model is imported (above) so the mappers are complete before the first query.
    assert models.__all__


def register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
    # Every event that changes a hire's facts refreshes their kept readiness (trainhub.refresh).
    refresh.register(app, refresh_kept_readiness)


# Methods that should not change anything; a view that writes on one still may (db.py).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _mark_write_intent() -> None:
        # Set on every request, so a pooled thread never inherits the previous request's value.
        view = app.view_functions.get(request.endpoint or "")
        reads_first = request.method in SAFE_METHODS or getattr(view, READS_FIRST, False)
        set_begins_at_write(reads_first)
        set_write_intent(not reads_first)

    @app.teardown_request
    def _clear_write_intent(_exc: BaseException | None) -> None:
        # The request may run in a caller's context (tests, CLI): leave nothing behind.
        set_write_intent(False)
        set_begins_at_write(False)

    app.before_request(enforce_declared_policy)


# Given the factory here so that preview/ never imports this package (no cycle).
content_cli.add_command(make_preview_command(create_app))
