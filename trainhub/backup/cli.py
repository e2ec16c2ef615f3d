"""``trainhub backup FILE`` and ``trainhub restore FILE``, with a progress bar."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from .service import BackupError, Progress, backup_database, restore_database


def _feed(bar: Any) -> Progress:
    """Turn ``progress(done, total)`` calls into updates of a click progress bar."""

    def progress(done: int, total: int) -> None:
        bar.length = max(total, 1)
        if done > bar.pos:
            bar.update(done - bar.pos)

    return progress


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@with_appcontext
def backup_command(file: Path, force: bool) -> None:
    """Write a consistent backup of the database to FILE, while the app keeps running.

    SQLite: a single SQLite file made with the online backup API. PostgreSQL: a pg_dump
    custom-format file (pg_dump is looked for in TRAINHUB_PGBIN, then PATH).
    """
    if file.exists() and not force:
        raise click.ClickException(f"{file} exists; pass --force to replace it")
    try:
        with click.progressbar(length=1, label="backing up", file=sys.stderr) as bar:
            backup_database(db.engine, file, _feed(bar))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {file} ({file.stat().st_size:,} bytes)")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that holds data.")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Replace the database's contents with the backup FILE, then check it.

    Refuses a database that holds any row unless --force. Stop the app servers first.
    """
    migrations = Path(current_app.extensions["migrate"].directory)
    db.session.remove()
    try:
        with click.progressbar(length=1, label="restoring", file=sys.stderr) as bar:
            result = restore_database(db.engine, file, migrations, force, _feed(bar))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if not result.is_ok:
        for problem in result.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException("the restored database failed its integrity check")
    click.echo(f"restored {file}: integrity ok, migration revision {result.revision}")
    if result.is_behind:
        click.echo(
            f"the backup is at an older revision than this code ({result.head}): "
            "run `trainhub db upgrade` before starting the app"
        )
