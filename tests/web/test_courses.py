"""Reading courses and completing lessons."""

from __future__ import annotations

import sqlalchemy as sa

from trainhub.courses.models import LessonCompletion

LESSON = "/courses/sales-department-foundations/the-sales-conveyor"


def test_catalog_lists_the_hires_role_first(client, login_as):
    login_as("hire", track="account-manager")
    page = client.get("/courses/").get_data(as_text=True)
    mine, _, others = page.partition("Other roles")
    assert "Account management" in mine or "account-management" in mine
    assert "/courses/prospecting/" in others


def test_lesson_page_has_toc_and_neighbours(client, login_as):
    login_as("hire")
    page = client.get(LESSON)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "On this page" in text and "toc-details" in text
    assert 'rel="next"' in text
    assert "Mark as complete" in text


def test_completing_a_lesson_twice_gives_one_record(client, login_as, db_session):
    hire_id = login_as("hire")
    token = client.csrf_token(LESSON)
    for _ in range(2):  # a double click
        response = client.post(LESSON + "/complete", data={"csrf_token": token})
        assert response.status_code == 302
    count = db_session.scalar(
        sa.select(sa.func.count())
        .select_from(LessonCompletion)
        .where(LessonCompletion.user_id == hire_id)
    )
    assert count == 1
    assert "lesson-done" in client.get(LESSON).get_data(as_text=True)


def test_completion_moves_the_progress_bar_on_home(client, login_as):
    login_as("hire")
    before = client.get("/").get_data(as_text=True)
    assert 'aria-valuenow="0"' in before
    client.post_form(LESSON + "/complete", token_from=LESSON)
    after = client.get("/").get_data(as_text=True)
    assert 'aria-valuenow="0"' not in after.split('data-testid="track-progress"')[1][:300]
    assert "1/7 lessons" in after


def test_unknown_course_and_lesson_are_404(client, login_as):
    login_as("hire")
    assert client.get("/courses/nope/").status_code == 404
    assert client.get("/courses/prospecting/nope").status_code == 404


def test_staff_cannot_complete_lessons(client, login_as):
    login_as("mentor")
    response = client.post_form(LESSON + "/complete", token_from=LESSON)
    assert response.status_code == 403


def test_completion_records_the_lesson_version(client, login_as, db_session, app):
    hire_id = login_as("hire")
    client.post_form(LESSON + "/complete", token_from=LESSON)
    row = db_session.scalars(
        sa.select(LessonCompletion).where(LessonCompletion.user_id == hire_id)
    ).one()
    lesson = (
        app.extensions["trainhub.catalog"]
        .get()
        .lesson("sales-department-foundations", "the-sales-conveyor")[1]
    )
    assert row.lesson_hash == lesson.content_hash
