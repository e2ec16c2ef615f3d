"""The question statistics page (admins) and ``trainhub quiz stats SLUG``: the figures of each
question, translated labels and no codes on the page, and a statement count that does not
grow with the number of attempts."""

from __future__ import annotations

import csv
import io
import random

import pytest

from tests import factories
from tests.web.quiz_helpers import as_user
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.quizzes import service
from trainhub.quizzes.model_answers import model_answers

SLUG = "kpi-basics"


def _hires_take(app, db_session, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with app.app_context():
        quiz = catalog().quizzes[SLUG]
    for _ in range(count):
        hire = factories.make_user(db_session, "hire")
        attempt = service.start_attempt(db_session, hire, quiz, utcnow(), rng)
        db_session.flush()
        right = model_answers(attempt.layout)
        # Each hire knows a random share of the answers: the rest are left out.
        known = {k: v for k, v in right.items() if rng.random() < rng.random()}
        service.submit_attempt(db_session, attempt, known, utcnow())
    db_session.commit()


def test_an_admin_reads_the_statistics_of_a_quiz(app, client, db_session):
    _hires_take(app, db_session, 5, seed=1)
    admin = factories.make_user(db_session, "admin")
    db_session.commit()
    as_user(client, admin.email)
    take = client.get(f"/quizzes/{SLUG}").get_data(as_text=True)
    assert f'href="/quizzes/{SLUG}/stats"' in take
    page = client.get(f"/quizzes/{SLUG}/stats").get_data(as_text=True)
    assert "First graded attempts counted: 5" in page
    assert page.count("<tr data-flagged") == len(
        [q for q in catalog_quiz(app).questions if q.is_graded]
    )
    for code in ("too_easy", "too_hard", "weak_discrimination", SLUG + "</", "true_false"):
        assert code not in page.replace(f"/quizzes/{SLUG}", "")
    ru = client.get(f"/quizzes/{SLUG}/stats", headers={"Accept-Language": "ru"})
    assert ru.status_code == 200


def catalog_quiz(app):
    with app.app_context():
        return catalog().quizzes[SLUG]


@pytest.mark.parametrize("role", ["hire", "mentor", "manager"])
def test_other_roles_may_not_see_it(client, login_as, role):
    login_as(role)
    assert client.get(f"/quizzes/{SLUG}/stats").status_code == 403
    assert 'href="/quizzes/kpi-basics/stats"' not in client.get(f"/quizzes/{SLUG}").get_data(
        as_text=True
    )


def test_the_statement_count_does_not_grow_with_attempts(app, client, db_session, statements):
    admin = factories.make_user(db_session, "admin")
    db_session.commit()
    as_user(client, admin.email)
    counts = []
    for more in (2, 6):
        _hires_take(app, db_session, more, seed=more)
        client.get(f"/quizzes/{SLUG}/stats")  # warm: sessions, catalog
        statements.clear()
        assert client.get(f"/quizzes/{SLUG}/stats").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_the_command_writes_a_csv(app, db_session, runner, tmp_path):
    _hires_take(app, db_session, 4, seed=3)
    out = tmp_path / "stats.csv"
    result = runner.invoke(args=["quiz", "stats", SLUG, "--csv", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and all(r["attempts"] == "4" for r in rows)
    assert all(0 <= float(r["facility_percent"]) <= 100 for r in rows)
    printed = runner.invoke(args=["quiz", "stats", SLUG])
    assert printed.output.count("\n") >= len(rows)
