"""``trainhub users ...``: create, list and change accounts from the command line.

Every change goes through the same service (and audit log) as the admin's pages.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from datetime import date, datetime

import click
from flask.cli import with_appcontext

from ..content import catalog
from ..db import utcnow, write_intent
from ..extensions import db
from . import service as accounts
from .models import ROLES


@click.group("users", help="Create and manage accounts.")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="hire", show_default=True)
@click.option("--track", help="Track (sales role) of a hire.")
@click.option("--mentor", "mentor_email", help="Mentor's e-mail (hires).")
@click.option("--manager", "manager_email", help="Manager's e-mail (hires).")
@click.option("--start", "started_on", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.password_option(help="Prompted for when not given.")
@with_appcontext
def users_create(
    email: str,
    name: str,
    role: str,
    track: str | None,
    mentor_email: str | None,
    manager_email: str | None,
    started_on: datetime | None,
    password: str,
) -> None:
    """Create an account."""

    def person_id(address: str | None) -> int | None:
        if not address:
            return None
        person = accounts.find_by_email(db.session, address)
        if person is None:
            raise click.ClickException(f"no account with e-mail {address}")
        return person.id

    data = accounts.PersonData(
        email=email,
        name=name,
        role=role,
        track=track,
        mentor_id=person_id(mentor_email),
        manager_id=person_id(manager_email),
        started_on=started_on.date() if started_on else (date.today() if role == "hire" else None),
    )
    with _account_change():
        user = accounts.create_user(
            db.session, data, password, known_tracks=set(catalog().tracks), actor=None, now=utcnow()
        )
    click.echo(f"created {user.role} {user.email} (id {user.id})")


@users_cli.command("list")
@click.option("--role", type=click.Choice(ROLES))
@with_appcontext
def users_list(role: str | None) -> None:
    """List accounts."""
    for user in accounts.list_users(db.session, role):
        flag = "" if user.is_active else "  (inactive)"
        click.echo(
            f"{user.id:>5}  {user.role:<8} {user.email:<40} {user.name}"
            f"{'  ' + user.track if user.track else ''}{flag}"
        )


@contextlib.contextmanager
def _account_change() -> Iterator[None]:
    """One write transaction for an account command; a refused change exits with its reason."""
    with write_intent():
        try:
            yield
        except accounts.AccountError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        db.session.commit()


def _update(email: str, **changes: object) -> None:
    user = accounts.find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"no account with e-mail {email}")
    data = dataclasses.replace(accounts.PersonData.of(user), **changes)  # type: ignore[arg-type]
    with _account_change():
        accounts.update_user(
            db.session, user, data, known_tracks=set(catalog().tracks), actor=None, now=utcnow()
        )


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--track", help="Track, when the new role is hire.")
@with_appcontext
def users_set_role(email: str, role: str, track: str | None) -> None:
    """Change a person's role (signs them out everywhere)."""
    changes: dict[str, object] = {"role": role}
    if track:
        changes["track"] = track
    _update(email, **changes)
    click.echo(f"{email} is now {role}")


@users_cli.command("deactivate")
@click.argument("email")
@with_appcontext
def users_deactivate(email: str) -> None:
    """Deactivate an account: it can no longer sign in; its history stays."""
    _update(email, is_active=False)
    click.echo(f"{email} is deactivated")
