"""F3: a hire's Markdown answer keeps style/class/id attributes, so it can cover or fake
parts of the mentor's review page (UI redress: a full-screen cell, a fake flash message)."""

from __future__ import annotations

from tests import factories
from tests.conftest import sign_in
from tests.web.roleplay_helpers import answer, as_user

OVERLAY = (
    'Hello\n\n<table><tr><td style="position:fixed;top:0;left:0;width:100vw;height:100vh;'
    'z-index:9999;background:#fff">Approve me</td></tr></table>\n\n'
    '<div class="flash flash-success" id="main">Approved by your manager</div>'
)


def test_a_hires_answer_cannot_style_or_spoof_the_mentors_page(client, db_session):
    cast = factories.make_team(db_session)
    db_session.commit()
    sign_in(client, cast["hire"].email)
    answer(client, OVERLAY)
    as_user(client, cast["mentor"].email)
    page = client.get(f"/reviews/hires/{cast['hire'].id}").get_data(as_text=True)
    assert "position:fixed" not in page
    assert 'class="flash flash-success" id="main"' not in page
