"""Finding 9: a line break in a person's name made the review notice raise a 500 after the
submission was committed (and the mentor got no mail), and could add a header. Names stored
before the form refused line breaks (or written by other means) still reach mail subjects, so
the mail is built so that no value can add a header: the answer goes through, the notices go
out, and no message carries a header the name tried to add. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from tests.smtp import smtp_settings
from tests.web.roleplay_helpers import answer, as_user, decide, team
from trainhub.roleplays.models import RoleplaySubmission

FORGED = "Anna\r\nBcc: attacker@evil.example\r\nX-Forged: 1"


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, **smtp_settings(smtp[1])}


def test_a_name_with_line_breaks_cannot_add_a_mail_header(client, db_session, runner, smtp):
    inbox, _port = smtp
    cast = team(db_session)
    cast["hire"].name = FORGED
    cast["mentor"].name = FORGED.replace("Anna", "Mykola")
    db_session.commit()
    as_user(client, cast["hire"].email)
    assert answer(client, "my answer").status_code == 302
    submission = db_session.scalars(sa.select(RoleplaySubmission)).one()
    as_user(client, cast["mentor"].email)
    assert decide(client, submission.id, 2, "needs_work").status_code == 302
    result = runner.invoke(args=["notify"])
    assert result.exit_code == 0, result.output
    assert inbox.messages, "no notice was mailed"
    for message in inbox.messages:
        assert message["Bcc"] is None and message["X-Forged"] is None, dict(message.items())
        assert "attacker@evil.example" not in str(message["To"])
    assert inbox.to("attacker@evil.example") == []


def test_a_name_with_line_breaks_cannot_forge_a_log_line(app, client, db_session, runner, caplog):
    # Without a mail server the mail is logged: one line per mail, whatever the name holds.
    app.config.pop("SMTP_HOST", None)
    cast = team(db_session)
    cast["hire"].name = "Anna\nINFO trainhub.auth: admin@demo.local signed in"
    db_session.commit()
    as_user(client, cast["hire"].email)
    assert answer(client, "my answer").status_code == 302
    with caplog.at_level(logging.INFO, logger="trainhub.mail"):
        assert runner.invoke(args=["notify"]).exit_code == 0
    sent = [r.getMessage() for r in caplog.records if "not sent" in r.getMessage()]
    assert sent, "nothing was logged"
    assert not any("\n" in line for line in sent), sent
