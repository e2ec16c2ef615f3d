"""``trainhub content import SRC --course SLUG``: bring an existing handbook into a course."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..catalog.load import load_catalog
from .importer import ImportRefused, plan_import, write_plan


def _shown(path: Path) -> str:
    shown = os.path.relpath(path)
    return shown if not shown.startswith("..") else str(path)


@click.command("import")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--course", "course", required=True, help="Course folder to import into (a slug).")
@click.option("--title", default=None, help="Title of the course when it is new.")
@click.option("--force", is_flag=True, help="Replace lessons of the same name.")
@click.option("--dry-run", is_flag=True, help="Print what would be done; write nothing.")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding content/ (default: TRAINHUB_CONTENT_ROOT).",
)
@with_appcontext
def import_command(
    src: Path, course: str, title: str | None, force: bool, dry_run: bool, root: Path | None
) -> None:
    """Copy a folder of Markdown pages (a docs site, a Notion or Confluence export) into a
    course: minutes estimated, repeated titles and site components removed, links between the
    pages rewritten; every change and every link that leaves the pages is listed."""
    base = (root or Path(current_app.config["CONTENT_ROOT"])).resolve()
    try:
        plan = plan_import(src.resolve(), base / "content", course, title=title, force=force)
    except ImportRefused as refused:
        click.echo(f"Error: {refused}", err=True)
        sys.exit(1)
    verb = "would write" if dry_run else "wrote"
    if plan.course_yaml is not None:
        click.echo(f"{verb} {_shown(plan.course_dir / 'course.yaml')} (a new course)")
    for planned in plan.lessons:
        lesson = planned.lesson
        minutes = f"{lesson.minutes} min" + (" estimated" if lesson.estimated else "")
        action = "replaced" if planned.replaces and not dry_run else verb
        target = _shown(plan.course_dir / lesson.filename)
        click.echo(f"{action} {target} <- {planned.source} ({minutes})")
    for copied, place in plan.files:
        click.echo(
            f"{verb} {_shown(plan.course_dir / place)} <- {copied.relative_to(src.resolve())}"
        )
    for source, note in plan.notes():
        click.echo(f"{_shown(src / source)}:{note.line}: warning: {note.message}")
    if dry_run:
        click.echo(f"{len(plan.lessons)} pages would be imported; nothing was written", err=True)
        return
    write_plan(plan)
    # Check the course as the linter will, so the author sees what is left to do at once.
    result = load_catalog(base)
    prefix = (plan.course_dir.relative_to(base)).as_posix() + "/"
    problems = [p for p in result.problems if p.path.startswith(prefix)]
    for problem in problems:
        kind = "" if problem.is_error else "warning: "
        click.echo(f"{_shown(base / problem.path)}:{problem.line}: {kind}{problem.message}")
    errors = sum(1 for p in problems if p.is_error)
    click.echo(
        f"{len(plan.lessons)} pages imported into {course}; "
        f"{len(plan.notes())} notes, {errors} content errors",
        err=True,
    )
    if errors:
        sys.exit(1)
