"""Integrity of quiz attempts under concurrency, on SQLite and PostgreSQL.

Each thread has its own database session (or its own signed-in test client), as parallel
requests in separate workers would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import Client, sign_in
from tests.web.quiz_helpers import make_content_root
from trainhub.auth.models import User
from trainhub.content import catalog
from trainhub.db import utcnow, write_intent
from trainhub.extensions import db
from trainhub.quizzes.models import QuizAttempt
from trainhub.quizzes.service import AttemptsUsedUp, start_attempt, submit_attempt

THREADS = 20


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    root = make_content_root(tmp_path_factory.getbasetemp())
    return {**app_config, "CONTENT_ROOT": str(root)}


@pytest.fixture
def setting(app, db_session):
    hire = factories.make_user(db_session, "hire")
    db_session.commit()
    with app.app_context():
        engine = db.engine
        quiz = catalog().quizzes["limited-quiz"]
    assert quiz.attempts == 3
    return engine, hire.id, quiz


def _run(worker: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(THREADS)
    results: list[Any] = [None] * THREADS
    errors: list[BaseException] = []

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = worker(index)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def _attempts(engine, hire_id: int) -> list[QuizAttempt]:
    with Session(engine) as session:
        return list(
            session.scalars(
                sa.select(QuizAttempt).where(QuizAttempt.user_id == hire_id).order_by("number")
            )
        )


def test_parallel_start_and_submit_never_pass_the_limit(setting):
    engine, hire_id, quiz = setting

    def worker(_index: int) -> int:
        taken = 0
        for _ in range(3):
            with Session(engine) as session, write_intent():
                hire = session.get(User, hire_id)
                try:
                    attempt = start_attempt(session, hire, quiz, utcnow())
                    session.commit()
                except AttemptsUsedUp:
                    session.rollback()
                    return taken
                if submit_attempt(session, attempt, {"l1": True}, utcnow()):
                    taken += 1
                session.commit()
        return taken

    graded_by = _run(worker)
    rows = _attempts(engine, hire_id)
    assert [r.number for r in rows] == [1, 2, 3]
    assert all(r.status == "graded" for r in rows)
    assert sum(graded_by) == 3


def test_twenty_parallel_starts_with_two_attempts_used_make_one_more(setting):
    engine, hire_id, quiz = setting
    with Session(engine) as session, write_intent():
        hire = session.get(User, hire_id)
        for _ in range(2):
            submit_attempt(session, start_attempt(session, hire, quiz, utcnow()), {}, utcnow())
            session.commit()

    def worker(_index: int) -> int | None:
        with Session(engine) as session, write_intent():
            hire = session.get(User, hire_id)
            try:
                attempt = start_attempt(session, hire, quiz, utcnow())
            except AttemptsUsedUp:
                return None
            session.commit()
            return attempt.id

    ids = _run(worker)
    rows = _attempts(engine, hire_id)
    assert len(rows) == 3
    assert {i for i in ids if i is not None} == {rows[2].id}


def test_twenty_parallel_submits_grade_once(setting):
    engine, hire_id, quiz = setting
    with Session(engine) as session, write_intent():
        attempt = start_attempt(session, session.get(User, hire_id), quiz, utcnow())
        session.commit()
        attempt_id = attempt.id

    def worker(index: int) -> bool:
        with Session(engine) as session, write_intent():
            found = session.get(QuizAttempt, attempt_id)
            # Each thread answers differently: only the winner's answers may be stored.
            done = submit_attempt(
                session, found, {"l1": index % 2 == 0, "l2": str(index)}, utcnow()
            )
            session.commit()
            return done

    winners = _run(worker)
    assert winners.count(True) == 1
    (row,) = _attempts(engine, hire_id)
    assert row.status == "graded"
    winner = winners.index(True)
    assert row.answers == {"l1": winner % 2 == 0, "l2": str(winner)}


def test_parallel_start_requests_from_one_hire_open_one_attempt(app, setting):
    engine, hire_id, _quiz = setting
    with Session(engine) as session:
        email = session.get(User, hire_id).email
    app.test_client_class = Client
    clients = []
    for _ in range(THREADS):
        client = app.test_client()
        sign_in(client, email)
        clients.append((client, client.csrf_token("/quizzes/limited-quiz")))

    def worker(index: int) -> str:
        client, token = clients[index]
        response = client.post("/quizzes/limited-quiz/start", data={"csrf_token": token})
        assert response.status_code == 302
        return response.headers["Location"]

    locations = _run(worker)
    rows = _attempts(engine, hire_id)
    assert len(rows) == 1
    assert set(locations) == {f"/quizzes/attempts/{rows[0].id}"}
