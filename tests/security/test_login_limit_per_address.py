"""Sign-in limits that fit an office (issue 20, finding 3): the per-address limit counts the
distinct accounts that failed from an address, far above one account's limit, so one
person's typos never lock out the colleagues behind the same NAT; an address trying a
password on many accounts (password spraying) is still stopped. On SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from tests import factories
from trainhub.auth.models import LoginFailure

OFFICE = "203.0.113.50"


def _sign_in(app, email: str, password: str, address: str = OFFICE) -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client.post_form("/login", {"email": email, "password": password}).status_code


def test_twenty_typos_from_one_office_lock_nobody_else_out(app, client, db_session):
    # The finding: 20 failed sign-ins from one address, across e-mails, answered 429 to
    # everyone behind it. Ten colleagues mistype twice each ...
    app.test_client_class = type(client)
    people = [factories.make_user(db_session, "hire") for _ in range(11)]
    db_session.commit()
    codes = [_sign_in(app, p.email, "Summer2026!") for p in people[:10] for _ in range(2)]
    assert codes == [401] * 20
    # ... and the eleventh colleague still signs in, as does one of the ten.
    assert _sign_in(app, people[10].email, factories.PASSWORD) == 302
    assert _sign_in(app, people[0].email, factories.PASSWORD) == 302


def test_one_persons_typos_stop_only_that_person(app, client, db_session):
    app.test_client_class = type(client)
    clumsy, colleague = factories.make_user(db_session, "hire"), factories.make_user(db_session)
    db_session.commit()
    codes = [_sign_in(app, clumsy.email, "wrong-password") for _ in range(12)]
    # The account's own limit (10 per address in 15 minutes) stops the eleventh guess ...
    assert codes == [401] * 10 + [429] * 2
    # ... and nobody else behind the address notices.
    assert _sign_in(app, colleague.email, factories.PASSWORD) == 302


def test_one_address_spraying_many_accounts_is_throttled(app, client, db_session):
    app.test_client_class = type(client)
    people = [factories.make_user(db_session, "hire") for _ in range(53)]
    db_session.commit()
    codes = [_sign_in(app, p.email, "Summer2026!") for p in people[:52]]
    # One guess at each account: the 51st distinct account from one address is refused.
    assert codes.index(429) == 50
    assert set(codes[50:]) == {429}
    # A new account from that address is refused even with the right password, while an
    # account already counted is judged by its own limit (one failure so far: let in).
    assert _sign_in(app, people[52].email, factories.PASSWORD) == 429
    assert _sign_in(app, people[0].email, factories.PASSWORD) == 302
    # Another address is not concerned.
    assert _sign_in(app, people[52].email, factories.PASSWORD, "198.51.100.9") == 302


def test_the_address_limit_is_a_setting(app, client, db_session):
    app.test_client_class = type(client)
    app.config["RATELIMIT_ADDRESS_ACCOUNTS"] = 3
    people = [factories.make_user(db_session, "hire") for _ in range(4)]
    db_session.commit()
    codes = [_sign_in(app, p.email, "Summer2026!") for p in people]
    assert codes == [401, 401, 401, 429]


def test_a_success_takes_the_person_out_of_the_address_count(app, client, db_session):
    app.test_client_class = type(client)
    app.config["RATELIMIT_ADDRESS_ACCOUNTS"] = 2
    a, b, c = (factories.make_user(db_session, "hire") for _ in range(3))
    db_session.commit()
    assert _sign_in(app, a.email, "typo-typo-typo") == 401
    assert _sign_in(app, a.email, factories.PASSWORD) == 302  # a proved it was a typo
    assert _sign_in(app, b.email, "typo-typo-typo") == 401
    assert _sign_in(app, c.email, "typo-typo-typo") == 401  # a no longer counts: 2 accounts
    rows = db_session.scalars(
        sa.select(LoginFailure.account).where(LoginFailure.key == f"address|{OFFICE}")
    ).all()
    assert sorted(rows) == sorted([b.email, c.email])
