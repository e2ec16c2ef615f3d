"""``trainhub audit verify``: walk the audit log's hash chain and name the first broken event."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..extensions import db
from .service import event_count, verify_chain


@click.group("audit", help="Check the audit log.")
def audit_cli() -> None:
    pass


@audit_cli.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Exit 0 when every event is chained as recorded; 1 with the first broken event."""
    total = event_count(db.session)
    with click.progressbar(length=total, label="verifying", file=sys.stderr) as bar:
        verdict = verify_chain(db.session, progress=bar.update)
    if not verdict.is_intact:
        click.echo(
            f"audit chain broken at event {verdict.broken_at}: it {verdict.problem} "
            f"({verdict.checked - 1} events before it verify)",
            err=True,
        )
        sys.exit(1)
    click.echo(f"audit chain intact: {verdict.checked} events, head {verdict.head}")
    click.echo(
        "keep the head hash somewhere else (print it, mail it): it proves what existed now",
        err=True,
    )
