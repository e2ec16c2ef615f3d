"""Sign-in limits that hold under a parallel burst, across addresses, and without holding the
SQLite write lock while a password is hashed. On SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter

import pytest

from tests import factories
from tests.conftest import _CSRF_RE
from trainhub.auth import service as accounts


def _attempt(app, email: str, password: str, address: str = "203.0.113.7") -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    page = client.get("/login").get_data(as_text=True)
    found = _CSRF_RE.search(page)
    assert found is not None
    token = found.group(1)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    return response.status_code


def _burst(
    app, email: str, passwords: list[str], addresses: list[str] | None = None
) -> Counter[int]:
    codes: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(passwords))

    def run(password: str, address: str) -> None:
        try:
            start.wait()
            codes.append(_attempt(app, email, password, address))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    where = addresses or ["203.0.113.7"] * len(passwords)
    pairs = zip(passwords, where, strict=True)
    threads = [threading.Thread(target=run, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return Counter(codes)


@pytest.fixture
def password_checks():
    """How many times a password is hashed and compared (the work a guess costs us and the
    thing the limit must bound), counted where the sign-in service calls it."""
    counted: list[str] = []
    lock = threading.Lock()
    real = accounts.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        with lock:
            counted.append(password)
        return real(pwhash, password)

    accounts.check_password_hash = counting
    yield counted
    accounts.check_password_hash = real


def test_a_parallel_burst_checks_at_most_the_limit_of_passwords(app, db_session, password_checks):
    app.config["RATELIMIT_LOGIN_ATTEMPTS"] = 5
    user = factories.make_user(db_session, "hire")
    db_session.commit()
    # 24 wrong guesses at once from one address: exactly the limit's number are checked.
    codes = _burst(app, user.email, ["wrong-password"] * 24)
    assert codes == Counter({401: 5, 429: 19})
    assert len(password_checks) == 5
    # Past the limit, a burst that holds the right password is refused too: never let in,
    # and not one more password is even looked at.
    late = _burst(app, user.email, [factories.PASSWORD] * 3 + ["wrong-password"] * 3)
    assert late == Counter({429: 6})
    assert len(password_checks) == 5


def test_a_burst_spread_over_addresses_meets_the_account_limit(app, db_session, password_checks):
    app.config["RATELIMIT_ACCOUNT_ATTEMPTS"] = 6
    user = factories.make_user(db_session, "hire")
    db_session.commit()
    addresses = [f"198.51.100.{n}" for n in range(1, 17)]
    codes = _burst(app, user.email, ["wrong-password"] * 16, addresses)
    assert codes == Counter({401: 6, 429: 10})
    assert len(password_checks) == 6


def test_guesses_spread_over_addresses_meet_the_account_wide_limit(app, db_session):
    app.config["RATELIMIT_ACCOUNT_ATTEMPTS"] = 6
    user = factories.make_user(db_session, "hire")
    db_session.commit()
    codes = [
        _attempt(app, user.email, "wrong-password", f"198.51.100.{n}")
        for n in range(1, 6)
        for _ in range(2)
    ]
    # Two per address stays far under the per-address limit; the account's own limit stops
    # the seventh guess, whatever address it comes from.
    assert codes == [401] * 6 + [429] * 4


def test_a_success_takes_its_reservation_back(app, db_session):
    app.config["RATELIMIT_ACCOUNT_ATTEMPTS"] = 3
    user = factories.make_user(db_session, "hire")
    db_session.commit()
    for _ in range(5):
        assert _attempt(app, user.email, factories.PASSWORD) == 302


@pytest.fixture
def lock_probe(app):
    """Whether the SQLite write lock is free at the moment a password is hashed, seen from a
    second connection of its own (a real BEGIN IMMEDIATE that must not wait)."""
    seen: list[bool] = []
    real = accounts.check_password_hash
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")

    def observed(pwhash: str, password: str) -> bool:
        probe = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            seen.append(True)
        except sqlite3.OperationalError:
            seen.append(False)
        finally:
            probe.close()
        return real(pwhash, password)

    accounts.check_password_hash = observed
    yield seen
    accounts.check_password_hash = real


# The write lock is SQLite's (PostgreSQL locks rows), so this one runs on SQLite only.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_write_lock_is_held_while_the_password_is_hashed(app, db_session, lock_probe):
    user = factories.make_user(db_session, "hire")
    db_session.commit()
    assert _attempt(app, user.email, "wrong-password") == 401
    assert _attempt(app, user.email, factories.PASSWORD) == 302
    assert lock_probe == [True, True]
