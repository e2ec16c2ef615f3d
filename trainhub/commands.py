"""The ``trainhub`` command line: content checks, people, demo data.

Commands are registered on ``app.cli``, so ``trainhub X`` and ``flask --app trainhub X`` are
the same. Feature packages add their own groups in ``register``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from . import demo
from .api.cli import api_token_cli
from .auth import service as accounts
from .auth.models import ROLES, User
from .backup import backup_command, restore_command
from .catalog import load_catalog
from .content import catalog
from .db import utcnow, write_intent
from .extensions import db
from .quizzes.cli import quiz_cli


def _display(root: Path, relpath: str) -> str:
    """A path the user can open: relative to the working directory when it is below it."""
    full = root / relpath
    shown = os.path.relpath(full)
    return shown if not shown.startswith("..") else str(full)


@click.group("content", help="Check and inspect the content files.")
def content_cli() -> None:
    pass


@content_cli.command("check")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding content/, quizzes/ and roleplays/ (default: TRAINHUB_CONTENT_ROOT).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@with_appcontext
def content_check(root: Path | None, strict: bool) -> None:
    """Report every problem as path:line: message; exit 1 if any is an error."""
    base = (root or Path(current_app.config["CONTENT_ROOT"])).resolve()
    if not base.is_dir():
        raise click.BadParameter(f"{base} is not a folder", param_hint="--root")
    result = load_catalog(base)
    for problem in result.problems:
        shown = _display(base, problem.path)
        click.echo(
            f"{shown}:{problem.line}: {'warning: ' if not problem.is_error else ''}"
            f"{problem.message}",
            err=False,
        )
    errors = len(result.errors)
    warnings = len(result.problems) - errors
    lessons = sum(len(c.lessons) for c in result.courses.values())
    click.echo(
        f"{len(result.courses)} courses ({lessons} lessons), {len(result.tracks)} tracks, "
        f"{len(result.quizzes)} quizzes, {len(result.roleplays)} cases: "
        f"{errors} errors, {warnings} warnings",
        err=True,
    )
    if errors or (strict and warnings):
        sys.exit(1)


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
def users_create(email, name, role, track, mentor_email, manager_email, started_on, password):  # type: ignore[no-untyped-def]
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


def register(app: Flask) -> None:
    for command in (content_cli, users_cli, demo_command, backup_command, restore_command):
        app.cli.add_command(command)
    app.cli.add_command(api_token_cli)
    app.cli.add_command(quiz_cli)
