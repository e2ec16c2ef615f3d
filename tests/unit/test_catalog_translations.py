"""Translations beside their originals: what the loader serves in each language, and what the
linter says (at which line) about a drifted, out-of-date or misplaced translation."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.fixtures.translated_content import hash_of, make_tree, write
from trainhub.catalog import load_catalog
from trainhub.catalog.sources import split_translation
from trainhub.quizzes.layout import build_layout, grade_layout


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path)


def _messages(root: Path) -> list[str]:
    return [str(p) for p in load_catalog(root, languages=("ru", "uk")).problems]


def _replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_file_names_with_a_language():
    assert split_translation("03-kpis.ru.md") == ("03-kpis.md", "ru")
    assert split_translation("course.uk.yaml") == ("course.yaml", "uk")
    assert split_translation("03-kpis.md") is None
    assert split_translation("kpi-basics.yaml") is None


def test_a_clean_tree_has_only_the_untranslated_lesson_warning(tree):
    assert _messages(tree) == [
        "content/courses/basics/course.ru.yaml:1: warning: lesson 02-kpis.md has no 'ru' "
        "translation: its readers get the original"
    ]


def test_each_language_reads_the_same_items_with_its_texts(tree):
    catalog = load_catalog(tree)
    ru = catalog.in_language("ru")
    assert catalog.in_language("en") is catalog and catalog.in_language("de") is catalog
    assert list(ru.courses) == list(catalog.courses)
    course = ru.courses["basics"]
    assert course.title == "Основы продаж" and course.language == "ru"
    funnel, kpis = course.lessons
    assert (funnel.title, funnel.language, kpis.title, kpis.language) == (
        "Воронка",
        "ru",
        "The KPIs",
        "",
    )
    assert ru.is_untranslated(kpis) and not ru.is_untranslated(funnel)
    assert not catalog.is_untranslated(kpis)
    # History does not fork: same slugs, same content hashes; the text's own hash beside.
    original = catalog.courses["basics"].lessons[0]
    assert funnel.content_hash == original.content_hash
    assert funnel.text_hash == hash_of(tree, "content/courses/basics/01-funnel.ru.md")
    assert funnel.minutes == original.minutes
    assert ru.quizzes["kpi-quiz"].content_hash == catalog.quizzes["kpi-quiz"].content_hash


def test_titles_in_a_language(tree):
    catalog = load_catalog(tree)
    assert catalog.title_of("course", "basics", "ru") == "Основы продаж"
    assert catalog.title_of("course", "basics") == "Sales basics"
    assert catalog.title_of("quiz", "kpi-quiz", "ru") == "Тест по показателям"
    assert catalog.title_of("roleplay", "cold-call", "ru") == "Холодный звонок"
    assert catalog.title_of("track", "seller", "ru") == "Лидогенерация"
    assert catalog.title_of("lesson", "basics/kpis", "ru") == "The KPIs"
    assert catalog.title_of("signoff", "shadowed", "ru", track="seller") == (
        "Прослушал звонок с наставником"
    )
    assert catalog.title_of("quiz", "gone", "ru") is None
    assert catalog.in_language("ru").fingerprint != catalog.fingerprint
    steps = catalog.tracks["seller"].steps
    assert [catalog.step_title("seller", s, "ru") for s in steps] == [
        "Основы продаж",
        "Тест по показателям",
        "Холодный звонок",
        "Прослушал звонок с наставником",
    ]
    assert catalog.step_title("seller", steps[3], "uk") == "Shadowed a call"


def test_a_quiz_translation_grades_exactly_as_the_original(tree):
    catalog = load_catalog(tree)
    original, ru = catalog.quizzes["kpi-quiz"], catalog.in_language("ru").quizzes["kpi-quiz"]
    for a, b in zip(original.questions, ru.questions, strict=True):
        assert (a.id, a.type, a.points, a.answer) == (b.id, b.type, b.points, b.answer)
        assert [c.weight for c in a.choices] == [c.weight for c in b.choices]
        assert [(n.value, n.tolerance, n.weight) for n in a.numbers] == [
            (n.value, n.tolerance, n.weight) for n in b.numbers
        ]
        assert len(a.pairs) == len(b.pairs)
    assert ru.pass_mark == original.pass_mark
    # The same picks (by position) score the same in both languages.
    for quiz in (original, ru):
        layout = build_layout(quiz, random.Random(1))
        picks = {"q-single": 0, "q-multiple": [0, 2], "q-tf": False, "q-num": 20}
        pairs = quiz.question("q-match").pairs
        picks["q-match"] = {"0": pairs[0].answer, "1": pairs[0].answer}
        outcome = grade_layout(layout, picks)
        assert (outcome.score, outcome.percent) == (3.5, 70.0), quiz.title


def test_a_quiz_translation_that_changes_values_or_counts_is_refused(tree):
    rel = "quizzes/kpi-quiz.ru.yaml"
    _replace(tree, rel, "      - text: Количество звонков\n", "")
    _replace(tree, rel, "  - id: q-tf\n", "  - id: q-tf\n    answer: true\n")
    messages = _messages(tree)
    assert (
        f"{rel}:{_line_of(tree, rel, 'choices:')}: question 1: 1 'choices', but the original has 2"
    ) in messages
    assert (
        f"{rel}:{_line_of(tree, rel, 'answer: true')}: question 'q-tf': 'answer' comes from the "
        "original: a translation carries only texts"
    ) in messages
    ru = load_catalog(tree).in_language("ru")
    assert ru.quizzes["kpi-quiz"].title == "KPI quiz"  # drifted: the original is served
    assert ru.quizzes["kpi-quiz"].language == ""


def test_a_quiz_translation_with_another_number_of_questions(tree):
    rel = "quizzes/kpi-quiz.ru.yaml"
    text = (tree / rel).read_text(encoding="utf-8")
    (tree / rel).write_text(text[: text.index("  - id: q-match")], encoding="utf-8")
    assert (
        f"{rel}:{_line_of(tree, rel, 'questions:')}: 4 questions, but the original has 5: "
        "translate each question of the original, in its order"
    ) in _messages(tree)


def test_a_question_named_other_than_the_original(tree):
    rel = "quizzes/kpi-quiz.ru.yaml"
    _replace(tree, rel, "  - id: q-tf\n", "  - id: q-true\n")
    assert (
        f"{rel}:{_line_of(tree, rel, 'q-true')}: question 3 is 'q-tf' in the original, not 'q-true'"
    ) in _messages(tree)


def test_a_case_translation_with_other_criteria_or_levels(tree):
    rel = "roleplays/cold-call.ru.md"
    _replace(tree, rel, "      4: Отличное начало\n", "")
    _replace(tree, rel, "  - key: next-step\n", "  - key: closing\n")
    _replace(tree, rel, "title: Следующий шаг\n", "title: Следующий шаг\n    weight: 80\n")
    messages = _messages(tree)
    levels = _line_of(tree, rel, "levels:")
    assert (
        f"{rel}:{levels}: criterion 'opening' must describe levels 1, 2, 3, 4, as the original does"
    ) in messages
    assert (
        f"{rel}:{_line_of(tree, rel, 'key: closing')}: criterion 2 is 'next-step' in the "
        "original, not 'closing'"
    ) in messages
    assert (
        f"{rel}:{_line_of(tree, rel, 'weight: 80')}: criterion 'closing': 'weight' comes from "
        "the original: a translation carries only texts"
    ) in messages
    assert load_catalog(tree).in_language("ru").roleplays["cold-call"].title == "A cold call"


def test_a_case_translation_keeps_weights_and_passing_score(tree):
    catalog = load_catalog(tree)
    original, ru = catalog.roleplays["cold-call"], catalog.in_language("ru").roleplays["cold-call"]
    assert ru.passing_score == original.passing_score and ru.roles == original.roles
    assert [(c.key, c.weight) for c in ru.rubric] == [(c.key, c.weight) for c in original.rubric]
    assert ru.rubric[1].levels[3] == "Согласован и назначен"
    assert ru.persona is not None and ru.persona.name == "Анна"
    assert "Обратите внимание" in ru.mentor_notes_html


def test_a_track_translation_with_other_steps(tree):
    rel = "content/tracks/seller.ru.yaml"
    _replace(tree, rel, "  - quiz: kpi-quiz\n", "  - quiz: other-quiz\n")
    _replace(tree, rel, "    title: Прослушал", "    due_day: 3\n    title: Прослушал")
    messages = _messages(tree)
    assert (
        f"{rel}:{_line_of(tree, rel, 'other-quiz')}: step 2 is quiz:kpi-quiz in the original: "
        "name it 'quiz: kpi-quiz' here"
    ) in messages
    assert (
        f"{rel}:{_line_of(tree, rel, 'due_day')}: step 4 (sign-off shadowed): 'due_day' comes "
        "from the original: a translation carries only texts"
    ) in messages


def test_a_translation_of_an_older_original_is_out_of_date(tree):
    old = hash_of(tree, "content/courses/basics/01-funnel.md")
    _replace(tree, "content/courses/basics/01-funnel.md", "has stages", "has five stages")
    new = hash_of(tree, "content/courses/basics/01-funnel.md")
    rel = "content/courses/basics/01-funnel.ru.md"
    assert (
        f"{rel}:{_line_of(tree, rel, 'translation_of')}: warning: out of date: translated from "
        f"version {old} of the original, which is now {new}; bring the text up to date, then "
        f"set 'translation_of: {new}'"
    ) in _messages(tree)
    catalog = load_catalog(tree)
    # Still served (better an older text than none), and listed as out of date.
    assert catalog.in_language("ru").courses["basics"].lessons[0].title == "Воронка"
    states = {(s.original, s.language): s.state for s in catalog.translations}
    assert states[("content/courses/basics/01-funnel.md", "ru")] == "out_of_date"


def test_a_translation_without_a_version_is_a_warning_with_the_version_to_add(tree):
    rel = "quizzes/kpi-quiz.ru.yaml"
    text = (tree / rel).read_text(encoding="utf-8").splitlines(keepends=True)
    (tree / rel).write_text("".join(text[1:]), encoding="utf-8")
    version = hash_of(tree, "quizzes/kpi-quiz.yaml")
    assert (
        f"{rel}:1: warning: no 'translation_of': cannot tell whether it is up to date; once it "
        f"translates today's original, add 'translation_of: {version}'"
    ) in _messages(tree)


def test_a_translation_without_an_original_and_one_in_the_default_language(tree):
    write(tree, "content/courses/basics/07-gone.ru.md", "---\ntitle: Нет\n---\nТекст.\n")
    write(tree, "roleplays/cold-call.en.md", "---\ntitle: A cold call\n---\nText.\n")
    write(tree, "quizzes/kpi-quiz.uk.gift", "::q:: Так? {T}\n")
    messages = _messages(tree)
    assert (
        "content/courses/basics/07-gone.ru.md:1: a translation of lesson 07-gone.md, which does "
        "not exist"
    ) in messages
    assert (
        "roleplays/cold-call.en.md:1: 'en' is the content's default language: the original is "
        "the file without a language"
    ) in messages
    assert (
        "quizzes/kpi-quiz.uk.gift:1: a GIFT quiz is translated in YAML: kpi-quiz.uk.yaml (see "
        "docs/translations.md)"
    ) in messages


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("content/courses/basics/01-funnel.md", "title: ", "heading: "),
        ("quizzes/kpi-quiz.yaml", "pass_mark: 60", "pass_mark: lots"),
        ("roleplays/cold-call.md", "weight: 50", "weight: half"),
        ("content/tracks/seller.yaml", "role: seller", "role: [seller]"),
    ],
)
def test_a_broken_original_is_told_once_not_again_at_its_translation(tree, rel, old, new):
    """An original left out because of its own error is still on disk: its translation is
    not also "a translation of ..., which does not exist" (one broken file, one message)."""
    _replace(tree, rel, old, new)
    errors = [m for m in _messages(tree) if "warning:" not in m]
    assert errors and all(m.startswith(f"{rel}:") for m in errors), errors


def test_a_broken_link_in_a_translated_lesson(tree):
    rel = "content/courses/basics/01-funnel.ru.md"
    _replace(tree, rel, "02-kpis.ru.md", "09-nothing.ru.md")
    assert (
        f"{rel}:{_line_of(tree, rel, '09-nothing')}: broken link to '09-nothing.ru.md': "
        "no such lesson"
    ) in _messages(tree)


def test_originals_in_russian(tmp_path):
    """The default language is a setting: Russian originals with English translations."""
    write(tmp_path, "content/courses/c/course.yaml", "title: Курс\nroles: [all]\n")
    write(tmp_path, "content/courses/c/01-a.md", "---\ntitle: Урок\nminutes: 1\n---\nТекст.\n")
    version = hash_of(tmp_path, "content/courses/c/01-a.md")
    write(
        tmp_path,
        "content/courses/c/01-a.en.md",
        f"---\ntranslation_of: {version}\ntitle: Lesson\n---\nText.\n",
    )
    catalog = load_catalog(tmp_path, default_language="ru")
    assert catalog.title_of("lesson", "c/a", "en") == "Lesson"
    assert catalog.title_of("lesson", "c/a") == "Урок"
    assert not [p for p in catalog.problems if p.is_error]
