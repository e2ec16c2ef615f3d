"""Content in the reader's language: a Russian hire reads the Russian lesson, is told when a
lesson is not translated, takes the Russian quiz and is graded exactly as an English hire is;
history stays with the item, and the mentor sees which text was answered."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from tests import factories
from tests.conftest import sign_in
from tests.fixtures.translated_content import make_tree
from tests.web.quiz_helpers import as_user, attempt_id, form_data, start, submit
from trainhub.content import catalog
from trainhub.courses.models import LessonCompletion
from trainhub.notifications.kinds import title_of
from trainhub.notifications.models import Notification
from trainhub.quizzes.models import QuizAttempt
from trainhub.roleplays.models import RoleplaySubmission

NOTE_RU = "Этот урок ещё не переведён."


@pytest.fixture
def app_config(app_config, tmp_path_factory):
    root = make_tree(tmp_path_factory.mktemp("translated"))
    return {**app_config, "CONTENT_ROOT": str(root)}


def _text(page: Any) -> str:
    return page.get_data(as_text=True)


def test_a_russian_hire_reads_the_russian_lesson_and_a_note_on_the_untranslated_one(
    client, login_as, db_session
):
    login_as("hire", track="seller", locale="ru")
    courses = _text(client.get("/courses/"))
    assert "Основы продаж" in courses and "Sales basics" not in courses
    course = _text(client.get("/courses/basics/"))
    assert "Воронка" in course and "The funnel" not in course

    lesson = _text(client.get("/courses/basics/funnel"))
    assert "У воронки есть этапы" in lesson and "The funnel has stages" not in lesson
    assert 'data-testid="untranslated"' not in lesson
    # The link to the next lesson (written to its Russian file) is the lesson's one URL.
    assert 'href="kpis"' in lesson

    other = _text(client.get("/courses/basics/kpis"))
    assert "Conversion is measured at each stage." in other
    assert NOTE_RU in other and 'lang="en"' in other


def test_an_english_reader_gets_the_originals_and_no_note(client, login_as):
    login_as("hire", track="seller", locale="en")
    lesson = _text(client.get("/courses/basics/funnel"))
    assert "The funnel has stages" in lesson and "Воронка" not in lesson
    assert 'data-testid="untranslated"' not in _text(client.get("/courses/basics/kpis"))


def test_a_completion_belongs_to_the_lesson_whatever_the_language(client, login_as, db_session):
    hire = login_as("hire", track="seller", locale="ru")
    url = "/courses/basics/funnel"
    client.post_form(f"{url}/complete", token_from=url)
    rows = db_session.query(LessonCompletion).filter_by(user_id=hire).all()
    original = catalog_of(client).courses["basics"].lesson("funnel")
    assert [(r.lesson_slug, r.lesson_hash, r.text_language) for r in rows] == [
        ("funnel", original.content_hash, "ru")
    ]
    assert rows[0].text_hash and rows[0].text_hash != original.content_hash
    # Read again in English: still done, no second record.
    db_session.get(factories.User, hire).locale = "en"
    assert 'data-testid="lesson-done"' in _text(client.get(url))


def catalog_of(client: Any) -> Any:
    with client.application.app_context():
        return catalog()


def _answers(layout: dict[str, Any]) -> dict[str, Any]:
    """The same picks in any language: by position, never by text. Some right, some wrong."""
    picked: dict[str, Any] = {}
    for entry in layout["questions"]:
        q = entry["question"]
        if q["type"] == "single":
            picked[q["id"]] = 0
        elif q["type"] == "multiple":
            picked[q["id"]] = [0, 2]
        elif q["type"] == "true_false":
            picked[q["id"]] = False
        elif q["type"] == "numeric":
            picked[q["id"]] = "25"
        elif q["type"] == "matching":
            first = q["pairs"][0]["answer"]
            picked[q["id"]] = {"0": first, "1": first}
    return picked


def _take(client: Any, db_session: Any) -> QuizAttempt:
    attempt = attempt_id(start(client, "kpi-quiz"))
    row = db_session.get(QuizAttempt, attempt)
    page = _text(client.get(f"/quizzes/attempts/{attempt}"))
    submit(client, attempt, form_data(row.layout, _answers(row.layout)))
    db_session.expire_all()
    found = db_session.get(QuizAttempt, attempt)
    assert found is not None and found.status == "graded"
    found.page = page  # type: ignore[attr-defined]
    return found


def test_a_translated_quiz_is_graded_as_the_original(app, client, login_as, db_session):
    team = factories.make_team(db_session, track="seller", hires=2)
    russian, english = team["hires"]
    russian.locale, english.locale = "ru", "en"
    team["mentor"].locale = "ru"
    db_session.commit()

    sign_in(client, russian.email)
    ru = _take(client, db_session)
    assert "Что такое конверсия?" in ru.page and "What is conversion?" not in ru.page
    as_user(client, english.email)
    en = _take(client, db_session)
    assert "What is conversion?" in en.page

    assert (ru.score, ru.max_score, ru.percent, ru.is_passed) == (
        en.score,
        en.max_score,
        en.percent,
        en.is_passed,
    )
    assert 0 < ru.percent < 100
    assert {k: v["points"] for k, v in ru.results.items()} == {
        k: v["points"] for k, v in en.results.items()
    }
    # One item, one history: the same quiz version; the text read is kept beside it.
    assert ru.quiz_hash == en.quiz_hash == catalog_of(client).quizzes["kpi-quiz"].content_hash
    assert (ru.text_language, en.text_language, en.text_hash) == ("ru", None, None)
    assert ru.text_hash == catalog_of(client).in_language("ru").quizzes["kpi-quiz"].text_hash

    # The mentor (who reads Russian) sees which text each hire answered.
    as_user(client, team["mentor"].email)
    seen_ru = _text(client.get(f"/quizzes/attempts/{ru.id}"))
    seen_en = _text(client.get(f"/quizzes/attempts/{en.id}"))
    assert "Язык ответа: русский, текущий перевод" in seen_ru
    assert "Язык ответа: английский, оригинал" in seen_en


def test_the_key_of_a_translated_quiz_stays_out_of_the_page(client, login_as, db_session):
    login_as("hire", track="seller", locale="ru")
    attempt = attempt_id(start(client, "kpi-quiz"))
    page = _text(client.get(f"/quizzes/attempts/{attempt}"))
    assert "Верно." not in page  # a numeric answer's feedback, only in the key
    assert not re.search(r'value="20(\.0)?"', page)


def test_a_case_answered_in_russian_shows_so_on_the_review_page(client, db_session):
    team = factories.make_team(db_session, track="seller")
    hire, mentor = team["hire"], team["mentor"]
    hire.locale, mentor.locale = "ru", "en"
    db_session.commit()
    sign_in(client, hire.email)
    url = "/roleplays/cold-call"
    page = _text(client.get(url))
    assert "Холодный звонок" in page and "Напишите, что вы скажете." in page
    client.post_form(url, {"text": "Добрый день, Анна!", "submit": "1"}, token_from=url)
    row = db_session.query(RoleplaySubmission).filter_by(user_id=hire.id).one()
    assert (
        row.text_language == "ru"
        and row.case_hash == catalog_of(client).roleplays["cold-call"].content_hash
    )
    as_user(client, mentor.email)
    review = _text(client.get(f"/reviews/{row.id}"))
    assert "Language of the answer: Russian, the current translation" in review
    assert "A cold call" in review  # the mentor reads the case in English


def test_content_status_prints_a_table_per_language(runner, app_config):
    result = runner.invoke(args=["content", "status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["original", "(en)", "ru", "uk"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:] if line.strip()}
    assert rows["content/courses/basics/01-funnel.md"] == ["translated", "missing"]
    assert rows["content/courses/basics/02-kpis.md"] == ["missing", "missing"]
    assert rows["quizzes/kpi-quiz.yaml"] == ["translated", "missing"]
    assert "ru: 5 of 6 files translated (0 out of date, 0 without a version, 0 drifted and " in (
        result.output
    )
    only = runner.invoke(args=["content", "status", "--language", "uk"])
    assert only.output.splitlines()[0].split() == ["original", "(en)", "uk"]


def test_content_check_reports_a_drifted_translation_and_fails(runner, app_config):
    root = app_config["CONTENT_ROOT"]
    path = f"{root}/quizzes/kpi-quiz.ru.yaml"
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace("      - text: Количество звонков\n", ""))
    result = runner.invoke(args=["content", "check", "--root", root])
    assert result.exit_code == 1
    assert "quizzes/kpi-quiz.ru.yaml:6: question 1: 1 'choices', but the original has 2" in (
        result.output
    )


def test_a_regrade_matches_a_russian_attempt_against_the_russian_texts(
    app, client, db_session, runner
):
    """The original's pass mark goes up: the Russian attempt keeps its picks (matched by the
    Russian texts it was asked in) and only its verdict moves, as an English one would."""
    hire = factories.make_user(db_session, "hire", track="seller", locale="ru")
    db_session.commit()
    sign_in(client, hire.email)
    attempt = _take(client, db_session)
    before = attempt.percent
    assert before is not None and 30 <= before < 60 and attempt.is_passed is False
    root = app.config["CONTENT_ROOT"]
    path = f"{root}/quizzes/kpi-quiz.yaml"
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace("pass_mark: 60", "pass_mark: 30"))
    result = runner.invoke(args=["quiz", "regrade", "kpi-quiz"])
    assert result.exit_code == 0, result.output
    assert "regraded 1 attempts" in result.output
    db_session.rollback()  # a new snapshot: the command wrote in its own transaction
    row = db_session.get(QuizAttempt, attempt.id)
    assert (row.percent, row.is_passed) == (before, True)
    assert row.answers == attempt.answers and row.text_language == "ru"


def test_a_refused_upload_is_explained_in_the_readers_language(client, login_as):
    """The service raises its reason in English; the page shows it translated."""
    login_as("hire", track="seller", locale="ru")
    url = "/roleplays/cold-call"
    page = client.post_form(
        url,
        {"text": "Ответ", "save": "1", "attachment": (io.BytesIO(b""), "call.mp3")},
        token_from=url,
        content_type="multipart/form-data",
    )
    assert page.status_code == 422
    assert "Файл пустой." in _text(page) and "The file is empty." not in _text(page)


def test_a_notice_names_the_case_in_its_readers_language(app, client, db_session):
    """The hire answers in Russian; the English-reading mentor's notice (on the page and in
    the e-mail) names the case in English, and a Russian reader's in Russian."""
    team = factories.make_team(db_session, track="seller")
    hire, mentor = team["hire"], team["mentor"]
    hire.locale, mentor.locale = "ru", "en"
    db_session.commit()
    sign_in(client, hire.email)
    url = "/roleplays/cold-call"
    client.post_form(url, {"text": "Добрый день!", "submit": "1"}, token_from=url)
    notice = db_session.query(Notification).filter_by(recipient_id=mentor.id).one()
    with app.app_context():
        assert "A cold call" in title_of(notice.kind, notice.data, "en")
        assert "Холодный звонок" in title_of(notice.kind, notice.data, "ru")
        # Gone from the files: the title stored with the notice still says what it was.
        assert "Холодный звонок" in title_of(
            notice.kind, {**notice.data, "case_slug": "gone"}, "en"
        )
        signoff = {"hire": "Анна", "item": "Shadowed a call", "item_slug": "shadowed"}
        signoff["track"] = "seller"
        assert "Прослушал звонок с наставником" in title_of("signoff_requested", signoff, "ru")
        step = {"step": "KPI quiz", "step_kind": "quiz", "step_slug": "kpi-quiz", "due_on": ""}
        assert "Тест по показателям" in title_of("step_due_soon", step, "ru")


def test_the_home_page_names_the_steps_in_each_readers_language(client, db_session):
    """Readiness is kept per worker by catalog version: a Russian reader's step titles are
    never handed to an English one, nor the other way round."""
    russian = factories.make_user(db_session, "hire", track="seller", locale="ru")
    english = factories.make_user(db_session, "hire", track="seller", locale="en")
    db_session.commit()
    sign_in(client, russian.email)
    page = _text(client.get("/"))
    for title in ("Лидогенерация", "Основы продаж", "Тест по показателям", "Холодный звонок"):
        assert title in page
    assert "Прослушал звонок с наставником" in page and "Shadowed a call" not in page
    as_user(client, english.email)
    page = _text(client.get("/"))
    assert "Lead generation" in page and "KPI quiz" in page and "Shadowed a call" in page
    assert "Тест по показателям" not in page
