"""Entry point of the ``trainhub`` console script: Flask's CLI bound to ``create_app``."""

from __future__ import annotations

import os
from importlib.metadata import version

import click
from flask import Flask
from flask.cli import FlaskGroup

from . import config as settings
from . import create_app
from .config import ConfigError


def _app() -> Flask:
    # A refused setting (a weak secret key in production) is the operator's to fix: say it
    # in one line, not in a traceback of the loader.
    try:
        return create_app()
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


main = FlaskGroup(
    name="trainhub",
    create_app=_app,
    add_version_option=False,
    help="TrainHub: onboarding for sales departments.",
)
main = click.version_option(version("trainhub"), prog_name="TrainHub")(main)


@main.group("config")
def config_cli() -> None:
    """The settings every TrainHub process reads."""


# Settings that are derived or internal to Flask; `config show` lists what an operator sets.
_HIDDEN = frozenset({"LANGUAGES", "BABEL_DEFAULT_LOCALE"})


@config_cli.command("show")
def config_show() -> None:
    """Print the effective settings (secrets masked), each with where it came from.

    Runs without building the app, so it also explains a setting the app refuses; it then
    exits 2 with the reason.
    """
    instance_path = settings.PROJECT_ROOT / "instance"
    try:
        path, given = settings.env_file_path(os.environ)
        resolved = settings.resolve(instance_path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    if path.is_file():
        click.echo(f"# env file: {path}")
    else:
        click.echo(f"# env file: {path} (none{'' if given else ': the default path'})")
    width = max(len(name) for name in resolved)
    for name in sorted(resolved):
        if name in _HIDDEN:
            continue
        item = resolved[name]
        click.echo(f"{name:<{width}}  {settings.masked(name, item.value)}  [{item.source}]")
    try:
        settings.build(instance_path, environ=os.environ, check_only=True)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


@config_cli.command("get")
@click.argument("name")
def config_get(name: str) -> None:
    """Print one setting's value (e.g. PORT, for scripts); secrets are not printed."""
    try:
        resolved = settings.resolve(settings.PROJECT_ROOT / "instance")
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    key = name.upper().removeprefix("TRAINHUB_")
    if key not in resolved:
        raise click.UsageError(f"no setting named {name}")
    value = resolved[key].value
    click.echo(settings.masked(key, value) if key in settings.SECRET_SETTINGS else value)


if __name__ == "__main__":  # pragma: no cover
    main()
