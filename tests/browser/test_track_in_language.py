"""Issue 16's "Done when": with the language set to Russian, and again to Ukrainian, the whole
lead-generation track is walked in Chromium with no English word on any page.

The demo hire (Harper, lead generation, nothing done yet) picks the language in the footer,
then reads the home page and every lesson of every course of the track (marking each one
complete), answers and submits every quiz of the track (the graded result page), answers both
role-play cases and asks for a sign-off; the mentor, whose language is the same, reviews both
answers, approves the request and signs off the other practical steps; the hire reads the
notices and searches the content in the language; the manager reads the dashboard, the
hire's page, clears them, and downloads the CSV (headers and values in the language,
``?lang=``). Every page is scanned by
``tests/browser/english.py``: its visible text and the attributes people are shown.

One demo site per language, one browser context per person, no sleeps: every wait is for a
page or an element.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from playwright.sync_api import expect

from tests.browser.english import Leak, Piece, english_words, page_leaks
from tests.browser.rubric import score_every_criterion
from tests.browser.site import PASSWORD, Site, demo_site, sqlite_copy
from tests.browser.test_journey import _fill, _layout
from trainhub.auth.models import User
from trainhub.catalog import Catalog
from trainhub.content import catalog
from trainhub.db import utcnow
from trainhub.extensions import db
from trainhub.language import LANGUAGES
from trainhub.quizzes.model_answers import model_answers
from trainhub.refresh import refresh
from trainhub.team.export import header

HIRE, MENTOR, MANAGER = "hire@demo.local", "mentor@demo.local", "manager@demo.local"
OTHER_TRACK_HIRE = "ready@demo.local"
TRACK = "lead-generation"
BROWSER_LOCALE = {"ru": "ru-RU", "uk": "uk-UA"}
SEARCHES = {"ru": ("продажа", "продажи", "продаж"), "uk": ("продаж", "продажі", "продажів")}
# What the people type, in the language of the walk (a hire's own words are scanned too).
TYPED = {
    "ru": {
        "answer": "Добрый день! Меня зовут Харпер, я звоню по поводу поставок для офиса. "
        "Подскажите, кто у вас отвечает за закупки канцелярии?",
        "comment": "Хорошее начало, конкретно и честно.",
        "overall": "Одобрено: открытие честное и привязано к клиенту.",
        "note": "Прослушал пять сессий и разобрал каждую с наставником.",
        "signoff": "Проверено наставником.",
    },
    "uk": {
        "answer": "Добрий день! Мене звати Харпер, я телефоную щодо постачання для офісу. "
        "Підкажіть, хто у вас відповідає за закупівлю канцтоварів?",
        "comment": "Гарний початок, конкретно й чесно.",
        "overall": "Схвалено: початок розмови чесний і прив'язаний до клієнта.",
        "note": "Прослухав п'ять сесій і розібрав кожну з наставником.",
        "signoff": "Перевірено наставником.",
    },
}


def accepted_originals(cat: Catalog) -> str:
    """Text a page may show marked ``lang="en"``: the language switch's own names, and the
    texts of items outside the walked track (other roles' tracks, courses, quizzes and cases
    in the lists of all of them; issue 16 does not translate them). Nothing of the walked
    track: its items are read in the language, and a marked piece of them fails the test."""
    track = cat.tracks[TRACK]
    walked = {(step.kind, step.slug) for step in track.steps} | {("track", TRACK)}
    texts = list(LANGUAGES.values())
    for kind, items in (
        ("course", cat.courses),
        ("quiz", cat.quizzes),
        ("roleplay", cat.roleplays),
        ("track", cat.tracks),
    ):
        for slug, item in items.items():
            if (kind, slug) in walked:
                continue
            texts += [item.title, getattr(item, "summary", "") or ""]
            persona = getattr(item, "persona", None)
            if persona is not None:
                texts.append(f"{persona.name}, {persona.role}")
            texts.append(getattr(item, "situation", "") or "")
    return "\n".join(texts)


class Walker:
    """One person in one browser context, who scans every page they are shown."""

    def __init__(self, browser: Any, site: Site, email: str, language: str, found: list) -> None:
        self.site, self.language, self.found = site, language, found
        self.context = browser.new_context(locale=BROWSER_LOCALE[language])
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.accept()))
        self.page.goto(f"{site.url}/login")
        self.scan("login")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form button[type=submit]")
        self.page.wait_for_url(f"{site.url}/")
        # The language picked in the footer: saved on the account, so notices follow it.
        # The page before is in the language already (the browser's locale): wait for the
        # POST's page, or the next goto cancels it and the account keeps its language.
        with self.page.expect_navigation():
            self.page.click(f"form.lang-switch button[value={language}]")
        expect(self.page.locator("html")).to_have_attribute("lang", language)
        self.scan("home")

    def go(self, path: str, name: str) -> None:
        response = self.page.goto(f"{self.site.url}{path}")
        assert response is not None and response.status == 200, (path, response)
        self.scan(name)

    def submit(self, selector: str, name: str) -> None:
        """Click a form's button and scan the page it leads to (with its flashed message)."""
        with self.page.expect_navigation():
            self.page.click(selector)
        self.scan(name)

    def scan(self, name: str) -> None:
        expect(self.page.locator("html")).to_have_attribute("lang", self.language)
        leaks, marked = page_leaks(self.page, self.language)
        self.found.append((name, leaks, marked))

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module", params=["ru", "uk"])
def walk(request, sqlite_template, tmp_path_factory, browser) -> Iterator[dict[str, Any]]:
    """The walk in one language: what every page showed, and the CSV."""
    language = request.param
    tmp = tmp_path_factory.mktemp(f"walk-{language}")
    with demo_site(tmp, sqlite_copy(sqlite_template, tmp)) as site:
        yield _walk(site, browser, language)


def _walk(site: Site, browser: Any, language: str) -> dict[str, Any]:
    found: list[tuple[str, list[Leak], list[Piece]]] = []
    typed = TYPED[language]
    with site.app.app_context():
        cat = catalog()
        hire_id = db.session.scalar(sa.select(User.id).where(User.email == HIRE))
        # Riley, the demo's other hire, follows the account-manager track, which issue 16
        # leaves in English: with no mentor or manager, the walk's pages show only Harper.
        # Written past the ORM, so the kept readiness (and its team counts) is refreshed here,
        # as the admin's form does it.
        riley = db.session.scalar(sa.select(User.id).where(User.email == OTHER_TRACK_HIRE))
        db.session.execute(
            sa.update(User).where(User.id == riley).values(mentor_id=None, manager_id=None)
        )
        refresh(db.session, [riley], utcnow())
        db.session.commit()
        originals = accepted_originals(cat)
    track = cat.tracks[TRACK]

    # --- The hire: every lesson, every quiz, both cases, a sign-off asked for. --------------
    hire = Walker(browser, site, HIRE, language, found)
    page = hire.page
    for step in track.steps:
        if step.kind == "course":
            course = cat.courses[step.slug]
            hire.go(f"/courses/{course.slug}/", f"course {course.slug}")
            for lesson in course.lessons:
                hire.go(f"/courses/{course.slug}/{lesson.slug}", f"lesson {lesson.slug}")
                hire.submit("form[action$='/complete'] button[type=submit]", "lesson done")
        elif step.kind == "quiz":
            hire.go(f"/quizzes/{step.slug}", f"quiz {step.slug}")
            hire.submit(f"form[action$='/{step.slug}/start'] button[type=submit]", "attempt")
            layout = _layout(site, page)
            _fill(page, layout, model_answers(layout))
            hire.scan(f"attempt {step.slug} filled")
            hire.submit("form.quiz-form button[name=submit], form.quiz-form input[name=submit]",
                        f"result {step.slug}")  # fmt: skip
            expect(page.get_by_test_id("verdict")).to_be_visible()
        elif step.kind == "roleplay":
            hire.go(f"/roleplays/{step.slug}", f"case {step.slug}")
            page.fill("textarea[name=text]", typed["answer"])
            hire.submit("form.rp-answer-form [name=submit]", f"case {step.slug} submitted")
            expect(page.get_by_test_id("answer-state")).to_be_visible()
    # The lists of every course, quiz and case (other roles' in the original), notice settings.
    for path in ("/courses/", "/quizzes/", "/roleplays/", "/notifications/settings", "/account/"):
        hire.go(path, path)
    # Search in the language: every form of the word finds the same translated lessons.
    found_by: dict[str, list[str]] = {}
    for query in SEARCHES[language]:
        hire.go(f"/search?q={query}", f"search {query}")
        results = page.locator("[data-testid=search-results] h2")
        found_by[query] = sorted(results.all_inner_texts())
        assert found_by[query], query
        assert page.locator("[data-testid=search-results] h2[lang]").count() == 0
    assert len({tuple(titles) for titles in found_by.values()}) == 1, found_by
    first_signoff = next(s for s in track.steps if s.kind == "signoff")
    hire.go(f"/signoffs/{first_signoff.slug}", "ask for a sign-off")
    page.fill("textarea[name=note]", typed["note"])
    hire.submit("form[action*='/signoffs/'] button[type=submit]", "sign-off asked")
    hire.go("/", "home, steps done")
    assert not hire.dialogs, hire.dialogs

    # --- The mentor, in the same language: both reviews, the sign-offs. --------------------
    mentor = Walker(browser, site, MENTOR, language, found)
    page = mentor.page
    for _case in range(2):
        mentor.go("/reviews/", "review queue")
        with page.expect_navigation():  # else the queue page would be scanned again
            page.locator("[data-testid=queue] a.button.primary").first.click()
        mentor.scan("review form")
        score_every_criterion(page, "4", typed["comment"])
        page.fill("textarea[name=comment]", typed["overall"])
        page.check("input[name=decision][value=approved]")
        mentor.submit("form.rp-review-form button[type=submit]", "review saved")
    mentor.go(f"/reviews/hires/{hire_id}", "answers and sign-offs")
    page.locator(
        f"[data-item='{first_signoff.slug}'] form[action*='/approve'] input[name$=note]"
    ).fill(typed["signoff"])
    mentor.submit(f"[data-item='{first_signoff.slug}'] form[action*='/approve'] button", "approved")
    for step in track.steps:
        if step.kind == "signoff" and step.slug != first_signoff.slug:
            item = page.locator(f"[data-item='{step.slug}']")
            item.locator(f"form[action$='/{step.slug}'] [name$=note]").fill(typed["signoff"])
            mentor.submit(
                f"[data-item='{step.slug}'] form[action$='/{step.slug}'] button", "signed"
            )
    for step in track.steps:
        if step.kind == "signoff":
            expect(page.locator(f"[data-item='{step.slug}']")).to_have_class("card rp-signoff done")
    mentor.go("/notifications/", "mentor notices")
    for path in ("/", "/quizzes/grading", f"/team/{hire_id}"):
        mentor.go(path, f"mentor {path}")

    # --- The hire reads the notices of the reviews and sign-offs. ---------------------------
    hire.go("/", "home, ready")
    hire.go("/notifications/", "hire notices")

    # --- The manager: dashboard, the hire's page, clearance, the CSV. ------------------------
    manager = Walker(browser, site, MANAGER, language, found)
    page = manager.page
    manager.go("/team/", "dashboard")
    expect(page.locator(f"tr[data-hire='{HIRE}'] [data-testid=status]")).to_be_visible()
    manager.go(f"/team/{hire_id}", "hire's page")
    manager.submit("form.clear-form button[type=submit]", "cleared")
    expect(page.get_by_test_id("clearance")).to_be_visible()
    manager.go(f"/team/{hire_id}/certificate", "certificate")
    manager.go("/team/", "dashboard after clearance")
    response = page.request.get(f"{site.url}/team/export.csv?lang={language}")
    assert response.status == 200
    csv_text = response.text().lstrip("\ufeff")
    with site.app.test_request_context(), force_locale(language):
        csv_header = header(language)
    for person in (hire, mentor, manager):
        person.close()
    return {
        "language": language,
        "found": found,
        "csv": csv_text,
        "csv_header": csv_header,
        "originals": originals,
    }


def _report(leaks: list[tuple[str, Leak]]) -> str:
    return "\n".join(f"{name}: {leak}" for name, leak in leaks)


def test_no_english_word_on_any_page(walk) -> None:
    pages = [name for name, _, _ in walk["found"]]
    assert len(pages) > 40  # every lesson, quiz and case was walked
    leaks = [(name, leak) for name, found, _ in walk["found"] for leak in found]
    assert not leaks, f"{len(leaks)} English text(s) in {walk['language']}:\n" + _report(leaks)


def test_only_other_tracks_are_shown_in_the_original(walk) -> None:
    # Marked lang="en": the switch's "English", and items of other tracks, never the walk's.
    wrong = {
        (name, piece.where, piece.text)
        for name, _, marked in walk["found"]
        for piece in marked
        if piece.text not in walk["originals"]
    }
    assert not wrong, "\n".join(f"{n} {w}: {t[:120]!r}" for n, w, t in sorted(wrong))


def test_the_csv_is_in_the_language(walk) -> None:
    rows = list(csv.reader(io.StringIO(walk["csv"])))
    head, harper = rows[0], next(r for r in rows[1:] if HIRE in r)
    assert head == walk["csv_header"] and head[0] != "name", head
    english = {cell: english_words(cell) for cell in [*head, *harper] if english_words(cell)}
    assert not english, english
