"""Entry point of the ``trainhub`` console script: Flask's CLI bound to ``create_app``."""

from __future__ import annotations

from importlib.metadata import version

import click
from flask import Flask
from flask.cli import FlaskGroup

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

if __name__ == "__main__":  # pragma: no cover
    main()
