"""What a hire and a mentor notice around a role-play answer (issue 14, findings 2, 7, 8):
the review form's errors at the top with links, the score shown before saving, headings in
an answer, files kept across versions, a fake PDF named as such, who reviewed, and progress
that does not go down when an answer is sent back."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.web.roleplay_helpers import (
    CASE_URL,
    CRITERIA,
    answer,
    as_user,
    decide,
    pdf_upload,
    review_data,
    team,
)
from trainhub.roleplays.models import RoleplaySubmission


def _submitted(db_session, hire_id: int) -> RoleplaySubmission:
    db_session.expire_all()
    return db_session.scalars(
        sa.select(RoleplaySubmission)
        .where(RoleplaySubmission.user_id == hire_id)
        .order_by(RoleplaySubmission.version.desc())
    ).first()


def _progress(page: str) -> int:
    found = re.search(
        r'data-testid="track-progress">\s*<div class="progress"[^>]*aria-valuenow="(\d+)"', page
    )
    assert found, "no progress bar on the hire's home"
    return int(found.group(1))


def test_a_failed_save_lists_its_errors_at_the_top_with_links_to_the_fields(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    answer(client, "my answer")
    submission = _submitted(db_session, cast["hire"].id)
    as_user(client, cast["mentor"].email)
    url = f"/reviews/{submission.id}"
    data = review_data(3, "approved")
    del data["level-honesty"], data["decision"]
    data["comment"] = ""
    response = client.post_form(url, data, token_from=url)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page.split('data-testid="error-summary"')[1].split("</div>")[0]
    # Before the answer and the rubric, not thousands of pixels below them.
    assert page.index('data-testid="error-summary"') < page.index('data-testid="answer"')
    assert "3 things to fix" in summary
    for target in ("#level-honesty-0", "#comment", "#decision-0"):
        assert f'href="{target}"' in summary
        assert f'id="{target[1:]}"' in page  # the link lands on a real field
    assert re.search(r'<div class="error-summary"[^>]*tabindex="-1"', page)
    assert "js/review.js" in page  # which moves the focus to the summary


def test_the_score_is_shown_for_the_levels_picked_not_computed_on_save(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    answer(client, "my answer")
    submission = _submitted(db_session, cast["hire"].id)
    as_user(client, cast["mentor"].email)
    url = f"/reviews/{submission.id}"
    fresh = client.get(url).get_data(as_text=True)
    assert "computed when you save" not in fresh
    line = fresh.split('data-testid="live-score"')[1].split("</p>")[0]
    assert "—" in line and "Pick a level for every criterion" in line
    # Levels 4, 3, 3, 2 with the case's weights: the weighted average, as the server keeps it.
    levels = dict(zip(CRITERIA, (4, 3, 3, 2), strict=True))
    data = review_data(levels, "approved")
    data["comment"] = ""  # refused, so the form comes back with the levels picked
    again = client.post_form(url, data, token_from=url).get_data(as_text=True)
    line = again.split('data-testid="live-score"')[1].split("</p>")[0]
    assert re.search(r"<strong data-score>\s*\d(\.\d)?\s*</strong>", line), line
    assert "data-score-hint hidden" in line  # every level is picked: no hint


def test_a_heading_in_an_answer_is_a_heading(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    answer(client, "# Opening\n\nHello, this is Sam.\n\n## Next step\n\nA call on Friday.")
    page = client.get(CASE_URL).get_data(as_text=True)
    assert "<h3>Opening</h3>" in page and "<h4>Next step</h4>" in page
    assert "# Opening" not in page


def test_a_resubmitted_version_carries_the_earlier_file_visibly(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    answer(client, "version one", attachment=pdf_upload("call-plan.pdf"))
    first = _submitted(db_session, cast["hire"].id)
    as_user(client, cast["mentor"].email)
    decide(client, first.id, 2, "needs_work")
    as_user(client, cast["hire"].email)
    editor = client.get(CASE_URL).get_data(as_text=True)
    assert 'data-testid="carried-note"' in editor
    answer(client, "version two, better")
    second = _submitted(db_session, cast["hire"].id)
    assert second.version == 2
    as_user(client, cast["mentor"].email)
    review = client.get(f"/reviews/{second.id}").get_data(as_text=True)
    answer_box = review.split('data-testid="answer"')[1].split("</section>")[0]
    assert "call-plan.pdf" in answer_box and "handed in with version 1" in answer_box
    assert "application/pdf" not in review  # a type code; people read "PDF"


def test_a_fake_pdf_is_named_as_not_a_pdf(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    response = answer(client, "x", attachment=pdf_upload("plan.pdf", b"just some text\n"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page.split('id="attachment-error"')[1].split("</p>")[0]
    assert "is not a real PDF file" in error and "plan.pdf" in error


def test_the_hire_reads_who_reviewed_their_answer(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    answer(client, "my answer")
    as_user(client, cast["mentor"].email)
    decide(client, _submitted(db_session, cast["hire"].id).id, 2, "needs_work")
    as_user(client, cast["hire"].email)
    page = client.get(CASE_URL).get_data(as_text=True)
    assert page.count('data-testid="reviewer"') == 1
    assert f"by {cast['mentor'].name}" in page


def test_progress_does_not_go_down_when_an_answer_is_sent_back(client, db_session):
    cast = team(db_session)
    as_user(client, cast["hire"].email)
    answer(client, "my answer")
    submitted = _progress(client.get("/").get_data(as_text=True))
    assert submitted > 0
    as_user(client, cast["mentor"].email)
    decide(client, _submitted(db_session, cast["hire"].id).id, 2, "needs_work")
    as_user(client, cast["hire"].email)
    home = client.get("/").get_data(as_text=True)
    assert _progress(home) == submitted
    assert 'data-testid="progress-rule"' in home
