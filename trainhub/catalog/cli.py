"""``trainhub content check``: the content linter, as CI and authors run it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .assets import ASSET_MAX_KB
from .load import LESSON_MAX_KB, Catalog, LinkSettings, load_catalog
from .translations import State

# What ``content status`` calls each state of a translation.
STATE_WORDS: dict[State, str] = {
    "current": "translated",
    "out_of_date": "out of date",
    "unversioned": "no version",
    "drifted": "drifted",
    "missing": "missing",
}


def _display(root: Path, relpath: str) -> str:
    """A path the user can open: relative to the working directory when it is below it."""
    full = root / relpath
    shown = os.path.relpath(full)
    return shown if not shown.startswith("..") else str(full)


@click.group("content", help="Check and inspect the content files.")
def content_cli() -> None:
    pass


def _load(root: Path | None) -> tuple[Path, Catalog]:
    base = (root or Path(current_app.config["CONTENT_ROOT"])).resolve()
    if not base.is_dir():
        raise click.BadParameter(f"{base} is not a folder", param_hint="--root")
    config = current_app.config
    default = str(config.get("CONTENT_LANGUAGE") or "en")
    languages = tuple(config.get("LANGUAGES") or ())
    max_kb = int(config.get("CONTENT_LESSON_MAX_KB") or LESSON_MAX_KB)
    links = LinkSettings(
        str(config.get("BASE_URL") or ""),
        int(config.get("CONTENT_ASSET_MAX_KB") or ASSET_MAX_KB),
    )
    return base, load_catalog(base, None, default, languages, lesson_max_kb=max_kb, links=links)


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
    base, result = _load(root)
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
    counts = [
        _count(len(result.courses), "course"),
        f"({_count(lessons, 'lesson')})",
        _count(len(result.tracks), "track"),
        _count(len(result.quizzes), "quiz", "quizzes"),
        _count(len(result.roleplays), "case"),
    ]
    click.echo(
        f"{counts[0]} {counts[1]}, {', '.join(counts[2:])}: "
        f"{_count(errors, 'error')}, {_count(warnings, 'warning')}",
        err=True,
    )
    if errors or (strict and warnings):
        sys.exit(1)


@content_cli.command("status")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding content/, quizzes/ and roleplays/ (default: TRAINHUB_CONTENT_ROOT).",
)
@click.option("--language", "only", multiple=True, help="Show only this language (repeatable).")
@with_appcontext
def content_status(root: Path | None, only: tuple[str, ...]) -> None:
    """A table of what is translated: one row per original file, one column per language."""
    base, catalog = _load(root)
    states = [s for s in catalog.translations if not only or s.language in only]
    languages = sorted({s.language for s in states})
    if not languages:
        click.echo(f"No languages besides the originals' ({catalog.default_language}).")
        return
    cells: dict[str, dict[str, str]] = {}
    for state in states:
        cells.setdefault(state.original, {})[state.language] = STATE_WORDS[state.state]
    width = max(len("original") + 2, *(len(p) + 2 for p in cells))
    column = max(12, *(len(w) + 2 for w in STATE_WORDS.values()))
    click.echo(
        (
            f"{'original (' + catalog.default_language + ')':<{width}}"
            + "".join(f"{lang:<{column}}" for lang in languages)
        ).rstrip()
    )
    for original in sorted(cells):
        row = cells[original]
        line = f"{original:<{width}}" + "".join(f"{row.get(x, '-'):<{column}}" for x in languages)
        click.echo(line.rstrip())
    click.echo("")
    for language in languages:
        mine = [s for s in states if s.language == language]
        count = {word: sum(1 for s in mine if s.state == word) for word in STATE_WORDS}
        served = count["current"] + count["out_of_date"] + count["unversioned"]
        click.echo(
            f"{language}: {served} of {len(mine)} files translated "
            f"({count['out_of_date']} out of date, {count['unversioned']} without a version, "
            f"{count['drifted']} drifted and not served)"
        )


def _count(n: int, one: str, many: str | None = None) -> str:
    # An author reads this line: "1 error", not "1 errors" (the CLI speaks English only).
    return f"{n} {one if n == 1 else (many or one + 's')}"
