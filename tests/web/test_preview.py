"""``/preview/``: staff see content as a hire will, with the answer key and the mentor's
notes; a hire never does; and a preview writes nothing."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from tests.conftest import sign_in
from tests.factories import make_team, make_user
from trainhub.content import catalog

PAGES = (
    "/preview/",
    "/preview/courses/sales-department-foundations/01-welcome",
    "/preview/quizzes/kpi-basics",
    "/preview/quizzes/prospecting-basics",
    "/preview/roleplays/gatekeeper-cold-call",
    "/preview/tracks/lead-generation",
    "/preview/version",
)


def _existing(app, url: str) -> str:
    """The page's URL for the shipped content (lesson slugs may be renumbered by authors)."""
    if "/courses/" not in url:
        return url
    with app.app_context():
        course = catalog().courses["sales-department-foundations"]
    return f"/preview/courses/{course.slug}/{course.lessons[0].slug}"


@pytest.mark.parametrize("role", ["mentor", "manager", "admin"])
def test_staff_see_every_preview_page(app, client, db_session, role):
    person = make_user(db_session, role)
    sign_in(client, person.email)
    for url in PAGES:
        response = client.get(_existing(app, url))
        assert response.status_code == 200, url


def test_a_hire_gets_403_on_every_preview_page_and_a_visitor_the_login(app, client, db_session):
    team = make_team(db_session)
    for url in PAGES:
        anonymous = client.get(_existing(app, url))
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"], url
    sign_in(client, team["hire"].email)
    for url in PAGES:
        assert client.get(_existing(app, url)).status_code == 403, url


def test_the_quiz_preview_shows_every_question_with_its_key(app, client, db_session):
    sign_in(client, make_user(db_session, "mentor").email)
    with app.app_context():
        quiz = catalog().quizzes["kpi-basics"]
    page = client.get("/preview/quizzes/kpi-basics").get_data(as_text=True)
    assert page.count('data-testid="preview-question"') == len(quiz.questions)
    for question in quiz.questions:
        for choice in question.choices:
            if choice.weight > 0:
                # The right answer is marked as such, in the page the author reads.
                marked = re.search(r'<li class="key-right">\s*✓\s*' + re.escape(choice.html), page)
                assert marked, (question.id, choice.text)
            if choice.feedback_html:
                assert choice.feedback_html in page
        for number in question.numbers:
            if number.feedback_html:
                assert number.feedback_html in page
    assert "Nothing here is recorded." in page


def test_the_case_preview_shows_the_rubric_levels_and_mentor_notes(app, client, db_session):
    sign_in(client, make_user(db_session, "manager").email)
    with app.app_context():
        case = catalog().roleplays["gatekeeper-cold-call"]
    page = client.get("/preview/roleplays/gatekeeper-cold-call").get_data(as_text=True)
    assert case.mentor_notes_html and case.mentor_notes_html in page
    for criterion in case.rubric:
        assert str(escape(criterion.title)) in page
        for level in criterion.levels:
            assert str(escape(level)) in page


def test_previews_write_nothing(app, client, db_session, statements):
    sign_in(client, make_user(db_session, "admin").email)
    for url in PAGES:
        client.get(_existing(app, url))  # warm-up: the session's own bookkeeping
    statements.clear()
    for url in PAGES:
        assert client.get(_existing(app, url)).status_code == 200
    writes = [s for s in statements if re.match(r"\s*(INSERT|UPDATE|DELETE)", s, re.I)]
    assert writes == []


def test_a_missing_item_is_a_404(client, db_session):
    sign_in(client, make_user(db_session, "admin").email)
    for url in ("/preview/quizzes/nope", "/preview/roleplays/nope", "/preview/tracks/nope",
                "/preview/courses/nope/nope"):  # fmt: skip
        assert client.get(url).status_code == 404, url
