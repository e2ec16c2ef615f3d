"""A hire asks for a practical sign-off with a note or a file; the mentor approves (the step is
signed off) or declines with a reason the hire reads, and the hire may ask again."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import Client, sign_in
from tests.web.roleplay_helpers import PDF, as_user, pdf_upload
from trainhub.signoffs.models import SignOff, SignOffRequest

ITEM = "crm-hygiene"
ASK = f"/signoffs/{ITEM}"


@pytest.fixture
def world(db_session) -> dict[str, Any]:
    a = factories.make_team(db_session)
    b = factories.make_team(db_session)
    db_session.commit()
    return {"a": a, "b": b, "hire": a["hire"], "mentor": a["mentor"]}


def _ask(client, data: dict) -> Any:
    return client.post_form(ASK, data, token_from=ASK, content_type="multipart/form-data")


def _request(db_session) -> SignOffRequest:
    db_session.expire_all()
    return db_session.scalars(sa.select(SignOffRequest).order_by(SignOffRequest.id.desc())).first()


def test_a_hire_asks_and_the_mentor_approves(client, db_session, world):
    as_user(client, world["hire"].email)
    assert "Ask for a sign-off" in client.get("/").get_data(as_text=True)
    response = _ask(client, {"note": "Cleaned 40 CRM records with Olena."})
    assert response.status_code == 302
    assert "Asked. Your mentor will see it" in client.get(ASK).get_data(as_text=True)
    assert "Sign-off requested" in client.get("/").get_data(as_text=True)

    as_user(client, world["mentor"].email)
    queue = client.get("/reviews/").get_data(as_text=True)
    assert world["hire"].name in queue and "CRM" in queue
    page_url = f"/reviews/hires/{world['hire'].id}"
    page = client.get(page_url).get_data(as_text=True)
    assert "Cleaned 40 CRM records with Olena." in page
    req = _request(db_session)
    response = client.post_form(
        f"/signoffs/requests/{req.id}/approve",
        {f"approve-{req.id}-note": "Checked the records together."},
        token_from=page_url,
    )
    assert response.status_code == 302
    req = _request(db_session)
    signoff = db_session.scalars(sa.select(SignOff)).one()
    assert req.status == "approved" and req.signoff_id == signoff.id
    assert signoff.signed_by_id == world["mentor"].id

    as_user(client, world["hire"].email)
    page = client.get(ASK).get_data(as_text=True)
    assert "signed off" in page and "Ask for a sign-off</button>" not in page


def test_a_decline_shows_the_reason_and_the_hire_may_ask_again(client, db_session, world):
    as_user(client, world["hire"].email)
    _ask(client, {"note": "Done."})
    req = _request(db_session)
    as_user(client, world["mentor"].email)
    page_url = f"/reviews/hires/{world['hire'].id}"
    empty = client.post_form(
        f"/signoffs/requests/{req.id}/decline", {f"decline-{req.id}-reason": ""},
        token_from=page_url,
    )  # fmt: skip
    assert empty.status_code == 422
    assert "Say what is missing" in empty.get_data(as_text=True)
    client.post_form(
        f"/signoffs/requests/{req.id}/decline",
        {f"decline-{req.id}-reason": "Show me the duplicate contacts you merged."},
        token_from=page_url,
    )
    assert _request(db_session).status == "declined"

    as_user(client, world["hire"].email)
    home = client.get("/").get_data(as_text=True)
    assert "Show me the duplicate contacts you merged." in home and "Ask again" in home
    assert _ask(client, {"note": "Here is the list."}).status_code == 302
    rows = db_session.scalars(sa.select(SignOffRequest).order_by(SignOffRequest.id)).all()
    assert [r.status for r in rows] == ["declined", "open"]  # history kept


def test_a_double_click_asks_once(client, db_session, world):
    as_user(client, world["hire"].email)
    token = client.csrf_token(ASK)
    for _ in range(2):
        client.post(ASK, data={"note": "Done.", "csrf_token": token})
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SignOffRequest)) == 1


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Say what you did, or attach a file."),
        ("bad\x07bell", "Remove the invisible control character"),
    ],
)
def test_a_bad_note_gets_a_message_next_to_the_field(client, db_session, world, note, message):
    as_user(client, world["hire"].email)
    response = _ask(client, {"note": note})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="note-error"' in page and message in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SignOffRequest)) == 0


def test_evidence_is_checked_and_served_only_as_a_download_to_those_who_may(
    client, db_session, world
):
    as_user(client, world["hire"].email)
    bad = _ask(client, {"note": "", "evidence": pdf_upload("x.pdf", b"<script>alert(1)</script>")})
    assert bad.status_code == 422 and "Attach an audio recording" in bad.get_data(as_text=True)
    assert _ask(client, {"note": "", "evidence": pdf_upload()}).status_code == 302
    req = _request(db_session)
    url = f"/signoffs/requests/{req.id}/evidence"
    as_user(client, world["mentor"].email)
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    response.close()
    for other in (world["b"]["hire"], world["b"]["mentor"]):
        as_user(client, other.email)
        assert client.get(url).status_code == 403


def test_who_may_ask_and_decide(client, db_session, world):
    as_user(client, world["hire"].email)
    _ask(client, {"note": "Done."})
    req = _request(db_session)
    as_user(client, world["mentor"].email)
    assert client.get(ASK).status_code == 403  # staff do not ask
    for other in (world["b"]["mentor"], world["b"]["manager"], world["b"]["hire"]):
        as_user(client, other.email)
        for verb, field in (("approve", "note"), ("decline", "reason")):
            response = client.post_form(
                f"/signoffs/requests/{req.id}/{verb}", {f"{verb}-{req.id}-{field}": "x"},
                token_from="/",
            )  # fmt: skip
            assert response.status_code == 403, (other.email, verb)
    assert _request(db_session).status == "open"


def test_a_mentor_still_signs_off_unasked(client, db_session, world):
    as_user(client, world["mentor"].email)
    page_url = f"/reviews/hires/{world['hire'].id}"
    response = client.post_form(
        f"/reviews/hires/{world['hire'].id}/signoffs/{ITEM}", {f"{ITEM}-note": "Saw it."},
        token_from=page_url,
    )  # fmt: skip
    assert response.status_code == 302
    assert db_session.scalars(sa.select(SignOff)).one().item_key == ITEM


def test_two_requests_at_the_same_moment_give_one(app, db_session, world):
    """A double click that really races (two threads), on SQLite and PostgreSQL."""
    app.test_client_class = Client
    clients = []
    for _ in range(2):
        c = app.test_client()
        sign_in(c, world["hire"].email)
        clients.append(c)
    tokens = [c.csrf_token(ASK) for c in clients]
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def ask(c: Client, token: str) -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(c.post(ASK, data={"note": "Done.", "csrf_token": token}).status_code)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=p) for p in zip(clients, tokens, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors and statuses == [302, 302]
    db_session.expire_all()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SignOffRequest)) == 1


def test_the_mentors_home_lists_open_requests_and_nobody_elses(client, db_session, world):
    as_user(client, world["mentor"].email)
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="open-requests"' not in home
    assert "Nothing waits for your review." in home

    as_user(client, world["hire"].email)
    _ask(client, {"note": "Cleaned 40 CRM records with Olena."})

    as_user(client, world["mentor"].email)
    home = client.get("/").get_data(as_text=True)
    assert "1 hire asks for a sign-off." in home
    listed = home.split('data-testid="open-requests"')[1].split("</ul>")[0]
    assert world["hire"].name in listed and f"#signoff-{ITEM}" in listed
    assert "Nothing waits for your review." not in home

    # Another team's mentor is not told of it.
    as_user(client, world["b"]["mentor"].email)
    other = client.get("/").get_data(as_text=True)
    assert world["hire"].name not in other and 'data-testid="open-requests"' not in other
