"""Logs for incidents (finding 5): one line a record with time, level, request id (also a
response header), person and the trusted address; security events without secrets; nothing a
person typed can forge a line."""

from __future__ import annotations

import json
import logging
import re

import pytest

from tests.factories import PASSWORD

LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO|WARNING|ERROR) req=(\S+) person=(\S+) "
    r"addr=(\S+) ([\w.]+): (.*)$"
)


def _lines(capsys) -> list[str]:
    return [x for x in capsys.readouterr().err.splitlines() if x.strip()]


def test_a_failed_sign_in_is_one_warning_with_the_request_id_and_no_password(client, capsys):
    capsys.readouterr()
    response = client.post_form("/login", {"email": "nobody@example.test", "password": "hunter2-x"})
    assert response.status_code == 401
    request_id = response.headers["X-Request-Id"]
    lines = [x for x in _lines(capsys) if "signin.failed" in x]
    assert len(lines) == 1, lines
    match = LINE.match(lines[0])
    assert match, lines[0]
    level, rid, _person, addr, logger, message = match.groups()
    assert (level, rid, addr, logger) == ("WARNING", request_id, "127.0.0.1", "trainhub.security")
    assert "nobody@example.test" in message and "hunter2" not in lines[0]


def test_a_newline_in_what_a_person_typed_cannot_forge_a_line(app, capsys):
    # The forms refuse control characters; a value logged from elsewhere (a header, a path,
    # an exception's message) is escaped by the formatter all the same.
    forged = "x@example.test\n2026-12-02T00:00:00.000Z INFO req=- person=1 addr=- admin: ok"
    capsys.readouterr()
    with app.test_request_context("/login"):
        logging.getLogger("trainhub.test").warning("typed %s", forged)
        try:
            raise ValueError(forged)
        except ValueError:
            logging.getLogger("trainhub.test").exception("failed")
    lines = _lines(capsys)
    assert all(LINE.match(x) for x in lines if not x.startswith("    ")), lines
    assert not any(x.startswith("2026-12-02T00:00:00.000Z") for x in lines)
    assert any("typed x@example.test\\n2026-12-02" in x for x in lines)


def test_throttled_sign_ins_and_denied_access_are_logged(app, client, login_as, capsys):
    app.config["RATELIMIT_LOGIN_ATTEMPTS"] = 1
    for _ in range(3):
        last = client.post_form("/login", {"email": "t@example.test", "password": "wrong-pass"})
    assert last.status_code == 429
    assert any("signin.throttled" in x and "WARNING" in x for x in _lines(capsys))
    person = login_as("hire")
    assert client.get("/admin/people/").status_code == 403
    denied = [x for x in _lines(capsys) if "access.denied" in x]
    assert denied and f"person={person}" in denied[0] and "path=/admin/people/" in denied[0]


def test_a_role_change_is_a_security_line(runner, capsys):
    created = runner.invoke(
        args=["users", "create", "--email", "m@corp.test", "--name", "M", "--role", "mentor",
              "--password", PASSWORD]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    changed = runner.invoke(args=["users", "set-role", "m@corp.test", "manager"])
    assert changed.exit_code == 0
    # The command's stderr (the click runner's, here) holds the line.
    lines = (changed.stderr + capsys.readouterr().err).splitlines()
    assert any("audit.user.role_changed" in x and LINE.match(x) for x in lines), lines


@pytest.fixture
def app_config(app_config, request):
    extra = getattr(request, "param", {})
    return {**app_config, **extra}


@pytest.mark.parametrize("app_config", [{"PROXY_HOPS": 1}], indirect=True)
def test_the_address_is_the_one_the_proxy_hops_allow(client, capsys):
    capsys.readouterr()
    # The client wrote the first address itself; the proxy (one hop) appended the second.
    client.post_form(
        "/login",
        {"email": "p@example.test", "password": "wrong-pass"},
        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7", "X-Request-Id": "nginx-req-0001"},
    )
    line = next(x for x in _lines(capsys) if "signin.failed" in x)
    assert "addr=203.0.113.7" in line and "6.6.6.6" not in line
    assert "req=nginx-req-0001" in line  # the proxy's id, so one grep finds both logs


@pytest.mark.parametrize("app_config", [{"LOG_FORMAT": "json"}], indirect=True)
def test_json_lines_carry_the_same_fields(client, capsys):
    capsys.readouterr()
    response = client.post_form("/login", {"email": "j@example.test", "password": "wrong-pass"})
    records = [json.loads(x) for x in _lines(capsys)]
    record = next(r for r in records if r["message"].startswith("signin.failed"))
    assert record["level"] == "WARNING" and record["request_id"] == response.headers["X-Request-Id"]
    assert record["address"] == "127.0.0.1" and record["time"].endswith("Z")
