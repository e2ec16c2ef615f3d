"""Issue 19's stale work, clicked through in Chromium: the lesson, quiz and case a hire did
change; the mentor reads what changed on the hire's page, asks for the lesson again and marks
the quiz's change as minor; the hire is told, reads the lesson again, and the flag goes."""

from __future__ import annotations

from playwright.sync_api import expect

# The content tree, the team who did everything before the change, and the change itself are
# the web tests' (tests/web/test_stale_content.py): this walk clicks what they post.
from tests.web.test_stale_content import _change_all, app_config, team  # noqa: F401

LESSON_NOTE = "The lesson “The KPIs” changed after {name} completed it."


def _as(page, browser_login, email: str) -> None:
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").click()
        # Not wait_for_load_state (the old page is loaded already): a sign-in started before
        # the sign-out's answer would cancel it, and /login sends a signed-in person home.
        page.wait_for_url("**/login")
    browser_login(email)


def test_mentor_asks_for_the_lesson_again_and_keeps_the_quiz(
    app,
    live_server,
    page,
    browser_login,
    team,  # noqa: F811
):
    _change_all(app)
    hire_id, email, name = team["hire"]

    _as(page, browser_login, team["mentor"])
    page.goto(f"{live_server}/team/{hire_id}")
    notes = page.get_by_test_id("changed-notes")
    lesson = notes.get_by_test_id("changed-note").filter(has_text="The lesson “The KPIs”")
    expect(lesson).to_contain_text(LESSON_NOTE.format(name=name))
    lesson.get_by_role("button", name="Ask to redo").click()
    expect(
        page.get_by_text(f"{name} is asked to read the lesson “The KPIs” again.")
    ).to_be_visible()
    # A second look at the page offers no second request for the same change.
    redo = page.get_by_test_id("redo-note").filter(has_text="The KPIs")
    expect(redo.get_by_role("button")).to_have_count(0)

    quiz = page.get_by_test_id("changed-note").filter(has_text="The quiz “KPI quiz”")
    quiz.get_by_role("button", name="Minor change: keep it done").click()
    expect(
        page.get_by_test_id("changed-note").filter(has_text="The quiz “KPI quiz”")
    ).to_have_count(0)

    # The hire is told, in the app, and reads the lesson again.
    _as(page, browser_login, email)
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_test_id("notices")).to_contain_text("The KPIs")
    page.goto(f"{live_server}/courses/basics/kpis")
    expect(
        page.get_by_text("You are asked to read the lesson “The KPIs” again", exact=False)
    ).to_be_visible()
    # Like "Mark as read", it goes on to the next lesson: wait for the POST's answer.
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_test_id("read-again").click()
    page.goto(f"{live_server}/courses/basics/kpis")
    expect(page.get_by_test_id("lesson-done")).to_be_visible()
    expect(page.get_by_test_id("read-again")).to_have_count(0)
    # The quiz the mentor kept says nothing more to the hire.
    page.goto(f"{live_server}/quizzes/kpi-quiz")
    expect(page.get_by_text("changed after you passed it")).to_have_count(0)
