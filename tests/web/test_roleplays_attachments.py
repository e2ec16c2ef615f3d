"""Attachments: checked by content, stored under random names, served only as downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.web.roleplay_helpers import CASE_URL, PDF, answer, as_user, pdf_upload, team
from trainhub.roleplays.models import Attachment

# A minimal WAV header: RIFF....WAVEfmt
WAV = (
    b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00D\xac\x00\x00"
    b"\x88X\x01\x00\x02\x00\x10\x00data\x00\x00\x00\x00"
)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "UPLOAD_MAX_BYTES": 4096}


def _files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p for p in folder.iterdir()) if folder.is_dir() else []


def test_pdf_is_stored_outside_static_under_a_random_name(app, client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    response = answer(client, "see the plan", submit=False, attachment=pdf_upload("my plan.pdf"))
    assert response.status_code == 302
    row = db_session.scalars(sa.select(Attachment)).one()
    assert row.content_type == "application/pdf" and row.size == len(PDF)
    assert row.original_name == "my plan.pdf" and len(row.stored_name) == 32
    stored = _files(app)
    assert [p.name for p in stored] == [row.stored_name]
    assert "static" not in str(stored[0]) and stored[0].read_bytes() == PDF
    page = client.get(CASE_URL).get_data(as_text=True)
    assert "my plan.pdf" in page


def test_download_is_an_attachment_with_nosniff(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    answer(client, "x", attachment=pdf_upload("évil<b>; name=x.pdf"))
    row = db_session.scalars(sa.select(Attachment)).one()
    as_user(client, cast["mentor"].email)
    response = client.get(f"/roleplays/attachments/{row.id}")
    assert response.status_code == 200
    assert response.data == PDF
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "<" not in disposition and "name=x" not in disposition
    assert "filename*=UTF-8''%C3%A9vil_b_%20name_x.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/pdf"
    response.close()


def test_audio_is_accepted(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    response = answer(client, "recording", submit=False, attachment=pdf_upload("call.wav", WAV))
    assert response.status_code == 302
    assert db_session.scalars(sa.select(Attachment.content_type)).one() == "audio/x-wav"


@pytest.mark.parametrize(
    "name, data, message",
    [
        # A file named like a PDF or a recording is told that its contents are not one.
        ("page.pdf", b"<html><script>alert(1)</script></html>", "is not a real PDF file"),
        ("run.mp3", b"MZ\x90\x00" + b"\x00" * 100, "is not a real MP3 file"),
        ("notes.txt", b"plain words\n", "is neither an audio recording nor a PDF"),
        ("big.pdf", PDF + b"0" * 5000, "larger than"),
    ],
)
def test_wrong_type_or_size_is_refused_and_the_text_kept(
    app, client, db_session, name, data, message
):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    response = answer(client, "KEEP-THIS-TEXT", attachment=pdf_upload(name, data))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "KEEP-THIS-TEXT" in page
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert _files(app) == []
