"""``trainhub demo [--hires N]``: the demo accounts, with a progress bar for many hires."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..auth.models import User
from ..content import catalog
from ..db import utcnow, write_intent
from ..extensions import db
from . import data as demo


@click.command("demo")
@click.option("--hires", type=click.IntRange(min=0), default=0, help="Add N synthetic hires.")
@click.option("--if-empty", is_flag=True, help="Do nothing when any account exists.")
@with_appcontext
def demo_command(hires: int, if_empty: bool) -> None:
    """Fill an empty database with the demo accounts (password: demo-password)."""
    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        return
    with write_intent():
        try:
            report = demo.load_demo(
                db.session, catalog(), now=utcnow(), hires=hires, progress=click.progressbar
            )
        except demo.DemoError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
    for line in report:
        click.echo(line)
