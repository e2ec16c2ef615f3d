"""``trainhub api-token``: create (printed once), list and revoke API tokens."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from ..auth import service as accounts
from ..db import utcnow, write_intent
from ..extensions import db
from ..permissions import can_read_team_api
from .tokens import TokenError, create_token, find_token, list_tokens, revoke_token, token_state


@click.group("api-token", help="Create, list and revoke API tokens.")
def api_token_cli() -> None:
    pass


@api_token_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, e.g. 'HR sync'.")
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    default=None,
    help="How long it works (default: TRAINHUB_API_TOKEN_DAYS, 90).",
)
@with_appcontext
def create(email: str, name: str, days: int | None) -> None:
    """Create a token acting as EMAIL. It is printed once and never shown again. It stops
    working when it expires, or when EMAIL's role, password, e-mail or activity changes."""
    owner = accounts.find_by_email(db.session, email)
    if owner is None:
        raise click.ClickException(f"no account with e-mail {email}")
    if not owner.is_active:
        raise click.ClickException(f"{owner.email} is deactivated")
    with write_intent():
        lifetime = timedelta(days=days or int(current_app.config["API_TOKEN_DAYS"]))
        token, secret = create_token(
            db.session, owner, name=name, actor=None, now=utcnow(), lifetime=lifetime
        )
        db.session.commit()
    if not can_read_team_api(owner):
        click.echo("warning: a hire's token is refused by the readiness API (403)", err=True)
    click.echo(
        f"token {token.id} ({token.prefix}…) for {owner.email} ({owner.role}), "
        f"expires {token.expires_at:%Y-%m-%d}",
        err=True,
    )
    click.echo("copy it now, it cannot be shown again:", err=True)
    click.echo(secret)


@api_token_cli.command("revoke")
@click.argument("ref", metavar="ID_OR_PREFIX")
@with_appcontext
def revoke(ref: str) -> None:
    """Revoke a token, given its id or its prefix as `list` shows it."""
    with write_intent():
        try:
            token = find_token(db.session, ref)
        except TokenError as exc:
            raise click.ClickException(str(exc)) from exc
        changed = revoke_token(db.session, token, actor=None, now=utcnow())
        db.session.commit()
    click.echo(
        f"token {token.id} ({token.prefix}…) {'revoked' if changed else 'was already revoked'}"
    )


@api_token_cli.command("list")
@with_appcontext
def list_command() -> None:
    """List tokens: id, prefix, owner, name, created, last used, state."""
    for token, owner in list_tokens(db.session):
        state = token_state(token, owner, utcnow())
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        expires = f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "no expiry"
        click.echo(
            f"{token.id:>4}  {token.prefix:<12}  {owner.email:<32} {token.name or '-':<20} "
            f"created {token.created_at:%Y-%m-%d}  used {used}  {expires}  {state}"
        )
