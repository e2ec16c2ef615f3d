"""``trainhub content check``: the content linter, as CI and authors run it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .load import load_catalog


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
