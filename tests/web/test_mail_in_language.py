"""E-mails in their recipient's language, through a real SMTP server: a Russian hire answers
the case; their Ukrainian mentor's e-mail is in Ukrainian (and names the case in the
original, since the fixture has no Ukrainian translation); the mentor's decision reaches the
hire in Russian, naming the case by its Russian title, with no English word in it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests import factories
from tests.browser.english import english_words
from tests.conftest import sign_in
from tests.fixtures.translated_content import make_tree
from tests.smtp import smtp_settings
from tests.web.roleplay_helpers import as_user
from trainhub.roleplays.models import RoleplaySubmission


@pytest.fixture
def app_config(app_config, tmp_path_factory, smtp):
    root = make_tree(tmp_path_factory.mktemp("translated"))
    return {**app_config, **smtp_settings(smtp[1]), "CONTENT_ROOT": str(root)}


def _deliver(runner) -> None:
    result = runner.invoke(args=["notify"])
    assert result.exit_code == 0, result.output


def _words(message) -> list[str]:
    return english_words(f"{message['Subject']}\n{_body(message)}")


ORIGINAL_WORDS = {"Sales", "basics", "KPI", "quiz", "cold", "call", "Shadowed"}


def test_each_recipient_reads_their_mail_in_their_language(client, db_session, runner, smtp):
    inbox, _port = smtp
    team = factories.make_team(db_session, track="seller")
    hire, mentor = team["hire"], team["mentor"]
    hire.locale, mentor.locale = "ru", "uk"
    hire.name, mentor.name = "Анна Петрова", "Олена Коваль"
    db_session.commit()

    sign_in(client, hire.email)
    url = "/roleplays/cold-call"
    client.post_form(url, {"text": "Добрый день!", "submit": "1"}, token_from=url)
    _deliver(runner)  # the answer for the mentor, and the steps past their due dates
    [answered] = [m for m in inbox.to(mentor.email) if "відповідь на кейс" in m["Subject"]]
    assert "Анна Петрова" in answered["Subject"] and "«A cold call»" in answered["Subject"]
    for message in inbox.to(mentor.email):
        # Ukrainian words; the items' titles in the original (no Ukrainian translation).
        assert set(_words(message)) <= ORIGINAL_WORDS, (message["Subject"], _words(message))
        assert "Холодный звонок" not in _body(message) + message["Subject"]

    submission = db_session.scalars(sa.select(RoleplaySubmission)).one()
    as_user(client, mentor.email)
    url = f"/reviews/{submission.id}"
    data = {"decision": "needs_work", "comment": "Додайте наступний крок."}
    for key in ("opening", "next-step"):
        data[f"level-{key}"], data[f"comment-{key}"] = "2", "Слабко."
    assert client.post_form(url, data, token_from=url).status_code == 302
    _deliver(runner)
    to_hire = inbox.to(hire.email)
    [decided] = [m for m in to_hire if "на доработку" in m["Subject"]]
    assert "«Холодный звонок»" in decided["Subject"] + _body(decided)
    for message in to_hire:
        assert _words(message) == [], (message["Subject"], _words(message))
    # A long Russian subject keeps its spaces where it is folded (RFC 2047 words).
    subjects = " ".join(str(m["Subject"]) for m in to_hire)
    assert "«Прослушал звонок с наставником»" in subjects, subjects


def _body(message) -> str:
    return message.get_body(("plain",)).get_content()
