"""Attempts stored by an earlier release keep working: their result pages show the same scores,
an open one resumes, saves and submits, and the mentor grades a waiting essay, all graded as
that release graded them.

The rows come from ``tests/fixtures/quiz_attempts_<commit>.json``, made on that commit by
``tests/fixtures/capture_quiz_attempts.py``, and are inserted as they were stored; only the
ids are the new database's.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import PROJECT_ROOT
from tests.fixtures.capture_quiz_attempts import MENTOR, come_back_later, result_view
from tests.web.quiz_helpers import as_user, submit
from trainhub.quizzes.models import EssayGrade, QuizAttempt

FIXTURES = sorted((PROJECT_ROOT / "tests" / "fixtures").glob("quiz_attempts_*.json"))
GRADED = ("status", "score", "max_score", "percent", "is_passed", "results")
DATETIMES = {"started_at", "deadline_at", "submitted_at", "graded_at"}


def _values(row: dict[str, Any], skip: set[str]) -> dict[str, Any]:
    return {
        k: datetime.fromisoformat(v) if k in DATETIMES and v is not None else v
        for k, v in row.items()
        if k not in skip
    }


class Stored:
    """One fixture's rows in the test's database, with their new ids and owners."""

    def __init__(self, path: Path, session: Session) -> None:
        self.data = json.loads(path.read_text(encoding="utf-8"))
        self.expected = self.data["expected"]
        mentor = factories.make_user(session, "mentor", email=MENTOR)
        self.emails: dict[str, str] = {}
        people: dict[str, int] = {MENTOR: mentor.id}
        for row in self.data["quiz_attempts"]:
            email = row["user_email"]
            if email not in people:
                track = self.data["users"][email]["track"]
                hire = factories.make_user(
                    session, "hire", email=email, track=track, mentor_id=mentor.id
                )
                people[email] = hire.id
        self.ids: dict[int, int] = {}
        for row in self.data["quiz_attempts"]:
            attempt = QuizAttempt(
                user_id=people[row["user_email"]], **_values(row, {"id", "user_id", "user_email"})
            )
            session.add(attempt)
            session.flush()
            self.ids[row["id"]] = attempt.id
            self.emails[row["id"]] = row["user_email"]
        for grade in self.data["essay_grades"]:
            values = _values(grade, {"id", "attempt_id", "mentor_id", "mentor_email"})
            session.add(
                EssayGrade(
                    attempt_id=self.ids[grade["attempt_id"]],
                    mentor_id=people[grade["mentor_email"]],
                    **values,
                )
            )
        session.commit()

    def url(self, old_id: int, tail: str = "") -> str:
        return f"/quizzes/attempts/{self.ids[old_id]}{tail}"

    def row(self, session: Session, old_id: int) -> QuizAttempt:
        session.expire_all()
        found = session.get(QuizAttempt, self.ids[old_id])
        assert found is not None
        return found


@pytest.fixture(params=FIXTURES, ids=[p.stem for p in FIXTURES])
def stored(request: pytest.FixtureRequest, db_session: Session) -> Stored:
    return Stored(request.param, db_session)


def _columns(row: QuizAttempt, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def test_the_fixture_holds_every_kind_of_attempt_and_question(stored):
    rows = stored.data["quiz_attempts"]
    assert {r["status"] for r in rows} == {"graded", "awaiting_grading", "in_progress"}
    kinds = {e["question"]["type"] for r in rows for e in r["layout"]["questions"]}
    assert kinds == {
        "single", "multiple", "true_false", "short", "numeric", "matching", "essay",
        "description",
    }  # fmt: skip


def test_old_rows_load_unchanged(stored, db_session):
    for row in stored.data["quiz_attempts"]:
        found = stored.row(db_session, row["id"])
        assert (found.layout, found.answers, found.results) == (
            row["layout"],
            row["answers"],
            row["results"],
        )


def _points_as_shown(view: dict) -> dict:
    """Points as the one score formatter shows them since (one decimal: "0.3", once
    "0.3333"): the same score, written the way every page now writes it."""
    rounded = [[f"{round(float(p), 1):g}" for p in pair] for pair in view["row_points"]]
    return {**view, "row_points": rounded}


def test_result_pages_show_the_same_scores_to_the_hire_and_the_mentor(client, stored):
    for old_id, views in stored.expected["pages"].items():
        url = stored.url(int(old_id))
        as_user(client, stored.emails[int(old_id)])
        seen = result_view(client.get(url).get_data(as_text=True))
        assert _points_as_shown(seen) == _points_as_shown(views["hire"]), url
        as_user(client, MENTOR)
        seen = result_view(client.get(url).get_data(as_text=True))
        assert _points_as_shown(seen) == _points_as_shown(views["mentor"]), url


def test_an_open_attempt_resumes_saves_and_submits(client, stored, db_session):
    resume = stored.expected["resume"]
    old_id = resume["attempt"]
    url = stored.url(old_id)
    as_user(client, stored.emails[old_id])
    page = client.get(url).get_data(as_text=True)
    assert page.count('class="card question ') == resume["questions_shown"]
    saved = stored.row(db_session, old_id).answers
    for text in (v for v in saved.values() if isinstance(v, str) and v):
        assert f'value="{text}"' in page  # what was saved comes back

    assert submit(client, stored.ids[old_id], resume["save_post"], "save").status_code == 302
    row = stored.row(db_session, old_id)
    assert (row.status, row.answers) == ("in_progress", resume["answers_after_save"])

    assert submit(client, stored.ids[old_id], resume["submit_post"]).status_code == 302
    row = stored.row(db_session, old_id)
    assert _columns(row, (*GRADED, "answers")) == resume["after"]
    result = result_view(client.get(url).get_data(as_text=True))
    assert result["percent"] == f"{resume['after']['percent']:.0f}%"


def test_an_open_attempt_past_its_deadline_is_graded_with_what_was_saved(
    client, stored, db_session
):
    timed = stored.expected["timed"]
    old_id = timed["attempt"]
    come_back_later(stored.row(db_session, old_id))  # as the capture did
    as_user(client, stored.emails[old_id])
    assert "Time is up" in client.get(stored.url(old_id)).get_data(as_text=True)
    assert submit(client, stored.ids[old_id], {}).status_code == 302
    row = stored.row(db_session, old_id)
    assert _columns(row, (*GRADED, "answers")) == timed["after"]
    assert row.submitted_at == row.deadline_at


def test_the_mentor_grades_a_waiting_essay_to_the_same_score(client, stored, db_session):
    grading = stored.expected["grading"]
    old_id = grading["attempt"]
    as_user(client, MENTOR)
    queue = client.get("/quizzes/grading").get_data(as_text=True)
    assert stored.url(old_id, "/grade") in queue
    url = stored.url(old_id, "/grade")
    page = client.get(url).get_data(as_text=True)
    assert page.count('data-testid="essay-answer"') == grading["essays_shown"]
    assert client.post_form(url, grading["post"], token_from=url).status_code == 302
    assert _columns(stored.row(db_session, old_id), GRADED) == grading["after"]
