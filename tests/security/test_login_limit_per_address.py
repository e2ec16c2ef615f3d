"""Failed sign-ins are also counted per address (ADDRESS_FACTOR x the per-account limit), so
one address cannot try a common password against every account (password spraying)."""

from __future__ import annotations

from tests import factories


def test_one_address_spraying_many_accounts_is_throttled(client, db_session):
    people = [factories.make_user(db_session, "hire") for _ in range(30)]
    db_session.commit()
    codes = [
        client.post_form("/login", {"email": p.email, "password": "Summer2026!"}).status_code
        for p in people
    ]
    assert 429 in codes
    # The per-account limit is 10 and an address gets twice that: the 21st try is refused.
    assert codes.index(429) == 20
