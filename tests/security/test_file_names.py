"""Finding 10: a right-to-left override in an uploaded file's name stayed in the name shown to
the mentor, so "invoice<RLO>fdp.exe" read as "invoiceexe.pdf". Bidirectional controls go
with the other control characters; the rest of the name stays as the person gave it."""

from __future__ import annotations

import sqlalchemy as sa

from tests.web.roleplay_helpers import answer, as_user, pdf_upload, team
from trainhub.roleplays.models import Attachment

BIDI = ("\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u061c")


def test_bidirectional_controls_leave_shown_file_names(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    name = "счёт\u202efdp.exe\u2067.pdf"
    assert answer(client, "See the file.", attachment=pdf_upload(name)).status_code == 302
    row = db_session.scalars(sa.select(Attachment)).one()
    assert row.original_name == "счётfdp.exe.pdf"
    as_user(client, cast["mentor"].email)
    page = client.get(f"/reviews/hires/{cast['hire'].id}").get_data(as_text=True)
    assert "счётfdp.exe.pdf" in page
    assert not any(char in page for char in BIDI)
