"""Issue 20, item 6: an uploads folder that cannot be written refuses the file next to the
field (not a 500 with a traceback on every request) and is logged once."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from tests.web.roleplay_helpers import answer, as_user, pdf_upload, team
from trainhub.roleplays import uploads
from trainhub.roleplays.models import Attachment, RoleplaySubmission


def test_an_unwritable_uploads_folder_is_a_message_and_one_log_line(
    app, client, db_session, tmp_path, caplog
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the uploads folder should be")
    # A file in the path fails for root too (CI runs as root, which ignores permissions).
    app.config["UPLOAD_FOLDER"] = str(blocker / "uploads")
    uploads._REPORTED.discard(app.config["UPLOAD_FOLDER"])
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    with caplog.at_level(logging.ERROR, logger="trainhub.roleplays.uploads"):
        for _ in range(2):
            response = answer(client, "See the file.", attachment=pdf_upload("plan.pdf"))
            assert response.status_code == 422
            page = response.get_data(as_text=True)
            assert "could not be saved on the server" in page
            assert 'id="attachment-error"' in page or "attachment" in page
    lines = [r for r in caplog.records if "cannot be written" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None
    # Nothing half-done: no submission, no attachment row.
    assert db_session.scalar(sa.select(sa.func.count()).select_from(RoleplaySubmission)) == 0
    assert db_session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
