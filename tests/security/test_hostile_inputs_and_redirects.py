"""Behaviour a pre-release review checked and found right, locked in so it stays right:
hostile query strings, other teams' ids, content files removed under existing records, and
redirect targets after sign-in and language switch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import sign_in
from tests.web.roleplay_helpers import CASE, as_user
from trainhub.content import catalog
from trainhub.quizzes.models import QuizAttempt

REPO = Path(__file__).resolve().parents[2]
QUIZ = "prospecting-basics"


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    root = tmp_path / "content-root"
    for folder in ("content", "quizzes", "roleplays"):
        shutil.copytree(REPO / folder, root / folder)
    return root


@pytest.fixture
def app_config(app_config, content_root):
    # A private copy of the content, so a test may delete files under existing records.
    return {**app_config, "CONTENT_ROOT": str(content_root)}


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999999",
        "page=-5",
        "month=9999-99",
        "month=%00",
        "status=nope",
        "sort=__class__",
        "order=sideways",
        "mentor=abc",
        "mentor=99999999999999999999999",
        "track=%ff%fe",
    ],
)
def test_hostile_team_filters_give_a_page_or_a_422_never_a_500(client, login_as, query):
    login_as("manager")
    assert client.get(f"/team/?{query}").status_code in (200, 422)
    assert client.get(f"/team/export.csv?{query}").status_code in (200, 422)


def test_another_teams_staff_and_hires_cannot_open_a_hires_records(client, db_session):
    cast = factories.make_team(db_session)
    other = factories.make_team(db_session)
    attempt = factories.make_attempt(db_session, cast["hire"], QUIZ, 80.0)
    db_session.commit()
    hire_id = cast["hire"].id
    for outsider in (other["mentor"], other["manager"], other["hire"]):
        as_user(client, outsider.email)
        assert client.get(f"/quizzes/attempts/{attempt.id}").status_code == 403
        assert client.get(f"/quizzes/attempts/{attempt.id}/grade").status_code == 403
        assert client.get(f"/team/{hire_id}").status_code == 403
        assert client.get(f"/team/{hire_id}/certificate").status_code == 403
        assert client.get(f"/reviews/hires/{hire_id}").status_code == 403


def test_a_backslash_next_after_sign_in_stays_on_this_site(client, db_session):
    # Browsers read "/\evil" as "//evil"; it must reach the Location header encoded.
    user = factories.make_user(db_session, "hire")
    db_session.commit()
    response = client.post_form(
        "/login?next=/%5Cevil.example", {"email": user.email, "password": factories.PASSWORD}
    )
    location = response.headers["Location"]
    assert response.status_code == 302
    assert not location.startswith(("//", "/\\", "http"))


def test_the_language_switch_never_returns_to_another_site(client, login_as):
    login_as("hire")
    response = client.post_form(
        "/language",
        {"locale": "ru"},
        token_from="/",
        headers={"Referer": "http://localhost.evil.example/phish"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_reviews_and_team_pages_survive_a_deleted_case_file(client, db_session, content_root, app):
    cast = factories.make_team(db_session)
    with app.app_context():
        case = catalog().roleplays[CASE]
    submission = factories.make_submission(db_session, cast["hire"], case)
    db_session.commit()
    (content_root / "roleplays" / f"{CASE}.md").unlink()
    sign_in(client, cast["mentor"].email)
    for url in ("/reviews/", f"/reviews/{submission.id}", f"/reviews/hires/{cast['hire'].id}"):
        assert client.get(url).status_code == 200, url
    as_user(client, cast["manager"].email)
    for url in ("/team/", f"/team/{cast['hire'].id}", "/team/export.csv"):
        assert client.get(url).status_code == 200, url
    as_user(client, cast["hire"].email)
    for url in ("/", "/roleplays/"):
        assert client.get(url).status_code == 200, url


def test_an_open_attempt_can_still_be_submitted_after_its_quiz_file_is_deleted(
    client, db_session, content_root
):
    cast = factories.make_team(db_session)
    db_session.commit()
    sign_in(client, cast["hire"].email)
    client.post_form(f"/quizzes/{QUIZ}/start", token_from=f"/quizzes/{QUIZ}")
    attempt_id = db_session.scalar(sa.select(sa.func.max(QuizAttempt.id)))
    url = f"/quizzes/attempts/{attempt_id}"
    for name in (f"{QUIZ}.yaml", f"{QUIZ}.gift"):
        (content_root / "quizzes" / name).unlink()
    assert client.get(url).status_code == 200
    assert client.post_form(url, {"submit": "1"}, token_from=url).status_code == 302
    assert client.get(url).status_code == 200
    as_user(client, cast["manager"].email)
    for page in ("/team/", f"/team/{cast['hire'].id}", "/team/export.csv", url):
        assert client.get(page).status_code == 200, page


def test_team_pages_survive_a_deleted_course_folder(client, db_session, content_root, app):
    cast = factories.make_team(db_session)
    hire = cast["hire"]
    with app.app_context():
        cat = catalog()
        slug = next(s.slug for s in cat.tracks[hire.track].steps if s.kind == "course")
        factories.make_completions(db_session, hire, cat.courses[slug])
    db_session.commit()
    shutil.rmtree(content_root / "content" / "courses" / slug)
    sign_in(client, cast["manager"].email)
    for url in ("/team/", f"/team/{hire.id}", "/team/export.csv"):
        assert client.get(url).status_code == 200, url
    as_user(client, hire.email)
    for url in ("/", "/courses/"):
        assert client.get(url).status_code == 200, url
