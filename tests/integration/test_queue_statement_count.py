"""The review queue costs the same number of SQL statements for 1 answer as for 30 (from as
many hires, with claims and sign-off requests in it)."""

from __future__ import annotations

from datetime import timedelta

from tests import factories
from tests.conftest import sign_in
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.roleplays.models import ReviewPoolMember
from trainhub.signoffs.models import SignOffRequest

PAGES = ("/reviews/", "/")


def _add(app, db_session, cast, count: int, start: int) -> None:
    with app.app_context():
        case = catalog().roleplays["gatekeeper-cold-call"]
    for n in range(start, start + count):
        hire = factories.make_user(
            db_session, "hire", mentor_id=cast["mentor"].id, manager_id=cast["manager"].id
        )
        sub = factories.make_submission(db_session, hire, case)
        if n % 2:
            sub.claimed_by_id = cast["mentor"].id
            sub.claimed_until = utcnow() + timedelta(hours=1)
        db_session.add(
            SignOffRequest(
                user_id=hire.id, track="lead-generation", item_key="crm-hygiene",
                track_hash="x", note=f"note {n}", status="open", requested_at=utcnow(),
            )
        )  # fmt: skip
    db_session.commit()


def _counts(client, statements: list[str]) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        assert client.get(url).status_code == 200, url  # warm-up
        statements.clear()
        assert client.get(url).status_code == 200, url
        counts[url] = len(statements)
    return counts


def test_queue_statement_count_stays_constant_from_1_to_30_answers(
    app, client, db_session, statements
):
    manager = factories.make_user(db_session, "manager")
    mentor = factories.make_user(db_session, "mentor")
    db_session.add(ReviewPoolMember(manager_id=manager.id, mentor_id=mentor.id))
    cast = {"manager": manager, "mentor": mentor}
    _add(app, db_session, cast, 1, 0)
    sign_in(client, mentor.email)
    small = _counts(client, statements)
    _add(app, db_session, cast, 29, 1)
    large = _counts(client, statements)
    page = client.get("/reviews/").get_data(as_text=True)
    assert page.count("note") == 0 and page.count('data-testid="claim"') >= 15
    assert large == small, (small, large)
    print("queue statements:", small)
