"""Images, files and links in content (issue 19, findings 6 and 7): a course's and a case's
``assets/`` folder, relative links from lessons, cases and quizzes checked at their line and
rewritten to the URL they are served at, and page addresses caught. Each test makes a
content tree with one mistake and reads the linter's message as the author would."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.fixtures.translated_content import make_tree
from trainhub import create_app
from trainhub.catalog import load_catalog
from trainhub.catalog.assets import svg_problems
from trainhub.catalog.links import find_refs, resolve
from trainhub.catalog.load import Catalog, LinkSettings
from trainhub.search.documents import catalog_documents

LESSON = "content/courses/basics/01-welcome.md"
SECOND = "content/courses/basics/02-the-funnel.md"
CASE = "roleplays/first-call.md"
QUIZ = "quizzes/basics-check.yaml"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
SAFE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
    '  <rect width="10" height="10" fill="#36c"/>\n'
    "</svg>\n"
)

CASE_TEXT = """\
---
title: The first call
roles: [all]
persona:
  name: Iryna Bondar
  role: Office manager
situation: >
  You call a company that fits the profile.
objectives:
  - Book a meeting
rubric:
  - key: opening
    title: Opening
    weight: 1
    levels:
      1: Generic.
      2: Some reason.
      3: A reason for this company.
      4: A reason and a short ask.
passing_score: 3
mentor_notes: |
  Look for the reason for the call.
---
Read [the funnel lesson](../content/courses/basics/02-the-funnel.md) first.
"""

QUIZ_TEXT = """\
title: Basics check
roles: [all]
pass_mark: 50
questions:
  - id: first
    type: true_false
    text: |
      A lead is a company that fits the profile
      (see [the funnel](../content/courses/basics/02-the-funnel.md)).
    answer: true
    feedback_false: Read [the welcome](../content/courses/basics/01-welcome.md) again.
"""


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text).lstrip() if text.startswith("\n") else text)
    return path


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, rel: str, needle: str) -> int:
    rows = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(n for n, row in enumerate(rows, 1) if needle in row)


def load(root: Path, **settings: object) -> Catalog:
    return load_catalog(root, links=LinkSettings(**settings))  # type: ignore[arg-type]


def messages(root: Path, **settings: object) -> list[str]:
    return [str(p) for p in load(root, **settings).problems]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A course of two lessons (the first shows an image), a case and a quiz that link to
    them: valid, so each test's one mistake is all the linter reports."""
    write(tmp_path, "content/courses/basics/course.yaml", "title: Basics\nroles: [all]\n")
    write(
        tmp_path,
        LESSON,
        "---\ntitle: Welcome\nminutes: 3\n---\nThe conveyor at a glance:\n\n"
        "![The sales funnel](assets/funnel.png)\n\nNext: [the funnel](02-the-funnel.md).\n",
    )
    write(tmp_path, SECOND, "---\ntitle: The funnel\nminutes: 4\n---\nStages and conversion.\n")
    write(tmp_path, "content/courses/basics/assets/funnel.png", PNG)
    write(tmp_path, CASE, CASE_TEXT)
    write(tmp_path, QUIZ, QUIZ_TEXT)
    assert messages(tmp_path) == []
    return tmp_path


# --- images and files: served URLs -------------------------------------------------------


def test_a_lesson_image_becomes_the_url_of_its_course_assets(tree: Path) -> None:
    lesson = load(tree).courses["basics"].lessons[0]
    assert '<img alt="The sales funnel" src="assets/funnel.png">' in lesson.html


def test_an_image_of_another_course_and_of_a_case_get_urls_from_the_lesson_page(
    tree: Path,
) -> None:
    write(tree, "content/courses/other/course.yaml", "title: Other\nroles: [all]\n")
    write(
        tree,
        "content/courses/other/01-more.md",
        "---\ntitle: More\nminutes: 2\n---\n![Funnel](../basics/assets/funnel.png)\n\n"
        "[The call flow](../../../roleplays/assets/first-call/flow.pdf)\n",
    )
    write(tree, "roleplays/assets/first-call/flow.pdf", b"%PDF-1.4\n%%EOF\n")
    catalog = load(tree)
    assert messages(tree) == []
    html = catalog.courses["other"].lessons[0].html
    assert 'src="../basics/assets/funnel.png"' in html
    assert 'href="../../roleplays/assets/first-call/flow.pdf"' in html


def test_case_and_quiz_texts_link_to_lessons_and_files_from_the_apps_root(tree: Path) -> None:
    edit(tree, CASE, "first.\n", "first.\n\n![Call flow](assets/first-call/flow.png)\n")
    write(tree, "roleplays/assets/first-call/flow.png", PNG)
    edit(
        tree,
        QUIZ,
        "    answer: true",
        "      ![Funnel](../content/courses/basics/assets/funnel.png)\n    answer: true",
    )
    catalog = load(tree)
    assert messages(tree) == []
    case = catalog.roleplays["first-call"]
    assert 'href="/courses/basics/the-funnel"' in case.html
    assert 'src="/roleplays/assets/first-call/flow.png"' in case.html
    question = catalog.quizzes["basics-check"].questions[0]
    assert 'href="/courses/basics/the-funnel"' in question.html
    assert 'src="/courses/basics/assets/funnel.png"' in question.html
    assert 'href="/courses/basics/welcome"' in (question.feedback_false_html or "")


def test_under_a_path_prefix_case_and_quiz_links_start_with_it(tree: Path) -> None:
    catalog = load(tree, base_url="https://example.com/training/")
    assert 'href="/training/courses/basics/the-funnel"' in catalog.roleplays["first-call"].html
    question = catalog.quizzes["basics-check"].questions[0]
    assert 'href="/training/courses/basics/the-funnel"' in question.html
    # Lesson pages keep relative URLs: they work under any prefix.
    assert 'src="assets/funnel.png"' in catalog.courses["basics"].lessons[0].html


# --- images and files: the linter ---------------------------------------------------------


def test_a_missing_image_is_an_error_at_its_line(tree: Path) -> None:
    (tree / "content/courses/basics/assets/funnel.png").unlink()
    line = line_of(tree, LESSON, "funnel.png")
    assert messages(tree) == [
        f"{LESSON}:{line}: missing file 'assets/funnel.png': there is no "
        "content/courses/basics/assets/funnel.png"
    ]


def test_an_image_beside_the_lessons_is_told_where_to_go(tree: Path) -> None:
    """Finding 6: a funnel.png beside the lessons was 'not a lesson file; ignored' and the
    page's image a 404, with nothing said about the reference."""
    (tree / "content/courses/basics/assets/funnel.png").rename(
        tree / "content/courses/basics/funnel.png"
    )
    edit(tree, LESSON, "(assets/funnel.png)", "(funnel.png)")
    line = line_of(tree, LESSON, "funnel.png")
    assert messages(tree) == [
        f"{LESSON}:{line}: 'funnel.png' is not in an assets/ folder, so it is not served: move "
        "it to content/courses/basics/assets/ and link it from there",
        "content/courses/basics/funnel.png:1: warning: images and files go in the course's "
        "assets/ folder: move it to content/courses/basics/assets/funnel.png and link it as "
        "'assets/funnel.png'",
    ]


def test_an_asset_no_text_uses_is_a_warning(tree: Path) -> None:
    write(tree, "content/courses/basics/assets/old-chart.png", PNG)
    assert messages(tree) == [
        "content/courses/basics/assets/old-chart.png:1: warning: not used by any lesson, case "
        "or quiz: link it, or delete it"
    ]


def test_an_asset_over_the_size_limit_is_a_warning(tree: Path) -> None:
    write(tree, "content/courses/basics/assets/funnel.png", PNG + b"\0" * 3000)
    assert messages(tree, asset_max_kb=2) == [
        "content/courses/basics/assets/funnel.png:1: warning: the file is 2 KB, over the 2 KB "
        "limit: slow to open on a phone; export it smaller (an image about 1600 pixels wide "
        "is plenty)"
    ]
    assert messages(tree) == []  # the default limit (1 MB)


def test_a_type_that_is_not_served_is_refused(tree: Path) -> None:
    write(tree, "content/courses/basics/assets/price-list.docx", b"PK\x03\x04")
    edit(tree, SECOND, "conversion.", "conversion. [Prices](assets/price-list.docx)")
    line = line_of(tree, SECOND, "price-list")
    assert messages(tree) == [
        f"{SECOND}:{line}: 'assets/price-list.docx' is not served: only png, jpg, jpeg, gif, "
        "webp, svg, pdf files are, none hidden",
        "content/courses/basics/assets/price-list.docx:1: warning: not served: only png, jpg, "
        "jpeg, gif, webp, svg, pdf files are",
    ]


def test_a_link_that_climbs_out_of_the_content_folder_is_an_error(tree: Path) -> None:
    edit(tree, SECOND, "conversion.", "conversion. ![x](../../../../../etc/passwd.png)")
    line = line_of(tree, SECOND, "passwd")
    assert messages(tree) == [
        f"{SECOND}:{line}: link to '../../../../../etc/passwd.png' points outside the content "
        "folder"
    ]
    html = load(tree).courses["basics"].lessons[1].html
    assert 'src="../../../../../etc/passwd.png"' in html  # left as written: nothing to serve


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        (
            '<svg xmlns="http://www.w3.org/2000/svg">\n  <script>alert(1)</script>\n</svg>\n',
            "2: the SVG has a <script>: remove it (images run no code)",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"\n     onload="alert(1)">\n</svg>\n',
            "1: the SVG has an event handler 'onload': remove it",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg">\n<foreignObject><p>hi</p>'
            "</foreignObject>\n</svg>\n",
            "2: the SVG has a <foreignObject> (HTML in it): remove it",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink">\n\n'
            '<a xlink:href=" JavaScript:alert(1)"><rect width="5" height="5"/></a>\n</svg>\n',
            "3: the SVG has a script link ('JavaScript:alert(1)'): remove it",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg"><a href="x">\n'
            '<animate attributeName="href" values="javascript:alert(1)"/></a></svg>\n',
            "2: the SVG has a script link ('javascript:alert(1)'): remove it",
        ),
        (
            '<svg xmlns="http://www.w3.org/2000/svg">\n<rect width="5"\n</svg>\n',
            "3: not a well-formed SVG (not well-formed (invalid token)): export it again from "
            "your drawing program",
        ),
    ],
)
def test_an_svg_that_could_run_code_is_an_error_at_its_line(
    tree: Path, svg: str, message: str
) -> None:
    write(tree, "content/courses/basics/assets/chart.svg", svg)
    edit(tree, SECOND, "conversion.", "conversion.\n\n![Chart](assets/chart.svg)")
    assert messages(tree) == [f"content/courses/basics/assets/chart.svg:{message}"]


def test_a_clean_svg_passes() -> None:
    assert svg_problems(SAFE_SVG.encode()) == []


def test_an_svg_with_an_entity_is_refused() -> None:
    svg = b'<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "aaaa">\n]>\n<svg>&a;</svg>\n'
    assert [(p.line, p.message) for p in svg_problems(svg)] == [
        (3, "the SVG declares an entity (<!ENTITY>): remove it")
    ]


def test_a_case_folder_without_its_case_is_a_warning(tree: Path) -> None:
    write(tree, "roleplays/assets/first-cal/flow.png", PNG)
    edit(tree, CASE, "first.\n", "first.\n\n![Call flow](assets/first-cal/flow.png)\n")
    line = line_of(tree, CASE, "flow.png")
    assert messages(tree) == [
        "roleplays/assets/first-cal/flow.png:1: warning: roleplays/assets/first-cal/ belongs "
        "to no case (no roleplays/first-cal.md)",
        f"{CASE}:{line}: 'assets/first-cal/flow.png': there is no case 'first-cal' "
        "(roleplays/first-cal.md); a case's files go in roleplays/assets/<case>/",
    ]


# --- links in cases and quizzes ----------------------------------------------------------


def test_a_broken_lesson_link_in_a_case_is_an_error_at_its_line(tree: Path) -> None:
    """Finding 7: a link from a case to a lesson was neither checked nor rewritten."""
    edit(tree, CASE, "02-the-funnel.md", "02-the-funel.md")
    line = line_of(tree, CASE, "02-the-funel.md")
    assert messages(tree) == [
        f"{CASE}:{line}: broken link to '../content/courses/basics/02-the-funel.md': no such lesson"
    ]


def test_a_link_in_a_cases_front_matter_is_checked_at_its_line(tree: Path) -> None:
    edit(
        tree,
        CASE,
        "  You call a company that fits the profile.",
        "  You call a company that fits the profile\n"
        "  ([who fits](../content/courses/basics/03-who-fits.md)).",
    )
    line = line_of(tree, CASE, "03-who-fits")
    assert messages(tree) == [
        f"{CASE}:{line}: broken link to '../content/courses/basics/03-who-fits.md': no such lesson"
    ]


def test_a_broken_lesson_link_in_quiz_feedback_is_an_error_at_its_line(tree: Path) -> None:
    edit(tree, QUIZ, "01-welcome.md", "01-welcom.md")
    line = line_of(tree, QUIZ, "01-welcom.md")
    assert messages(tree) == [
        f"{QUIZ}:{line}: broken link to '../content/courses/basics/01-welcom.md': no such lesson"
    ]


def test_a_link_in_a_gift_question_is_checked_at_its_gift_line_and_rewritten(tree: Path) -> None:
    write(tree, "quizzes/gift-check.yaml", "title: GIFT check\nroles: [all]\npass_mark: 50\n")
    gift = (
        "// the funnel\n"
        "::stages::[markdown]A lead is qualified before the hand-over "
        "(see [the funnel](../content/courses/basics/02-the-funnel.md\\#stages)). {T}\n"
        "\n"
        "::welcome::[markdown]The conveyor has stages "
        "([welcome](../content/courses/basics/01-wellcome.md)). {T}\n"
    )
    write(tree, "quizzes/gift-check.gift", gift)
    assert messages(tree) == [
        "quizzes/gift-check.gift:4: broken link to '../content/courses/basics/01-wellcome.md': "
        "no such lesson"
    ]
    edit(tree, "quizzes/gift-check.gift", "01-wellcome", "01-welcome")
    questions = load(tree).quizzes["gift-check"].questions
    assert 'href="/courses/basics/the-funnel#stages"' in questions[0].html


def test_a_link_to_a_lesson_left_out_for_its_own_error_says_so_once(tree: Path) -> None:
    edit(tree, SECOND, "title: The funnel\n", "")
    errors = [m for m in messages(tree) if ": warning: " not in m]
    assert errors == [f"{SECOND}:2: missing required field 'title'"]
    line = line_of(tree, CASE, "02-the-funnel.md")
    assert (
        f"{CASE}:{line}: warning: link to '../content/courses/basics/02-the-funnel.md': the "
        f"lesson is left out because of `{SECOND}:2`"
    ) in messages(tree)


# --- page addresses ------------------------------------------------------------------------


def test_a_lesson_linked_by_its_web_address_is_told_to_write_the_file(tree: Path) -> None:
    """Finding 7: a URL-style link to a lesson was not caught."""
    edit(tree, QUIZ, "(../content/courses/basics/02-the-funnel.md)", "(/courses/basics/the-funnel)")
    line = line_of(tree, QUIZ, "/courses/basics/the-funnel")
    assert messages(tree) == [
        f"{QUIZ}:{line}: warning: '/courses/basics/the-funnel' is a web address: write the "
        "file's path, '../content/courses/basics/02-the-funnel.md', so that the linter checks "
        "it and it works wherever the app is served"
    ]


def test_the_apps_own_absolute_address_is_caught_in_a_lesson(tree: Path) -> None:
    edit(
        tree,
        SECOND,
        "conversion.",
        "conversion. [Welcome](https://train.example.com/courses/basics/welcome#start)",
    )
    line = line_of(tree, SECOND, "train.example.com")
    assert messages(tree, base_url="https://train.example.com") == [
        f"{SECOND}:{line}: warning: 'https://train.example.com/courses/basics/welcome#start' is "
        "a web address: write the file's path, '01-welcome.md', so that the linter checks it "
        "and it works wherever the app is served"
    ]
    # Without TRAINHUB_BASE_URL, an address whose path names one of these lessons is caught
    # all the same; another site's page of another name is that site's business.
    assert messages(tree) == [
        f"{SECOND}:{line}: warning: 'https://train.example.com/courses/basics/welcome#start' "
        "looks like the address of a page of this content: write the file's path, "
        "'01-welcome.md', so that the linter checks it and it works wherever the app is served"
    ]
    edit(tree, SECOND, "basics/welcome#start", "basics/welcome-to-our-site")
    assert messages(tree) == []


def test_a_web_address_of_no_lesson_is_an_error(tree: Path) -> None:
    edit(tree, CASE, "(../content/courses/basics/02-the-funnel.md)", "(/courses/basics/funnel)")
    line = line_of(tree, CASE, "/courses/basics/funnel")
    assert messages(tree) == [
        f"{CASE}:{line}: broken link to '/courses/basics/funnel': no such lesson or file; write "
        "the path of the lesson's file (e.g. '../prospecting/02-channels-and-the-cold-call.md') "
        "or of the file in its assets/ folder"
    ]


def test_links_inside_code_are_examples_not_links(tree: Path) -> None:
    edit(
        tree,
        SECOND,
        "conversion.",
        "conversion.\n\n```markdown\n![x](assets/nothing.png)\n```\n\nWrite `[a](/courses/x/y)`.",
    )
    assert messages(tree) == []


def test_resolve_and_find_refs_name_the_file_a_link_means() -> None:
    assert resolve(LESSON, "assets/a%20b.png#x").path == "content/courses/basics/assets/a b.png"
    assert resolve(CASE, "../content/courses/basics/02-the-funnel.ru.md").name == "02-the-funnel.md"
    assert resolve(CASE, "../../x.png") is None
    refs = find_refs("l.md", "[a](b.md)\n[ref]: assets/c.png\n![d](<e.png> 'title')\n")
    assert [(r.line, r.target) for r in refs] == [(1, "b.md"), (2, "assets/c.png"), (3, "e.png")]


def test_a_translated_case_links_to_the_lesson_like_its_original(tmp_path: Path) -> None:
    """A translation sits beside its original: the same relative link, the same URL, and
    a broken one in it is reported at the translation's line."""
    root = make_tree(tmp_path)
    edit(
        root,
        "roleplays/cold-call.ru.md",
        "Напишите, что вы скажете.",
        "Перечитайте [воронку](../content/courses/basics/01-funnel.ru.md) и "
        "[KPI](../content/courses/basics/03-kpis.md).",
    )
    case = load(root).in_language("ru").roleplays["cold-call"]
    assert 'href="/courses/basics/funnel"' in case.html
    line = line_of(root, "roleplays/cold-call.ru.md", "03-kpis")
    assert (
        f"roleplays/cold-call.ru.md:{line}: broken link to "
        "'../content/courses/basics/03-kpis.md': no such lesson" in messages(root)
    )


def test_search_indexes_a_case_links_words_never_its_files(tree: Path) -> None:
    edit(
        tree,
        CASE,
        "  You call a company that fits the profile.",
        "  You call a company that fits [the profile](../content/courses/basics/01-welcome.md).",
    )
    documents = [d for d in catalog_documents(load(tree)) if d.kind == "roleplay"]
    assert len(documents) == 1
    assert "fits the profile." in documents[0].body
    assert "content/courses" not in documents[0].body and "](" not in documents[0].body


def test_content_check_reads_the_size_limit_and_the_address_from_the_settings(
    tree: Path,
) -> None:
    write(tree, "content/courses/basics/assets/funnel.png", PNG + b"\0" * 3000)
    edit(
        tree,
        SECOND,
        "conversion.",
        "conversion. [Welcome](https://train.example.com/x/courses/basics/welcome)",
    )
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tree / 'unused.db'}",
            "INSTANCE_PATH": str(tree / "instance"),
            "SECRET_KEY": "test-" + "x1y2z3" * 8,
            "RENDER_CACHE": "",
            "CONTENT_ASSET_MAX_KB": 2,
            "BASE_URL": "https://train.example.com/x",
        }
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["content", "check", "--root", str(tree), "--strict"])
    assert result.exit_code == 1
    assert "funnel.png:1: warning: the file is 2 KB, over the 2 KB limit" in result.stdout
    assert (
        "02-the-funnel.md:5: warning: 'https://train.example.com/x/courses/basics/welcome' is a "
        "web address: write the file's path, '01-welcome.md'"
    ) in result.stdout
