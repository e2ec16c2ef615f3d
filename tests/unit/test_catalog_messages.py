"""The linter teaches: each mistake an author makes gets one message, at its line, in the
author's terms (step 7, criterion 'diagnosis', question 'rituals'), with the fix in the
file's own language (YAML or GIFT). Each test makes a content tree with one mistake."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from trainhub.catalog import load_catalog
from trainhub.catalog.cache import RenderCache
from trainhub.catalog.courses import estimate_minutes, parse_lesson
from trainhub.language import LANGUAGES

REPO = Path(__file__).resolve().parents[2]
TRACK = "content/tracks/lead-generation.yaml"
COURSE = "content/courses/sales-department-foundations"


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def messages(root: Path, **kwargs: int) -> list[str]:
    return [str(p) for p in load_catalog(root, **kwargs).problems]


def line_of(root: Path, rel: str, needle: str, nth: int = 1) -> int:
    rows = (root / rel).read_text(encoding="utf-8").splitlines()
    hits = [n for n, row in enumerate(rows, 1) if needle in row]
    return hits[nth - 1]


# The originals only: a mistake made in an original also makes its translations out of date
# or drifted (tests/unit/test_catalog_translations.py says so); here it is reported once.
ORIGINALS_ONLY = shutil.ignore_patterns(*(f"*.{code}.*" for code in LANGUAGES if code != "en"))


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped originals: valid, so each test's one mistake is all it reports."""
    for folder in ("content", "quizzes", "roleplays"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=ORIGINALS_ONLY)
    assert messages(tmp_path) == []
    return tmp_path


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- unknown fields: did you mean -------------------------------------------------------


def test_a_misspelled_quiz_setting_says_what_it_meant(shipped: Path) -> None:
    rel = "quizzes/kpi-basics.yaml"
    edit(shipped, rel, "pass_mark:", "atempts: 3\npass_mark:")
    line = line_of(shipped, rel, "atempts")
    assert messages(shipped) == [
        f"{rel}:{line}: warning: unknown field 'atempts'; did you mean 'attempts'?"
    ]


def test_a_misspelled_step_field_names_the_step(shipped: Path) -> None:
    edit(shipped, TRACK, "    pass_mark: 80", "    pass_mak: 80")
    line = line_of(shipped, TRACK, "pass_mak")
    assert messages(shipped) == [
        f"{TRACK}:{line}: warning: step 2 (quiz foundations-basics): unknown field 'pass_mak'; "
        "did you mean 'pass_mark'?"
    ]


def test_an_unknown_field_with_no_near_name_lists_the_known_ones(tmp_path: Path) -> None:
    write(
        tmp_path,
        "content/courses/c/course.yaml",
        "title: C\nroles: [all]\ncolour: blue\n",
    )
    write(tmp_path, "content/courses/c/01-a.md", "---\ntitle: A\nminutes: 1\n---\nText.\n")
    assert messages(tmp_path) == [
        "content/courses/c/course.yaml:3: warning: unknown field 'colour'; the known fields "
        "are: order, roles, summary, title"
    ]


# --- one bad step leaves the rest of the track ------------------------------------------


@pytest.mark.parametrize(
    "old, new, needle, message",
    [
        (
            "    min_score: 3.0",
            "    min_score: 5",
            "min_score: 5",
            "step 9 (roleplay warm-lead-handover): 'min_score' must be between 1 and 4",
        ),
        (
            "    title: CRM records of the first 20 prospects checked by the mentor\n",
            "",
            "signoff: crm-hygiene",
            "step 11 (sign-off crm-hygiene): missing required field 'title'",
        ),
    ],
)
def test_an_error_in_one_step_leaves_the_rest_of_the_track(
    shipped: Path, old: str, new: str, needle: str, message: str
) -> None:
    edit(shipped, TRACK, old, new)
    line = line_of(shipped, TRACK, needle)
    catalog = load_catalog(shipped)
    assert [str(p) for p in catalog.problems] == [f"{TRACK}:{line}: {message}"]
    track = catalog.tracks["lead-generation"]
    assert len(track.steps) == 10  # eleven steps, the broken one left out
    assert track.has_errors and track.problems == (f"{TRACK}:{line}: {message}",)


def test_a_track_without_errors_has_none() -> None:
    catalog = load_catalog(REPO)
    assert not any(track.has_errors for track in catalog.tracks.values())


def test_a_step_that_is_not_a_mapping_is_named_by_its_number(shipped: Path) -> None:
    edit(
        shipped,
        TRACK,
        "  - quiz: kpi-basics\n    pass_mark: 80\n    due_day: 6\n",
        "  - kpi-basics\n",
    )
    line = line_of(shipped, TRACK, "- kpi-basics")
    assert messages(shipped) == [
        f"{TRACK}:{line}: step 4: a step is a mapping such as 'course: <slug>'"
    ]
    assert len(load_catalog(shipped).tracks["lead-generation"].steps) == 10


def test_a_duplicate_step_says_where_the_first_one_is(shipped: Path) -> None:
    edit(shipped, TRACK, "  - quiz: prospecting-basics\n", "  - quiz: kpi-basics\n")
    first, second = (
        line_of(shipped, TRACK, "quiz: kpi-basics"),
        line_of(shipped, TRACK, "quiz: kpi-basics", 2),
    )
    assert messages(shipped) == [
        f"{TRACK}:{second}: step 6 (quiz kpi-basics): duplicate step (first at line {first})"
    ]


# --- no cascade ----------------------------------------------------------------------------


def test_a_lesson_left_out_is_reported_once_and_links_to_it_say_why(shipped: Path) -> None:
    rel = f"{COURSE}/02-roles-and-boundaries.md"
    edit(shipped, rel, "title: ", "heading: ")
    found = messages(shipped)
    errors = [m for m in found if "warning:" not in m]
    assert errors == [f"{rel}:2: missing required field 'title'"]
    links = [m for m in found if "02-roles-and-boundaries.md'" in m]
    # Linked from its own course and from others ("../sales-department-foundations/...").
    said = re.compile(
        r"warning: link to '(\.\./sales-department-foundations/)?02-roles-and-boundaries\.md': "
        rf"the lesson is left out because of `{re.escape(rel)}:2`"
    )
    assert links and all(said.search(m) for m in links), links
    assert not any("broken link" in m for m in found)


def test_a_broken_rubric_does_not_add_does_not_exist_to_the_track(shipped: Path) -> None:
    rel = "roleplays/warm-lead-handover.md"
    edit(shipped, rel, "weight: ", "weight: zero # ")
    found = messages(shipped)
    first = line_of(shipped, rel, "weight: zero")
    assert f"{rel}:{first}: criterion " in found[-1] or any(
        m.startswith(f"{rel}:{first}: criterion '") for m in found
    )
    assert not any("does not exist" in m for m in found), found
    step = line_of(shipped, TRACK, "roleplay: warm-lead-handover")
    assert (
        f"{TRACK}:{step}: warning: step 9 (roleplay warm-lead-handover): roleplay "
        f"'warm-lead-handover' is left out because of `{rel}:{first}`"
    ) in found
    # The hire's track says it has a content error: a step points at nothing.
    assert load_catalog(shipped).tracks["lead-generation"].has_errors


def test_a_step_naming_a_missing_item_still_does_not_exist(shipped: Path) -> None:
    edit(shipped, TRACK, "quiz: kpi-basics", "quiz: kpi-basic")
    line = line_of(shipped, TRACK, "quiz: kpi-basic")
    assert messages(shipped) == [
        f"{TRACK}:{line}: step 4 (quiz kpi-basic): quiz 'kpi-basic' does not exist"
    ]


def test_a_link_to_no_lesson_is_a_broken_link(shipped: Path) -> None:
    rel = f"{COURSE}/01-the-sales-conveyor.md"
    (shipped / rel).write_text(
        (shipped / rel).read_text(encoding="utf-8") + "\nSee [x](09-nothing.md).\n",
        encoding="utf-8",
    )
    line = line_of(shipped, rel, "09-nothing.md")
    assert messages(shipped) == [f"{rel}:{line}: broken link to '09-nothing.md': no such lesson"]


# --- messages in authors' terms ----------------------------------------------------------


def test_criteria_and_questions_are_named_as_authors_name_them(tmp_path: Path) -> None:
    quiz = write(
        tmp_path,
        "quizzes/q.yaml",
        """
        title: Q
        roles: [all]
        pass_mark: 50
        questions:
          - id: rituals
            type: true_false
            text: Is the stand-up daily?
            answer: yes please
          - type: single
            text: Pick one
            choices:
              - {text: a, correct: true}
              - {text: b, wieght: 10}
        """,
    )
    found = messages(tmp_path)
    rel = "quizzes/q.yaml"
    assert (
        f"{rel}:{line_of(tmp_path, rel, 'answer: yes')}: question 'rituals': 'answer' must be "
        "true or false"
    ) in found
    assert (
        f"{rel}:{line_of(tmp_path, rel, 'wieght')}: warning: question 2, choice 2: unknown "
        "field 'wieght'; did you mean 'weight'?"
    ) in found
    assert quiz.is_file()


def test_a_criterion_is_named_by_its_key(shipped: Path) -> None:
    rel = "roleplays/gatekeeper-cold-call.md"
    text = (shipped / rel).read_text(encoding="utf-8")
    key = text.split("- key: ", 1)[1].split("\n", 1)[0].strip()
    edit(shipped, rel, "    levels:", "    lvls:")
    line = line_of(shipped, rel, f"- key: {key}")
    found = messages(shipped)
    assert f"{rel}:{line}: criterion '{key}': missing required field 'levels'" in found


def test_a_colon_inside_a_value_says_to_quote_it(tmp_path: Path) -> None:
    write(tmp_path, "content/courses/c/course.yaml", "title: C\nroles: [all]\n")
    write(
        tmp_path,
        "content/courses/c/01-a.md",
        "---\ntitle: Hiring: when and how\nminutes: 1\n---\nText.\n",
    )
    assert messages(tmp_path)[0] == (
        "content/courses/c/01-a.md:2: invalid YAML: a ':' inside a value: put the value in "
        'quotes: title: "Hiring: when and how"'
    )


def test_a_tab_is_reported_at_its_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        "content/tracks/seller.yaml",
        "title: S\nrole: seller\ntarget_days: 5\nsteps:\n  - signoff: x\n\t  title: X\n",
    )
    assert messages(tmp_path) == [
        "content/tracks/seller.yaml:6: invalid YAML: a tab in the indentation: use spaces, not tabs"
    ]


def test_a_windows_1252_file_says_save_as_utf8_at_the_line_of_the_byte(tmp_path: Path) -> None:
    write(tmp_path, "content/courses/c/course.yaml", "title: C\nroles: [all]\n")
    path = tmp_path / "content/courses/c/01-a.md"
    path.write_bytes("---\ntitle: A\nminutes: 1\n---\nFine.\n\n“Quoted”\n".encode("cp1252"))
    assert messages(tmp_path)[0] == (
        "content/courses/c/01-a.md:7: not UTF-8 (byte 0x93 on this line): save the file as UTF-8"
    )


def test_an_empty_file_is_called_empty(tmp_path: Path) -> None:
    write(tmp_path, "content/courses/c/course.yaml", "title: C\nroles: [all]\n")
    write(tmp_path, "content/courses/c/01-a.md", "---\ntitle: A\nminutes: 1\n---\nText.\n")
    (tmp_path / "content/courses/c/02-b.md").write_text("\n", encoding="utf-8")
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes/q.yaml").write_text("", encoding="utf-8")
    assert messages(tmp_path) == [
        "content/courses/c/02-b.md:1: empty file",
        "quizzes/q.yaml:1: empty file",
    ]


def test_a_gift_error_gives_its_fix_in_gift_terms(tmp_path: Path) -> None:
    write(tmp_path, "quizzes/g.yaml", "title: G\nroles: [all]\npass_mark: 50\n")
    write(tmp_path, "quizzes/g.gift", "::one:: Pick {=a ~b}\n\n::two:: Pick {\n=a\n~b\n")
    found = messages(tmp_path)
    assert found == ["quizzes/g.gift:3: the answer block opened here is never closed by '}'"]
    assert not any("YAML" in m for m in found)


def test_a_gift_question_problem_is_told_in_gift_terms(tmp_path: Path) -> None:
    write(tmp_path, "quizzes/g.yaml", "title: G\nroles: [all]\npass_mark: 50\n")
    write(tmp_path, "quizzes/g.gift", "::one:: Pick {=a ~b}\n\n::two:: Pick {~a ~b}\n")
    found = messages(tmp_path)
    assert len(found) == 1 and found[0].startswith("quizzes/g.gift:3: question 'two': "), found
    assert "'=' before the right answer" in found[0], found
    assert "correct: true" not in found[0] and "weight 100" not in found[0]


def test_a_duplicate_question_id_says_where_the_first_one_is(tmp_path: Path) -> None:
    write(
        tmp_path,
        "quizzes/q.yaml",
        """
        title: Q
        roles: [all]
        pass_mark: 50
        questions:
          - {id: same, type: true_false, text: One, answer: true}
          - {id: same, type: true_false, text: Two, answer: false}
        """,
    )
    assert messages(tmp_path) == ["quizzes/q.yaml:6: duplicate id 'same' (first at line 5)"]


# --- size and numbering; minutes from the word count --------------------------------------


def _course(root: Path, *lessons: tuple[str, str]) -> None:
    write(root, "content/courses/c/course.yaml", "title: C\nroles: [all]\n")
    for name, text in lessons:
        write(root, f"content/courses/c/{name}", text)


def test_a_lesson_over_the_size_limit_is_a_warning(tmp_path: Path) -> None:
    body = "A sentence of a long lesson.\n" * 1200  # about 34 KB
    _course(tmp_path, ("01-long.md", f"---\ntitle: Long\nminutes: 9\n---\n{body}"))
    assert messages(tmp_path) == []  # the default limit is 200 KB
    assert messages(tmp_path, lesson_max_kb=20) == [
        "content/courses/c/01-long.md:1: warning: the lesson is 34 KB, over the 20 KB limit: "
        "a page this long is slow to open; split it into lessons"
    ]


def test_two_lessons_with_the_same_number_are_a_warning(tmp_path: Path) -> None:
    _course(
        tmp_path,
        ("02-a.md", "---\ntitle: A\nminutes: 1\n---\nText.\n"),
        ("02-b.md", "---\ntitle: B\nminutes: 1\n---\nText.\n"),
    )
    assert messages(tmp_path) == [
        "content/courses/c/02-b.md:1: warning: two lessons numbered 02: this one and "
        "02-a.md; renumber one so the order is yours"
    ]


def test_a_lesson_without_minutes_gets_an_estimate_and_a_warning(tmp_path: Path) -> None:
    _course(tmp_path, ("01-a.md", "---\ntitle: A\n---\n" + "word " * 500 + "\n"))
    catalog = load_catalog(tmp_path)
    assert [str(p) for p in catalog.problems] == [
        "content/courses/c/01-a.md:2: warning: no 'minutes': estimated 2 from the word count "
        "(500 words at 200 a minute); add 'minutes: 2' to set it"
    ]
    assert catalog.courses["c"].lessons[0].minutes == 2 == estimate_minutes(500)


def test_minutes_with_no_value_is_estimated_too(tmp_path: Path) -> None:
    # Found by fuzzing: "minutes:" with no value was refused without any message.
    data = b"---\ntitle: A lesson\nminutes:\n---\nSome words to read.\n"
    lesson, problems = parse_lesson(
        "content/courses/c/01-x.md", "c", "01-x.md", data, RenderCache()
    )
    assert lesson is not None and lesson.minutes == 1
    assert any("no 'minutes': estimated 1" in p.message for p in problems.items)
