"""axe-core (vendored, tests/axe/) on every main page of each role, at 1280×900 and 375×740,
in English and Russian: no violation at all; and at 375 px nothing is wider than the screen.

The pages are found as a person finds them: from each role's home page, following the links on
it and on the pages it leads to, one page per route (``url_map`` endpoint) for each role (the
two demo hires share their routes but for the pages in PER_ROLE). One demo site (SQLite: the
markup does not depend on the database) and one browser serve the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.browser.site import (
    Site,
    axe_violations,
    demo_site,
    new_context,
    overflow,
    sign_in,
    sqlite_copy,
)
from trainhub.auth.models import User
from trainhub.db import utcnow
from trainhub.extensions import db
from trainhub.quizzes.models import QuizAttempt
from trainhub.refresh import refresh
from trainhub.roleplays.models import RoleplaySubmission
from trainhub.team.models import Clearance

ROLES = {
    "hire": "hire@demo.local",
    "ready-hire": "ready@demo.local",
    "mentor": "mentor@demo.local",
    "manager": "manager@demo.local",
    "admin": "admin@demo.local",
}
# Pages that are not HTML for a person to read, or that change something when opened.
SKIP_ENDPOINTS = {
    "team.export_csv",
    "calendar.feed",
    "roleplays.attachment",
    "signoff_requests.evidence",
    "api.readiness",
    "api.openapi",
    "home.healthz",
    "home.readyz",
    "static",
}
MAX_DEPTH = 2
# The second demo hire (everything done) checks only these again, and the pages the first
# one (nothing done yet) could not reach.
PER_ROLE = {"home.index", "search.results", "courses.lesson", "roleplays.case", "quizzes.take"}


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("a11y")
    with demo_site(tmp, sqlite_copy(sqlite_template, tmp), synthetic_hires=6) as found:
        _clear_the_ready_hire(found)
        yield found


def _clear_the_ready_hire(site: Site) -> None:
    """A certificate exists once a manager clears a ready hire: clear the demo's ready hire,
    as the manager's button does, so the crawl reaches the certificate page."""
    with site.app.app_context():
        ready = db.session.scalar(sa.select(User).where(User.email == ROLES["ready-hire"]))
        manager = db.session.scalar(sa.select(User).where(User.email == ROLES["manager"]))
        assert ready is not None and manager is not None
        db.session.add(Clearance(user_id=ready.id, cleared_by_id=manager.id, cleared_at=utcnow()))
        refresh(db.session, [ready.id], utcnow())
        db.session.commit()


def _endpoint(site: Site, url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc and f"{parts.scheme}://{parts.netloc}" != site.url:
        return None
    try:
        endpoint, _args = site.app.url_map.bind("localhost").match(parts.path, method="GET")
    except Exception:  # not a GET page of the app (404, 405, a redirect rule)
        return None
    return str(endpoint)


def _seeds(site: Site) -> dict[str, list[str]]:
    """Besides each home page: a search, and pages the demo reaches only after work is done
    (a graded attempt, a reviewed answer), found in the database."""
    with site.app.app_context():
        ready = db.session.scalar(sa.select(User).where(User.email == ROLES["ready-hire"]))
        assert ready is not None
        attempt = db.session.scalar(
            sa.select(QuizAttempt.id).where(QuizAttempt.user_id == ready.id).limit(1)
        )
        answer = db.session.scalar(
            sa.select(RoleplaySubmission.id).where(RoleplaySubmission.user_id == ready.id).limit(1)
        )
        ready_id = ready.id
    return {
        "hire": ["/", "/search?q=objections"],
        "ready-hire": ["/", f"/quizzes/attempts/{attempt}", f"/team/{ready_id}/certificate"],
        "mentor": ["/", f"/reviews/{answer}", "/search?q=продажи"],
        # One page per endpoint is crawled: the certificate of the (cleared) ready hire is
        # seeded, as the team page the crawl happens to open may be another hire's.
        "manager": ["/", "/search?q=lead generation", f"/team/{ready_id}/certificate"],
        "admin": ["/"],
    }


def _crawl(site: Site, page: Any, seeds: list[str], seen: set[str]) -> dict[str, str]:
    """One URL per endpoint reachable from the seeds by links, breadth first."""
    found: dict[str, str] = {}
    visited: set[str] = set()
    frontier = [(f"{site.url}{s}", 0) for s in seeds]
    while frontier:
        url, depth = frontier.pop(0)
        endpoint = _endpoint(site, url)
        if endpoint is None or endpoint in SKIP_ENDPOINTS or endpoint in visited:
            continue
        if endpoint in seen and endpoint not in PER_ROLE and depth == MAX_DEPTH:
            continue  # checked already, and no link of it would be followed
        visited.add(endpoint)
        response = page.goto(url, wait_until="domcontentloaded")
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if response.status == 200 and (endpoint in PER_ROLE or endpoint not in seen):
            found[endpoint] = url.split("#")[0]
            seen.add(endpoint)
        if depth < MAX_DEPTH:
            links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            frontier += [(link, depth + 1) for link in links]
    return found


@pytest.fixture(scope="module")
def pages(site: Site, browser) -> dict[str, tuple[Any, dict[str, str]]]:
    """Per role: its signed-in storage state and its pages (endpoint -> URL)."""
    found: dict[str, tuple[Any, dict[str, str]]] = {}
    seeds = _seeds(site)
    seen: set[str] = set()
    for role, email in ROLES.items():
        if role != "ready-hire":
            seen = set()  # every route of each role; the two hires share one set
        context = new_context(browser, "desk")
        page = context.new_page()
        sign_in(page, site.url, email)
        state = context.storage_state()
        found[role] = (state, _crawl(site, page, seeds[role], seen))
        context.close()
    return found


def test_the_crawl_reaches_each_roles_main_pages(pages) -> None:
    reached = {role: set(urls) for role, (_state, urls) in pages.items()}
    everything = set().union(*reached.values())
    assert {"home.index", "search.results"} <= reached["hire"] & reached["mentor"]
    assert {"home.index", "search.results"} <= reached["manager"]
    assert {"courses.index", "courses.lesson", "quizzes.take", "roleplays.case"} <= reached["hire"]
    assert {"notifications.index", "account.settings"} <= reached["hire"]
    assert {"quizzes.attempt"} <= reached["ready-hire"]
    assert {"reviews.queue", "reviews.review", "signoffs.hire"} <= reached["mentor"]
    assert {"team.dashboard", "team.hire", "team.certificate"} <= reached["manager"]
    assert {"admin.people", "admin.edit_person", "admin.content", "audit.log"} <= reached["admin"]
    assert everything


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("size", ["desk", "phone"])
def test_no_axe_violation_on_any_main_page(site, browser, pages, size, lang) -> None:
    problems: list[str] = []
    checked = 0
    anonymous = new_context(browser, size, lang)
    page = anonymous.new_page()
    page.goto(f"{site.url}/login")
    problems += [f"/login: {v}" for v in axe_violations(page)]
    anonymous.close()
    for role, (state, urls) in pages.items():
        context = new_context(browser, size, lang, state)
        page = context.new_page()
        for endpoint, url in urls.items():
            page.goto(url)
            assert page.get_attribute("html", "lang") == lang, url
            for violation in axe_violations(page):
                problems.append(f"{role} {endpoint} {urlsplit(url).path}: {violation}")
            if size == "phone":
                problems += [f"{role} {endpoint} overflow: {w}" for w in overflow(page)]
            checked += 1
        context.close()
    assert checked > 60
    assert problems == [], "\n".join(problems)
