"""``trainhub users`` and ``trainhub ratelimit`` for passwords and sign-in limits: creating an
account from a script (issue 20: ``users create`` prompted with a GetPassWarning when piped),
``users reset-password`` printing a one-time link, ``users unlock`` and ``ratelimit clear``
removing exactly the right failure rows. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import Client
from trainhub.auth.models import LoginFailure, User

REPO = Path(__file__).resolve().parents[2]
LINK = re.compile(r"https?://\S+(/passwords/set/[\w-]+)")


@pytest.fixture(autouse=True)
def _form_clients(app):
    app.test_client_class = Client  # clients that fill in the CSRF token


def _trainhub(app, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """The real command, as an operator's script runs it: input piped, no terminal."""
    env = {
        **os.environ,
        "TRAINHUB_DATABASE_URL": app.config["DATABASE_URL"],
        "TRAINHUB_SECRET_KEY": app.config["SECRET_KEY"],
        "TRAINHUB_CONTENT_ROOT": str(REPO),
    }
    command = [str(Path(sys.executable).with_name("trainhub")), *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, timeout=60)


def test_users_create_reads_a_piped_password_without_warnings(app, db_session):
    args = ["users", "create", "--email", "boss@corp.test", "--name", "Boss", "--role", "admin"]
    piped = _trainhub(app, *args, stdin="plum tractor lantern\n")
    assert piped.returncode == 0, piped.stderr
    assert "Warning" not in piped.stderr and "Password:" not in piped.stdout + piped.stderr
    explicit = _trainhub(
        app,
        "users", "create", "--email", "ops@corp.test", "--name", "Ops", "--role", "admin",
        "--password-stdin",
        stdin="orange violin harbour\n",
    )  # fmt: skip
    assert explicit.returncode == 0, explicit.stderr
    # The log lines of the command may be there (stderr is the log); no warning, no prompt.
    assert "Warning" not in explicit.stderr and "Password:" not in explicit.stdout
    emails = set(db_session.scalars(sa.select(User.email)))
    assert {"boss@corp.test", "ops@corp.test"} <= emails


def test_users_create_refuses_a_common_or_short_password(runner, db_session):
    base = ["users", "create", "--email", "x@corp.test", "--name", "X", "--role", "mentor"]
    common = runner.invoke(args=[*base, "--password-stdin"], input="qwerty123456\n")
    assert common.exit_code != 0 and "most common" in common.output
    short = runner.invoke(args=[*base, "--password-stdin"], input="short-pw\n")
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    empty = runner.invoke(args=[*base, "--password-stdin"], input="")
    assert empty.exit_code != 0 and "no password" in empty.output
    assert db_session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_users_create_invite_prints_a_link_that_sets_the_password(app, runner, db_session):
    result = runner.invoke(
        args=["users", "create", "--email", "new@corp.test", "--name", "N", "--role", "mentor",
              "--invite"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = LINK.search(result.output).group(1)
    client = app.test_client()
    assert client.get(path).status_code == 200
    done = client.post_form(
        path,
        {"password": "plum tractor lantern", "confirm": "plum tractor lantern"},
        token_from=path,
    )
    assert done.status_code == 302
    login = {"email": "new@corp.test", "password": "plum tractor lantern"}
    assert client.post_form("/login", login).status_code == 302


def test_reset_password_prints_a_one_time_link(app, runner, db_session):
    person = factories.make_user(db_session, "manager")
    db_session.commit()
    result = runner.invoke(args=["users", "reset-password", person.email.upper()])
    assert result.exit_code == 0, result.output
    assert "works once" in result.output
    path = LINK.search(result.output).group(1)
    client = app.test_client()
    new = {"password": "orange violin harbour", "confirm": "orange violin harbour"}
    assert client.post_form(path, new, token_from=path).status_code == 302
    assert client.post_form(path, new, token_from="/login").status_code == 410
    unknown = runner.invoke(args=["users", "reset-password", "nobody@corp.test"])
    assert unknown.exit_code != 0 and "no account" in unknown.output


def _fail(app, email: str, address: str, times: int = 1) -> None:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    for _ in range(times):
        assert client.post_form(
            "/login", {"email": email, "password": "x-wrong-x"}
        ).status_code in (
            401,
            429,
        )


def _rows(db_session) -> list[tuple[str, str | None, str | None]]:
    db_session.commit()  # a fresh read: SQLite keeps a snapshot until the transaction ends
    return sorted(
        (r.key, r.account, r.address) for r in db_session.scalars(sa.select(LoginFailure))
    )


def test_unlock_removes_the_accounts_rows_everywhere_and_nothing_else(app, runner, db_session):
    locked, other = factories.make_user(db_session, "hire"), factories.make_user(db_session)
    db_session.commit()
    _fail(app, locked.email, "203.0.113.1", times=11)
    _fail(app, locked.email, "203.0.113.2")
    _fail(app, other.email, "203.0.113.1")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.1"
    right = {"email": locked.email, "password": factories.PASSWORD}
    assert client.post_form("/login", right).status_code == 429
    result = runner.invoke(args=["users", "unlock", locked.email.upper()])
    assert result.exit_code == 0, result.output
    assert "removed" in result.output
    # Every row of the account went, its rows in the addresses' counts too; the other
    # person's failures stay.
    assert {account for _key, account, _addr in _rows(db_session)} == {other.email}
    assert len(_rows(db_session)) == 3
    assert client.post_form("/login", right).status_code == 302


def test_ratelimit_clear_removes_one_addresss_rows(app, runner, db_session):
    a, b = factories.make_user(db_session, "hire"), factories.make_user(db_session, "hire")
    db_session.commit()
    _fail(app, a.email, "198.51.100.7")
    _fail(app, b.email, "198.51.100.7")
    _fail(app, a.email, "198.51.100.8")
    result = runner.invoke(args=["ratelimit", "clear", "--address", "198.51.100.7"])
    assert result.exit_code == 0, result.output
    assert "6 failed sign-in record(s) removed" in result.output
    assert {addr for _key, _account, addr in _rows(db_session)} == {"198.51.100.8"}
    assert len(_rows(db_session)) == 3
    assert runner.invoke(args=["ratelimit", "clear"]).exit_code != 0  # --address is required
