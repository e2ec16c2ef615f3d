"""Entry point of the ``trainhub`` console script: Flask's CLI bound to ``create_app``."""

from __future__ import annotations

from flask.cli import FlaskGroup

from . import create_app

main = FlaskGroup(
    name="trainhub",
    create_app=lambda: create_app(),
    add_version_option=True,
    help="TrainHub: onboarding for sales departments.",
)

if __name__ == "__main__":  # pragma: no cover
    main()
