"""F4: a draft is private (/reviews/<draft> is a 404), but the draft's attachment is served
to the mentor and manager by id."""

from __future__ import annotations

import sqlalchemy as sa

from tests import factories
from tests.conftest import sign_in
from tests.web.roleplay_helpers import CASE_URL, as_user, pdf_upload
from trainhub.roleplays.models import Attachment


def test_the_attachment_of_a_draft_is_as_private_as_the_draft(client, db_session):
    cast = factories.make_team(db_session)
    db_session.commit()
    sign_in(client, cast["hire"].email)
    data = {"text": "work in progress", "save": "1", "attachment": pdf_upload()}
    saved = client.post_form(
        CASE_URL, data, token_from=CASE_URL, content_type="multipart/form-data"
    )
    assert saved.status_code == 302
    attachment_id = db_session.scalar(sa.select(sa.func.max(Attachment.id)))
    for staff in (cast["mentor"], cast["manager"]):
        as_user(client, staff.email)
        response = client.get(f"/roleplays/attachments/{attachment_id}")
        response.close()
        assert response.status_code == 404
