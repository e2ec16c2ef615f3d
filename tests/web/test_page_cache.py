"""Re-read lesson pages come from the page cache, and never show anything stale or foreign.

Every test here reads a page once (rendered, then kept) and again (from the cache), then
checks that what a person would notice after a change (their progress, their language, their
nav, their name) is on the page.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests import factories
from tests.conftest import sign_in
from tests.web.roleplay_helpers import answer, as_user, team
from trainhub.courses.models import LessonCompletion
from trainhub.courses.pagecache import EXTENSION, PageCache

LESSON = "/courses/sales-department-foundations/the-sales-conveyor"
_TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def _read_twice(client, url: str = LESSON) -> str:
    first = client.get(url).get_data(as_text=True)
    second = client.get(url).get_data(as_text=True)
    # The second read is the kept page, byte for byte (a fresh render would sign a new token).
    assert second == first
    return second


def test_a_re_read_lesson_comes_from_the_cache(app, client, login_as):
    login_as("hire")
    _read_twice(client)
    assert len(app.extensions[EXTENSION]) == 1


def test_the_cached_pages_csrf_token_is_accepted(client, login_as, db_session):
    hire_id = login_as("hire")
    page = _read_twice(client)
    token = _TOKEN.search(page.split('class="lesson-actions"')[1])
    assert token is not None
    assert client.post(LESSON + "/complete", data={"csrf_token": token.group(1)}).status_code == 302
    done = db_session.scalar(
        sa.select(sa.func.count())
        .select_from(LessonCompletion)
        .where(LessonCompletion.user_id == hire_id)
    )
    assert done == 1


def test_completing_the_lesson_shows_on_the_next_read(client, login_as):
    login_as("hire")
    page = _read_twice(client)
    assert "Mark as complete" in page and 'data-testid="lesson-done"' not in page
    client.post_form(LESSON + "/complete", token_from=LESSON)
    page = client.get(LESSON).get_data(as_text=True)
    assert 'data-testid="lesson-done"' in page
    assert "Course progress: 1 of" in page


def test_each_person_sees_their_own_page(app, client, db_session):
    first = factories.make_user(db_session, "hire", name="Alice Firstreader")
    second = factories.make_user(db_session, "hire", name="Boris Secondreader")
    db_session.commit()
    sign_in(client, first.email)
    alice_page = _read_twice(client)
    other_browser = app.test_client()
    sign_in(other_browser, second.email)
    boris_page = _read_twice(other_browser)
    assert "Boris Secondreader" in boris_page and "Alice Firstreader" not in boris_page
    assert set(_TOKEN.findall(boris_page)).isdisjoint(_TOKEN.findall(alice_page))


def test_switching_language_changes_the_cached_page(client, login_as):
    login_as("hire")
    assert "Mark as complete" in _read_twice(client)
    client.post_form("/language", {"locale": "ru"}, token_from=LESSON)
    page = client.get(LESSON).get_data(as_text=True)
    assert 'lang="ru"' in page and "Mark as complete" not in page


def test_a_flash_message_is_shown_once_and_not_kept(client, login_as):
    login_as("hire")
    _read_twice(client)
    # Completing the last lesson of nothing else redirects back with a message.
    client.post_form(LESSON + "/complete", token_from=LESSON)
    shown = client.get(client.get(LESSON).request.path).get_data(as_text=True)
    assert shown.count("Lesson marked as complete.") <= 1
    assert "Lesson marked as complete." not in client.get(LESSON).get_data(as_text=True)


def test_a_mentors_nav_badge_updates_on_a_cached_page(client, db_session):
    cast = team(db_session)
    sign_in(client, cast["mentor"].email)
    assert 'data-testid="queue-count"' not in _read_twice(client)
    as_user(client, cast["hire"].email)
    assert answer(client, "My answer to the gatekeeper.").status_code == 302
    as_user(client, cast["mentor"].email)
    page = client.get(LESSON).get_data(as_text=True)
    assert 'data-testid="queue-count">1<' in page


def test_a_signed_out_person_gets_no_cached_page(client, login_as):
    login_as("hire")
    _read_twice(client)
    client.post_form("/logout", token_from=LESSON)
    response = client.get(LESSON)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_cache_is_bounded():
    cache = PageCache(size=2)
    for key in "abc":
        cache.put(key, f"page {key}")
    assert len(cache) == 2
    assert cache.get("a") is None and cache.get("c") == "page c"
    cache.get("b")  # recently used: kept over "c"
    cache.put("d", "page d")
    assert cache.get("b") == "page b" and cache.get("c") is None


def test_the_session_cookie_is_re_signed_only_after_the_interval(app, client, login_as):
    login_as("hire")
    client.get(LESSON)
    assert "Set-Cookie" not in client.get(LESSON).headers
    app.config["SESSION_REFRESH_INTERVAL"] = 0
    refreshed = client.get(LESSON).headers.get("Set-Cookie", "")
    assert refreshed.startswith("session=") and "Expires=" in refreshed


def test_with_a_csrf_time_limit_pages_are_not_kept(app, client, login_as):
    # A kept page's token would expire inside the cache.
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    login_as("hire")
    client.get(LESSON)
    client.get(LESSON)
    assert len(app.extensions.get(EXTENSION) or []) == 0


def test_the_first_lesson_read_after_signing_in_is_kept(app, client, db_session):
    # Sign-in starts a new session with its CSRF secret already made: the first page read
    # afterwards can be kept (a page that made the secret while rendering would not be).
    hire = factories.make_user(db_session, "hire", track="lead-generation")
    db_session.commit()
    assert sign_in(client, hire.email).status_code == 302
    first = client.get(LESSON).get_data(as_text=True)
    assert len(app.extensions[EXTENSION]) == 1
    assert client.get(LESSON).get_data(as_text=True) == first
