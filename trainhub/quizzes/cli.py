"""``trainhub quiz``: GIFT in and out, re-grading and question statistics.

``import-gift FILE [--out PATH]`` writes a quiz YAML (stdout by default) whose ``questions``
are the GIFT file's, each with its ``type``. A malformed file prints ``FILE:line: message``
for every problem, exits 1 and writes nothing. ``export-gift SLUG`` prints the quiz as GIFT.
``regrade SLUG [--dry-run]`` grades attempts made against an older version again (see
``regrade.py``); ``stats SLUG [--csv PATH]`` prints the question statistics (``stats.py``).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
import yaml
from flask import current_app
from flask.cli import with_appcontext

from ..auth.models import User
from ..catalog.gift import parse_gift
from ..catalog.gift_export import GiftExportError, export_gift
from ..catalog.question_dicts import question_to_dict
from ..catalog.quiz_review import ReviewOptions
from ..content import catalog
from ..db import utcnow
from ..extensions import db
from .gift_settings import read_settings_comments, settings_comments
from .regrade import apply_regrade, plan_regrade
from .service import quiz_statistics
from .stats import QuestionStats, Thresholds


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Multi-line text reads best as a literal block.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def quiz_yaml(
    title: str, questions: list[dict[str, Any]], settings: Mapping[str, Any] | None = None
) -> str:
    """A quiz YAML: the settings carried by the GIFT file's comments, else safe defaults."""
    document: dict[str, Any] = {
        "title": title,
        "roles": ["all"],
        "pass_mark": 80,
        "attempts": 0,
        "review": ReviewOptions().to_json(),
    }
    document.update(settings or {})
    document["questions"] = questions
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


@click.group("quiz", help="GIFT import and export, re-grading and question statistics.")
def quiz_cli() -> None:
    pass


@quiz_cli.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
@click.option(
    "--keep-going",
    is_flag=True,
    help="Import the questions that can be read; list the refused ones with their lines.",
)
def import_gift(file: Path, out: Path | None, keep_going: bool) -> None:
    """Convert a GIFT file into a TrainHub quiz (YAML)."""
    try:
        source = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        click.echo(f"{file}:1: not UTF-8 text: {exc.reason}", err=True)
        sys.exit(1)
    doc = parse_gift(source)
    settings, setting_problems = read_settings_comments(source)
    for warning in doc.warnings:
        click.echo(f"{file}:{warning.line}: warning: {warning.message}", err=True)
    if doc.errors or setting_problems:
        found = [(e.line, e.message) for e in doc.errors]
        found += [(p.line, p.message) for p in setting_problems]
        for line, message in sorted(found):
            click.echo(f"{file}:{line}: {message}", err=True)
        if not keep_going:
            sys.exit(1)
        # As Moodle's importer: a refused question is reported, the others still come in.
        click.echo(f"{file}: {len(found)} refused, the rest imported", err=True)
    if not doc.questions:
        # Well-formed (e.g. only a $CATEGORY line): not an error, but worth saying.
        click.echo(f"{file}:1: warning: the file holds no questions", err=True)
    title = file.stem.replace("-", " ").replace("_", " ").capitalize()
    text = quiz_yaml(title, doc.questions, settings)
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {len(doc.questions)} questions to {out}", err=True)


@quiz_cli.command("export-gift")
@click.argument("slug")
@with_appcontext
def export_gift_command(slug: str) -> None:
    """Print a quiz of the catalog as GIFT."""
    quiz = catalog().quizzes.get(slug)
    if quiz is None:
        raise click.ClickException(f"no quiz '{slug}' (see `trainhub content check`)")
    try:
        text = export_gift([question_to_dict(q) for q in quiz.questions], title=quiz.title)
    except GiftExportError as exc:
        raise click.ClickException(str(exc)) from exc
    # The settings as the author wrote them (not as parsed): the import gives back the file.
    settings_file = Path(current_app.config["CONTENT_ROOT"]) / quiz.path
    written = yaml.safe_load(settings_file.read_text(encoding="utf-8")) or {}
    settings = {k: v for k, v in written.items() if k != "questions"}
    click.echo("\n".join(settings_comments(settings)) + "\n\n" + text, nl=False)


def _verdict(percent: float | None, passed: bool | None) -> str:
    if percent is None:
        return "not graded"
    return f"{percent:g}% {'passed' if passed else 'not passed'}"


@quiz_cli.command("regrade")
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Only list what would change.")
@with_appcontext
def regrade_command(slug: str, dry_run: bool) -> None:
    """Grade attempts made against an older version of a quiz with its current questions."""
    quiz = catalog().quizzes.get(slug)
    if quiz is None:
        raise click.ClickException(f"no quiz '{slug}' (see `trainhub content check`)")
    session = db.session
    cat = catalog()
    translations = {
        language: found
        for language in cat.languages
        if (found := cat.in_language(language).quizzes.get(slug)) is not None
    }
    changes = plan_regrade(session, quiz, translations)
    emails: dict[int, str] = {
        user_id: email
        for user_id, email in session.execute(
            sa.select(User.id, User.email).where(User.id.in_({c.user_id for c in changes}))
        )
    }
    moved = [c for c in changes if c.is_changed]
    click.echo(
        f"{slug}: {len(changes)} graded attempts against an older version, "
        f"{len(moved)} with a different score or pass/fail"
    )
    for change in moved:
        before = _verdict(change.old_percent, change.old_passed)
        after = _verdict(change.outcome.percent, change.outcome.is_passed)
        why = "; ".join(change.reasons) or "no question changed its points"
        click.echo(
            f"  {emails.get(change.user_id, change.user_id)} attempt {change.number}: "
            f"{before} -> {after} ({why})"
        )
    if dry_run:
        session.rollback()
        click.echo("dry run: nothing was changed")
        return
    done = apply_regrade(session, quiz, changes, None, utcnow())
    session.commit()
    click.echo(f"regraded {done} attempts; the old scores are kept beside the new ones")


STATS_COLUMNS = (
    "number",
    "id",
    "type",
    "question",
    "attempts",
    "facility_percent",
    "discrimination_percent",
    "choices_picked",
    "flags",
)


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def stats_csv(rows: list[QuestionStats]) -> str:
    """The question statistics as CSV (one row per question; choices as "text: count")."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STATS_COLUMNS)
    for number, row in enumerate(rows, start=1):
        picked = "; ".join(
            f"{_plain(o.label)}: {o.count}{' (right)' if o.is_right else ''}" for o in row.options
        )
        writer.writerow(
            [
                number,
                row.question.id,
                row.question.type,
                _plain(row.question.html),
                row.attempts,
                "" if row.facility is None else f"{row.facility:g}",
                "" if row.discrimination is None else f"{row.discrimination:g}",
                picked,
                " ".join(row.flags),
            ]
        )
    return out.getvalue()


@quiz_cli.command("stats")
@click.argument("slug")
@click.option(
    "--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Write CSV here."
)
@with_appcontext
def stats_command(slug: str, csv_path: Path | None) -> None:
    """Question statistics of a quiz: facility, discrimination, choices picked, flags."""
    quiz = catalog().quizzes.get(slug)
    if quiz is None:
        raise click.ClickException(f"no quiz '{slug}' (see `trainhub content check`)")
    limits = Thresholds.from_config(current_app.config)
    counted, rows = quiz_statistics(db.session, quiz, limits)
    db.session.rollback()
    text = stats_csv(rows)
    if csv_path is None:
        click.echo(f"# {slug}: first graded attempts of {counted} hires", err=True)
        click.echo(text, nl=False)
        return
    csv_path.write_text(text, encoding="utf-8")
    click.echo(f"{slug}: {len(rows)} questions, {counted} hires; wrote {csv_path}")
