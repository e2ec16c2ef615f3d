"""E-mail notices of role-play answers: written with the submission and the review, sent
by ``trainhub notify`` through a real (local, in-test) SMTP server."""

from __future__ import annotations

import logging
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa

from tests.smtp import smtp_settings
from tests.web.roleplay_helpers import CASE_URL, answer, as_user, decide, team
from trainhub.roleplays.models import RoleplaySubmission


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, **smtp_settings(smtp[1])}


def _notify(runner) -> str:
    result = runner.invoke(args=["notify"])
    assert result.exit_code == 0, result.output
    return result.output


def test_mentor_and_hire_get_e_mail(client, db_session, runner, smtp):
    inbox, _port = smtp
    cast = team(db_session)
    mentor, hire = cast["mentor"].email, cast["hire"].email
    as_user(client, hire)
    answer(client, "my answer")
    sub = db_session.scalars(sa.select(RoleplaySubmission)).one()
    # Nothing is sent inside the request: the notice waits in the outbox.
    assert inbox.to(mentor) == []
    _notify(runner)
    # (The hire started weeks ago, so overdue-step notices go out too: only this one counts.)
    [to_mentor] = [m for m in inbox.to(mentor) if "submitted" in m["Subject"]]
    assert "Getting past the gatekeeper" in to_mentor["Subject"]
    assert f"https://trainhub.example.test/reviews/{sub.id}" in to_mentor.get_content()
    assert to_mentor["Message-ID"]
    # Finding 8: a Date header the receiving server and mail clients can read.
    assert parsedate_to_datetime(to_mentor["Date"]).tzinfo is not None

    as_user(client, mentor)
    decide(client, sub.id, 2, "needs_work")
    _notify(runner)
    reviewed = [m for m in inbox.to(hire) if "sent back for more work" in m["Subject"]]
    assert len(reviewed) == 1
    assert "Getting past the gatekeeper" in reviewed[0]["Subject"]
    assert f"https://trainhub.example.test{CASE_URL}" in reviewed[0].get_content()

    # A second run sends nothing again.
    before = len(inbox.messages)
    _notify(runner)
    assert len(inbox.messages) == before


def test_a_mail_server_that_is_down_loses_nothing(app, client, db_session, runner, smtp):
    inbox, port = smtp
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    app.config["SMTP_PORT"] = port + 1 if port < 65535 else port - 1  # nothing listens there
    response = answer(client, "kept despite the mail server")
    assert response.status_code == 302
    row = db_session.scalars(sa.select(RoleplaySubmission)).one()
    assert row.status == "submitted" and row.text == "kept despite the mail server"
    output = _notify(runner)
    assert "to retry" in output
    app.config["SMTP_PORT"] = port
    result = runner.invoke(args=["notify"], env={"TRAINHUB_NOW": "2099-01-01T00:00:00+00:00"})
    assert result.exit_code == 0, result.output
    assert len(inbox.to(cast["mentor"].email)) >= 1


def test_without_smtp_the_notice_is_logged(app, client, db_session, runner, caplog):
    app.config["SMTP_HOST"] = None
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    assert answer(client, "x").status_code == 302
    with caplog.at_level(logging.WARNING, logger="trainhub.mail"):
        _notify(runner)
    assert any("e-mail not sent" in r.getMessage() for r in caplog.records)
