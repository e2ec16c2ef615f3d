"""Parsing and validating content files: good files load, broken ones say path:line."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from trainhub.catalog import load_catalog
from trainhub.catalog.cache import RenderCache
from trainhub.catalog.courses import link_rewriter
from trainhub.catalog.markdown import render
from trainhub.catalog.sources import YamlError, load_yaml, split_front_matter

REPO = Path(__file__).resolve().parents[2]


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A tiny valid content tree: one course with two lessons and one track."""
    write(
        tmp_path,
        "content/courses/basics/course.yaml",
        """
        title: Basics
        summary: The basics.
        roles: [all]
        order: 1
    """,
    )
    write(
        tmp_path,
        "content/courses/basics/01-intro.md",
        """
        ---
        title: Intro
        minutes: 5
        ---
        Read [the next one](02-next.md#part).

        ## Part one
        Text.
    """,
    )
    write(
        tmp_path,
        "content/courses/basics/02-next.md",
        """
        ---
        title: Next
        minutes: 3
        ---
        ## Part
        | a | b |
        |---|---|
        | 1 | 2 |
    """,
    )
    write(
        tmp_path,
        "content/tracks/seller.yaml",
        """
        title: Seller
        role: seller
        target_days: 10
        steps:
          - course: basics
          - signoff: shadowed
            title: Shadowed a call
    """,
    )
    return tmp_path


def messages(root: Path) -> list[str]:
    return [str(p) for p in load_catalog(root).problems]


def test_the_shipped_content_has_no_errors():
    catalog = load_catalog(REPO)
    assert [str(p) for p in catalog.errors] == []
    assert len(catalog.courses) >= 6
    assert set(catalog.tracks) >= {
        "lead-generation", "account-executive", "account-manager", "sales-manager",
        "sales-analyst",
    }  # fmt: skip
    for course in catalog.courses.values():
        assert len(course.lessons) >= 4, course.slug
        for lesson in course.lessons:
            assert lesson.words >= 300, f"{lesson.path} has {lesson.words} words"


def test_a_valid_tree_loads(mini: Path):
    catalog = load_catalog(mini)
    assert catalog.problems == ()
    course = catalog.courses["basics"]
    assert [x.slug for x in course.lessons] == ["intro", "next"]
    intro = course.lesson("intro")
    assert intro is not None
    assert 'href="next#part"' in intro.html  # file link rewritten to the lesson URL
    assert [e.title for e in intro.toc] == ["Part one"]
    assert "<table>" in course.lesson("next").html
    track = catalog.tracks["seller"]
    assert [s.key for s in track.steps] == ["course:basics", "signoff:shadowed"]


def test_malformed_yaml_names_the_line(mini: Path):
    write(
        mini,
        "content/tracks/seller.yaml",
        """
        title: Seller
        role: seller
        target_days: 10
        steps:
          - course: basics
          - signoff: [oops
    """,
    )
    assert any(m.startswith("content/tracks/seller.yaml:6: invalid YAML") for m in messages(mini))


def test_missing_and_mistyped_fields(mini: Path):
    write(
        mini,
        "content/courses/basics/02-next.md",
        """
        ---
        title: Next
        minutes: soon
        ---
        Body.
    """,
    )
    assert "content/courses/basics/02-next.md:3: 'minutes' must be a whole number" in messages(mini)
    write(
        mini,
        "content/courses/basics/02-next.md",
        """
        ---
        minutes: 3
        ---
        Body.
    """,
    )
    assert "content/courses/basics/02-next.md:2: missing required field 'title'" in messages(mini)


def test_track_step_pointing_nowhere(mini: Path):
    write(
        mini,
        "content/tracks/seller.yaml",
        """
        title: Seller
        role: seller
        target_days: 10
        steps:
          - course: basics
          - course: advanced
    """,
    )
    assert (
        "content/tracks/seller.yaml:6: step 2 (course advanced): course 'advanced' does not exist"
        in messages(mini)
    )


def test_broken_link_between_lessons(mini: Path):
    write(
        mini,
        "content/courses/basics/02-next.md",
        """
        ---
        title: Next
        minutes: 3
        ---
        Line one.

        See [the missing lesson](03-missing.md) and [another course](../other/01-x.md).
    """,
    )
    found = messages(mini)
    assert (
        "content/courses/basics/02-next.md:7: broken link to '03-missing.md': no such lesson"
        in found
    )
    assert (
        "content/courses/basics/02-next.md:7: broken link to '../other/01-x.md': no such lesson"
        in found
    )


def test_duplicate_slugs_are_reported(mini: Path):
    write(
        mini,
        "content/courses/basics/03-intro.md",
        """
        ---
        title: Intro again
        minutes: 2
        ---
        Body.
    """,
    )
    assert any("duplicate lesson slug 'intro'" in m for m in messages(mini))
    write(
        mini,
        "content/tracks/seller.yaml",
        """
        title: Seller
        role: seller
        target_days: 10
        steps:
          - course: basics
          - course: basics
    """,
    )
    assert (
        "content/tracks/seller.yaml:6: step 2 (course basics): duplicate step (first at line 5)"
        in messages(mini)
    )


def test_unknown_front_matter_keys_are_warnings(mini: Path):
    write(
        mini,
        "content/courses/basics/02-next.md",
        """
        ---
        title: Next
        minutes: 3
        author: Someone
        ---
        Body.
    """,
    )
    catalog = load_catalog(mini)
    assert catalog.errors == ()
    assert [str(p) for p in catalog.problems] == [
        "content/courses/basics/02-next.md:4: warning: unknown field 'author'; the known "
        "fields are: minutes, summary, title"
    ]
    assert "next" in [x.slug for x in catalog.courses["basics"].lessons]


def test_a_broken_file_leaves_the_rest_of_the_catalog(mini: Path):
    write(mini, "content/courses/basics/02-next.md", "no front matter at all\n")
    catalog = load_catalog(mini)
    # Reported once, at its file; the link to it says why it is gone (no "broken link").
    assert [str(p) for p in catalog.problems] == [
        "content/courses/basics/01-intro.md:5: warning: link to '02-next.md#part': the lesson "
        "is left out because of `content/courses/basics/02-next.md:1`",
        "content/courses/basics/02-next.md:1: missing front matter: the file must start with "
        "a '---' line",
    ]
    assert [x.slug for x in catalog.courses["basics"].lessons] == ["intro"]


def test_copy_of_shipped_content_with_one_typo(tmp_path: Path):
    for folder in ("content", "quizzes", "roleplays"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, tmp_path / folder)
    lesson = tmp_path / "content/courses/prospecting/01-target-audience-and-ideal-client.md"
    lesson.write_text(lesson.read_text().replace("minutes:", "minutes: [", 1))
    errors = [str(p) for p in load_catalog(tmp_path).errors]
    assert errors and errors[0].startswith(
        "content/courses/prospecting/01-target-audience-and-ideal-client.md:3: invalid YAML"
    )


def test_raw_html_and_javascript_links_are_sanitized():
    html = render(
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    ).html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_link_rewriter_keeps_external_links():
    rewrite = link_rewriter("basics")
    assert rewrite("https://example.com/a.md") is None
    assert rewrite("../other/03-thing.md") == "../other/thing"
    assert rewrite("02-next.md#x") == "next#x"


def test_yaml_lines_and_front_matter_offsets():
    data, lines = load_yaml("a: 1\nb:\n  - x\n  - y\n")
    assert data == {"a": 1, "b": ["x", "y"]}
    assert lines.at("b", 1) == 4
    doc = split_front_matter("---\ntitle: T\nminutes: 2\n---\nbody\n")
    assert doc.lines.at("minutes") == 3
    assert doc.body_line == 5
    with pytest.raises(YamlError) as info:
        split_front_matter("---\ntitle: T\n")
    assert info.value.line == 1


def test_a_cold_load_of_many_lessons_renders_them_all(tmp_path: Path):
    """Enough misses to render on worker processes: the result equals a one-by-one render."""
    write(tmp_path, "content/courses/big/course.yaml", "title: Big\nroles: [all]\n")
    for n in range(1, 81):
        write(
            tmp_path,
            f"content/courses/big/{n:02d}-lesson-{n}.md",
            f"""
            ---
            title: Lesson {n}
            minutes: 2
            ---
            ## Part {n}
            See [the first](01-lesson-1.md). | a | b |

            | a | b |
            |---|---|
            | {n} | {n * 2} |
        """,
        )
    cache = RenderCache(tmp_path / "cache")
    catalog = load_catalog(tmp_path, cache)
    lessons = catalog.courses["big"].lessons
    assert len(lessons) == 80 and catalog.errors == ()
    for lesson in lessons:
        expected = render(
            split_front_matter((tmp_path / lesson.path).read_text()).body,
            link_rewriter("big"),
        )
        assert lesson.html == expected.html and lesson.html
    assert 'href="lesson-1"' in lessons[-1].html
    warm = load_catalog(tmp_path, RenderCache(tmp_path / "cache"))  # a restarted worker
    assert [x.html for x in warm.courses["big"].lessons] == [x.html for x in lessons]


def test_a_cyrillic_heading_gets_a_readable_anchor() -> None:
    # The default slugify drops every non-ASCII letter: Russian headings came out as "#_1".
    rendered = render(
        "## Воронка продаж\n\nТекст.\n\n## Сделки і угоди\n\nТекст.\n\n## Sales funnel\n"
    )
    assert [entry.anchor for entry in rendered.toc] == [
        "воронка-продаж",
        "сделки-і-угоди",
        "sales-funnel",
    ]
    assert 'id="воронка-продаж"' in rendered.html


def test_yaml_lines_are_counted_as_an_editor_counts_them() -> None:
    # YAML ends a line at U+2028 (and U+0085, U+2029), an editor does not: a file of two
    # lines with line separators in its first was reported at line 3 (found by the fuzzer).
    data, lines = load_yaml('title: "a\u2028b\u2029c"\nsummary: x\n')
    assert data["summary"] == "x" and lines.at("summary") == 2
    with pytest.raises(YamlError) as raised:
        load_yaml("title: a\u2028\u2028b\nlist: [1, 2\n")
    assert raised.value.line == 1
