"""F5: /reviews/hires/<id> runs ~3 queries per case the hire answered (N+1)."""

from __future__ import annotations

from sqlalchemy import event

from tests import factories
from tests.conftest import sign_in
from trainhub.content import catalog
from trainhub.extensions import db


def _queries(app, client, url):
    with app.app_context():
        engine = db.engine
    count = [0]

    def _one(*_args, **_kwargs):
        count[0] += 1

    event.listen(engine, "before_cursor_execute", _one)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", _one)
    return count[0]


def test_the_hire_page_costs_the_same_queries_for_one_case_or_all(app, client, db_session):
    cast = factories.make_team(db_session)
    hire = cast["hire"]
    with app.app_context():
        cases = list(catalog().roleplays.values())
    factories.make_submission(db_session, hire, cases[0])
    db_session.commit()
    sign_in(client, cast["mentor"].email)
    url = f"/reviews/hires/{hire.id}"
    one = _queries(app, client, url)
    for case in cases[1:]:
        factories.make_submission(db_session, hire, case)
    db_session.commit()
    assert _queries(app, client, url) == one
