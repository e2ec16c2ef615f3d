"""The trainhub command line: content check, users, demo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from trainhub.auth.models import User
from trainhub.courses.models import LessonCompletion

REPO = Path(__file__).resolve().parents[2]


def test_content_check_passes_on_shipped_content(runner):
    result = runner.invoke(args=["content", "check", "--root", str(REPO)])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_content_check_names_path_and_line_on_a_broken_copy(runner, tmp_path):
    for folder in ("content", "quizzes", "roleplays"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, tmp_path / folder)
    track = tmp_path / "content/tracks/lead-generation.yaml"
    track.write_text(track.read_text().replace("course: prospecting", "course: prospectin", 1))
    result = runner.invoke(args=["content", "check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    # The original's line (its translations, which still name the step, report drift too).
    line = next(
        x for x in result.output.splitlines() if "prospectin'" in x and "lead-generation.yaml" in x
    )
    path, number, message = line.split(":", 2)
    assert path.endswith("content/tracks/lead-generation.yaml")
    assert track.read_text().splitlines()[int(number) - 1].strip() == "- course: prospectin"
    assert message.strip() == "step 5 (course prospectin): course 'prospectin' does not exist"


def test_content_check_strict_fails_on_a_misspelled_field(runner, tmp_path):
    for folder in ("content", "quizzes", "roleplays"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    quiz = tmp_path / "quizzes/kpi-basics.yaml"
    quiz.write_text(quiz.read_text().replace("pass_mark:", "atempts: 3\npass_mark:", 1))
    relaxed = runner.invoke(args=["content", "check", "--root", str(tmp_path)])
    assert relaxed.exit_code == 0, relaxed.output
    strict = runner.invoke(args=["content", "check", "--strict", "--root", str(tmp_path)])
    assert strict.exit_code == 1
    assert "unknown field 'atempts'; did you mean 'attempts'?" in strict.output


def test_demo_fills_an_empty_database_once(runner, db_session):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "hire@demo.local" in first.output
    emails = set(db_session.scalars(sa.select(User.email)))
    assert {"admin@demo.local", "manager@demo.local", "mentor@demo.local", "hire@demo.local",
            "ready@demo.local"} <= emails  # fmt: skip
    hire = db_session.scalars(sa.select(User).where(User.email == "hire@demo.local")).one()
    assert hire.track == "lead-generation"
    done = db_session.scalar(
        sa.select(sa.func.count())
        .select_from(LessonCompletion)
        .where(LessonCompletion.user_id == hire.id)
    )
    assert done == 0
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == len(emails)


def test_demo_adds_deterministic_synthetic_hires(runner, db_session):
    result = runner.invoke(args=["demo", "--hires", "12"])
    assert result.exit_code == 0, result.output
    hires = db_session.scalars(
        sa.select(User).where(User.email.like("hire0%@demo.local")).order_by(User.email)
    ).all()
    assert len(hires) == 12
    mentor = db_session.scalars(sa.select(User).where(User.email == "mentor@demo.local")).one()
    assert {h.mentor_id for h in hires} == {mentor.id}
    assert len({h.track for h in hires}) > 1  # varied tracks


def test_demo_refuses_a_database_with_real_accounts(runner):
    created = runner.invoke(
        args=["users", "create", "--email", "boss@corp.test", "--name", "Boss", "--role",
              "admin", "--password", "a-long-password"]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "real accounts" in result.output


def test_users_commands(runner, db_session):
    ok = runner.invoke(
        args=["users", "create", "--email", "Mentor@Corp.test", "--name", "Mia", "--role",
              "mentor", "--password", "a-long-password"]
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output
    hire = runner.invoke(
        args=["users", "create", "--email", "h@corp.test", "--name", "Hal", "--track",
              "account-executive", "--mentor", "mentor@corp.test", "--password", "a-long-password"]
    )  # fmt: skip
    assert hire.exit_code == 0, hire.output
    bad = runner.invoke(
        args=["users", "create", "--email", "x@corp.test", "--name", "X", "--track", "nope",
              "--password", "a-long-password"]
    )  # fmt: skip
    assert bad.exit_code != 0 and "no track named 'nope'" in bad.output
    listing = runner.invoke(args=["users", "list"])
    assert "mentor@corp.test" in listing.output and "account-executive" in listing.output
    assert runner.invoke(args=["users", "set-role", "mentor@corp.test", "manager"]).exit_code == 0
    assert runner.invoke(args=["users", "deactivate", "h@corp.test"]).exit_code == 0
    people = {u.email: u for u in db_session.scalars(sa.select(User))}
    assert people["mentor@corp.test"].role == "manager"
    assert people["h@corp.test"].is_active is False
    # Without --start a hire starts today, the company's date, as --help says.
    assert people["h@corp.test"].started_on is not None
    assert "Defaults to today" in runner.invoke(args=["users", "create", "--help"]).output


def _trainhub(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("trainhub")), *args]
    return subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **env}, timeout=60
    )


def test_version_names_trainhub():
    result = _trainhub("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("TrainHub, version ")


def test_a_refused_setting_is_one_line_not_a_traceback(tmp_path):
    result = _trainhub(
        "users",
        "list",
        TRAINHUB_ENV="production",
        TRAINHUB_SECRET_KEY="short",
        TRAINHUB_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "TRAINHUB_SECRET_KEY" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3


def test_content_check_counts_in_words(runner, tmp_path) -> None:
    # "1 errors" read like a typo; the summary says each count in its own number.
    course = tmp_path / "content" / "courses" / "basics"
    course.mkdir(parents=True)
    (course / "course.yaml").write_text("title: Basics\nsummary: S.\nroles: [all]\norder: 1\n")
    (course / "01-a.md").write_text("---\ntitle: A\nminutes: 2\n---\nSee [b](02-b.md).\n")
    result = runner.invoke(args=["content", "check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "1 course (1 lesson), 0 tracks, 0 quizzes, 0 cases: 1 error, 0 warnings" in result.stderr
