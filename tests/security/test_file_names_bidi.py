"""A right-to-left override in an uploaded file's name (issue 13, finding 10): "invoice<RLO>
fdp.mp3" shows as "invoice3pm.pdf". Bidirectional controls and invisible marks never stay in
a shown or downloaded file name."""

from __future__ import annotations

import sqlalchemy as sa

from tests.web.roleplay_helpers import CASE_URL, answer, as_user, pdf_upload, team
from trainhub.roleplays.models import Attachment
from trainhub.roleplays.uploads import clean_name

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_clean_name_drops_every_bidi_control():
    assert clean_name("invoice\u202efdp.pdf") == "invoicefdp.pdf"
    assert clean_name(f"pl{BIDI}an\u200b.pdf") == "plan.pdf"
    # Letters of right-to-left scripts are fine: only the invisible controls go.
    assert (
        clean_name("\u05ea\u05d5\u05db\u05e0\u05d9\u05ea.pdf")
        == "\u05ea\u05d5\u05db\u05e0\u05d9\u05ea.pdf"
    )


def test_an_uploaded_name_with_an_override_shows_without_it(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    name = "report\u202eftp.pdf"
    assert answer(client, "see the file", attachment=pdf_upload(name)).status_code == 302
    row = db_session.scalars(sa.select(Attachment)).one()
    assert row.original_name == "reportftp.pdf"
    page = client.get(CASE_URL).get_data(as_text=True)
    assert "reportftp.pdf" in page
    assert not any(ch in page for ch in BIDI)
    as_user(client, cast["mentor"].email)
    response = client.get(f"/roleplays/attachments/{row.id}")
    assert "\u202e" not in response.headers["Content-Disposition"]
    assert "%E2%80%AE" not in response.headers["Content-Disposition"]
    response.close()
