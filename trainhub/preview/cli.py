"""``trainhub content preview``: serve a content folder as hires will see it, for its author.

The preview runs the whole app on a throwaway SQLite database in a temporary folder, signed
in as a local author (an admin), so that ``/preview/`` shows every lesson, every quiz question
with its key, every case with its rubric and mentor notes, and the content's problems. Pages
reload when a file is saved. Nothing it does reaches a real database.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import flask_migrate
from flask import Flask, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user
from werkzeug.serving import run_simple

from ..auth.models import User
from ..auth.service import hash_password
from ..db import utcnow
from ..extensions import db
from ..sessions import restart

AUTHOR_EMAIL = "author@preview.local"


def _author(app: Flask) -> int:
    """The local author's id, created on first use (an admin: staff see keys and notes)."""
    with app.app_context():
        found = db.session.query(User).filter_by(email=AUTHOR_EMAIL).one_or_none()
        if found is None:
            found = User(
                email=AUTHOR_EMAIL,
                name="Author",
                role="admin",
                # Nobody signs in with it: the preview signs the author in by itself.
                password_hash=hash_password(secrets.token_urlsafe(32)),
                is_active=True,
                created_at=utcnow(),
            )
            db.session.add(found)
            db.session.commit()
        return found.id


def build_preview_app(factory: Callable[[dict[str, Any]], Flask], root: Path, work: Path) -> Flask:
    """The app for a preview of ``root``: its own database in ``work``, the author signed in."""
    app = factory(
        {
            "CONTENT_ROOT": str(root),
            "DATABASE_URL": f"sqlite:///{work / 'preview.db'}",
            "INSTANCE_PATH": str(work / "instance"),
            "SECRET_KEY": secrets.token_urlsafe(48),
            "CONTENT_CHECK_INTERVAL": 0.5,  # saved files show within a second
            "RENDER_CACHE": str(work / "cache"),
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
    author_id = _author(app)

    @app.before_request
    def _sign_in_author() -> ResponseReturnValue | None:
        # Only this process's app does this: it serves the author's own machine (loopback).
        if not current_user.is_authenticated:
            author = db.session.get(User, author_id)
            restart(session, utcnow().timestamp())
            session.permanent = True
            login_user(author)
            if request.path == "/":
                return redirect(url_for("preview.index"))
        return None

    return app


def make_preview_command(factory: Callable[[dict[str, Any]], Flask]) -> click.Command:
    """The command, given the app factory (the package imports this module, not the reverse)."""

    @click.command("preview")
    @click.option(
        "--root",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="Folder holding content/, quizzes/ and roleplays/.",
    )
    @click.option("--port", type=int, default=5050, show_default=True)
    @click.option(
        "--host",
        default="127.0.0.1",
        show_default=True,
        help="Address to listen on; keep the default: the preview signs anyone in as author.",
    )
    def preview_command(root: Path, port: int, host: str) -> None:
        """Serve the content as hires see it, with keys and mentor notes; reload on save."""
        with tempfile.TemporaryDirectory(prefix="trainhub-preview-") as tmp:
            app = build_preview_app(factory, root.resolve(), Path(tmp))
            click.echo(
                f"Preview of {root.resolve()} at http://{host}:{port}/preview/ (Ctrl+C stops)"
            )
            # Not app.run(): Flask refuses it inside a CLI command. Werkzeug's server is
            # right for one author on their own machine (production runs gunicorn).
            run_simple(host, port, app, use_reloader=False, threaded=True)

    return preview_command
