"""``trainhub readiness rebuild``: bring every stale or missing kept readiness row current
(after a content change, or once after the upgrade that added the rows)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..db import utcnow, write_intent
from ..extensions import db
from . import tallies
from .kept import rebuild


@click.group("readiness")
def readiness_cli() -> None:
    """The readiness kept per hire for the team views."""


@readiness_cli.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Re-evaluate every hire whose kept readiness is stale or missing (progress bar), then
    count the tallies again from the kept rows."""
    with write_intent():
        count = rebuild(db.session, utcnow(), progress=click.progressbar)
        counted = tallies.recount(db.session.connection())
        db.session.commit()
    click.echo(f"readiness rebuilt for {count} hires; tallies counted from {counted} rows")
