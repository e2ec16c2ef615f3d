"""``trainhub users ...``: create, list and change accounts from the command line.

Every change goes through the same service (and audit log) as the admin's pages.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from ..clock import today
from ..content import catalog
from ..db import utcnow, write_intent
from ..extensions import db
from . import service as accounts
from .links import INVITATION_LIFETIME, RESET_LIFETIME, issue_link, link_url
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
@click.option(
    "--start",
    "started_on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="A hire's start date, YYYY-MM-DD; due dates count from it. Defaults to today "
    "(the company's date, TRAINHUB_COMPANY_TIMEZONE) for a hire.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)
@click.option(
    "--invite",
    is_flag=True,
    help="Set no password: print a one-time link (valid a week) for the person to choose one.",
)
@click.option("--password", hidden=True, help="Deprecated: visible in the process list.")
@with_appcontext
def users_create(
    email: str,
    name: str,
    role: str,
    track: str | None,
    mentor_email: str | None,
    manager_email: str | None,
    started_on: datetime | None,
    password_stdin: bool,
    invite: bool,
    password: str | None,
) -> None:
    """Create an account.

    The password is asked for at a terminal, read from standard input with
    --password-stdin (or when input is piped), or not set at all with --invite.
    """
    if invite and (password_stdin or password):
        raise click.UsageError("--invite sets no password: leave out --password-stdin")
    if not invite and password is None:
        password = _read_password(password_stdin)

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
        # A hire always gets a start date (a hire without one is "not scheduled"); scripts
        # that create hires on their first day keep working without --start.
        started_on=started_on.date() if started_on else (today() if role == "hire" else None),
    )
    now = utcnow()
    with _account_change():
        user = accounts.create_user(
            db.session, data, password, known_tracks=set(catalog().tracks), actor=None, now=now
        )
        secret = ""
        if invite:
            secret = issue_link(db.session, user, "invitation", actor=None, now=now)[1]
    click.echo(f"created {user.role} {user.email} (id {user.id})")
    if invite:
        _print_link(secret, INVITATION_LIFETIME, now)


def _read_password(from_stdin: bool) -> str:
    """At a terminal: asked twice, hidden. Otherwise (piped, or --password-stdin): the first
    line of standard input, with no prompt, no echo warning and no confirmation."""
    stdin = sys.stdin
    if not from_stdin and stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    line = str(stdin.readline()).rstrip("\r\n")
    if not line:
        raise click.UsageError("no password on standard input (or use --invite)")
    return line


def _print_link(secret: str, lifetime: timedelta, now: datetime) -> None:
    url = link_url(current_app.config, current_app.url_map, secret)
    click.echo(f"one-time link (works once, until {now + lifetime:%Y-%m-%d %H:%M} UTC):")
    click.echo(url)


@users_cli.command("reset-password")
@click.argument("email")
@with_appcontext
def users_reset_password(email: str) -> None:
    """Print a one-time link (valid an hour) for the person to choose a new password.

    Their current password keeps working until the link is used; nothing is mailed.
    """
    user = accounts.find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"no account with e-mail {email}")
    if not user.is_active:
        raise click.ClickException(f"{user.email} is deactivated: reactivate it first")
    now = utcnow()
    with _account_change():
        _token, secret = issue_link(db.session, user, "reset", actor=None, now=now)
    _print_link(secret, RESET_LIFETIME, now)


@users_cli.command("unlock")
@click.argument("email")
@with_appcontext
def users_unlock(email: str) -> None:
    """Forget the failed sign-ins of an account, from every address, at once."""
    with _account_change():
        removed = accounts.unlock_account(db.session, email)
    click.echo(f"{accounts.normalize_email(email)}: {removed} failed sign-in record(s) removed")


@click.group("ratelimit", help="The sign-in limits' records.")
def ratelimit_cli() -> None:
    pass


@ratelimit_cli.command("clear")
@click.option("--address", required=True, help="The client address, as the app sees it.")
@with_appcontext
def ratelimit_clear(address: str) -> None:
    """Forget the failed sign-ins from one client address (every account tried from it)."""
    with _account_change():
        removed = accounts.clear_address(db.session, address)
    click.echo(f"{address.strip()}: {removed} failed sign-in record(s) removed")


@users_cli.command("list")
@click.option("--role", type=click.Choice(ROLES))
@with_appcontext
def users_list(role: str | None) -> None:
    """List accounts."""
    for user in accounts.list_users(db.session, role):
        flag = "" if user.is_active else "  (inactive)"
        if not user.has_password:
            flag += "  (invited: no password yet)"
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
@click.option(
    "--start",
    "started_on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Start date, when the new role is hire (YYYY-MM-DD; defaults to today, the "
    "company's date, for a person who has none).",
)
@with_appcontext
def users_set_role(email: str, role: str, track: str | None, started_on: datetime | None) -> None:
    """Change a person's role (signs them out everywhere)."""
    changes: dict[str, object] = {"role": role}
    if track:
        changes["track"] = track
    if started_on:
        changes["started_on"] = started_on.date()
    elif role == "hire":
        person = accounts.find_by_email(db.session, email)
        if person is not None and person.started_on is None:
            changes["started_on"] = today()
    _update(email, **changes)
    click.echo(f"{email} is now {role}")


@users_cli.command("deactivate")
@click.argument("email")
@with_appcontext
def users_deactivate(email: str) -> None:
    """Deactivate an account: it can no longer sign in; its history stays."""
    _update(email, is_active=False)
    click.echo(f"{email} is deactivated")
