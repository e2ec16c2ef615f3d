"""E-mail notices through a real (local, in-test) SMTP server, and what happens without one."""

from __future__ import annotations

import email
import logging
import socket
import socketserver
import threading
from collections.abc import Iterator
from email import policy

import pytest
import sqlalchemy as sa

from tests.web.roleplay_helpers import CASE_URL, answer, as_user, decide, team
from trainhub.roleplays.models import RoleplaySubmission


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink")
        body: list[bytes] | None = None
        while line := self.rfile.readline():
            if body is not None:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(
                        email.message_from_bytes(b"".join(body), policy=policy.default)
                    )  # type: ignore[attr-defined]
                    body = None
                    self.reply("250 queued")
                else:
                    body.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-sink\r\n250 8BITMIME")
            elif verb == b"DATA":
                body = []
                self.reply("354 go on")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class _Sink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.messages: list[email.message.Message] = []


@pytest.fixture
def sink() -> Iterator[_Sink]:
    server = _Sink()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_config(app_config, sink):
    return {
        **app_config,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": sink.server_address[1],
        "SMTP_STARTTLS": False,
        "SMTP_FROM": "trainhub@example.test",
        "BASE_URL": "https://trainhub.example.test",
    }


def test_mentor_and_hire_get_e_mail(client, db_session, sink):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    answer(client, "my answer")
    sub = db_session.scalars(sa.select(RoleplaySubmission)).one()
    assert len(sink.messages) == 1
    to_mentor = sink.messages[0]
    assert to_mentor["To"] == cast["mentor"].email
    assert (
        "submitted" in to_mentor["Subject"]
        and "Getting past the gatekeeper" in to_mentor["Subject"]
    )
    assert f"https://trainhub.example.test/reviews/{sub.id}" in to_mentor.get_content()

    as_user(client, cast["mentor"].email)
    decide(client, sub.id, 2, "needs_work")
    assert len(sink.messages) == 2
    to_hire = sink.messages[1]
    assert to_hire["To"] == cast["hire"].email
    assert "sent back for more work" in to_hire["Subject"]
    assert f"https://trainhub.example.test{CASE_URL}" in to_hire.get_content()


def test_a_mail_server_that_is_down_loses_nothing(app, client, db_session, caplog):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        app.config["SMTP_PORT"] = closed.getsockname()[1]  # nothing listens there
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    with caplog.at_level(logging.WARNING, logger="trainhub.mail"):
        response = answer(client, "kept despite the mail server")
    assert response.status_code == 302
    row = db_session.scalars(sa.select(RoleplaySubmission)).one()
    assert row.status == "submitted" and row.text == "kept despite the mail server"
    assert any("failed" in r.getMessage() for r in caplog.records)


def test_without_smtp_the_notice_is_logged(app, client, db_session, caplog):
    app.config["SMTP_HOST"] = None
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    with caplog.at_level(logging.WARNING, logger="trainhub.mail"):
        assert answer(client, "x").status_code == 302
    assert any("e-mail not sent" in r.getMessage() for r in caplog.records)
