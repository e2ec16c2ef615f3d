"""``trainhub content import``: handbook pages as docs sites and Notion export them become
lessons that the linter accepts, with every change reported at its source line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainhub import create_app
from trainhub.catalog.load import load_catalog
from trainhub.handbook.convert import convert_page, read_page
from trainhub.handbook.importer import plan_import

REPO = Path(__file__).resolve().parents[2]
HANDBOOKS = REPO / "tests/fixtures/handbooks"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the shipped content, so the import lands beside real courses."""
    for folder in ("content", "quizzes", "roleplays"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


def _run(root: Path, *args: str):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{root / 'unused.db'}",
            "INSTANCE_PATH": str(root / "instance"),
            "CONTENT_ROOT": str(root),
            "SECRET_KEY": "test-" + "x1y2z3" * 8,
            "RENDER_CACHE": "",
        }
    )
    return app.test_cli_runner().invoke(args=["content", "import", *args])


def _warnings(output: str) -> dict[tuple[str, int], list[str]]:
    found: dict[tuple[str, int], list[str]] = {}
    for line in output.splitlines():
        if ": warning: " in line:
            where, message = line.split(": warning: ", 1)
            path, number = where.rsplit(":", 1)
            found.setdefault((Path(path).name, int(number)), []).append(message)
    return found


def test_a_docs_site_folder_becomes_a_course_the_linter_accepts(root: Path) -> None:
    result = _run(root, str(HANDBOOKS / "docs-site"), "--course", "sales-playbook",
                  "--title", "Sales playbook", "--root", str(root))  # fmt: skip
    assert result.exit_code == 0, result.output + result.stderr
    course = root / "content/courses/sales-playbook"
    # Ordered as the site's sidebar ordered them, numbered as lessons are.
    assert sorted(p.name for p in course.glob("*.md")) == [
        "01-inbound-leads.md",
        "02-discovery-calls.md",
        "03-qualifying.md",
    ]
    catalog = load_catalog(root)
    assert list(catalog.errors) == []
    imported = catalog.courses["sales-playbook"]
    assert imported.title == "Sales playbook"
    discovery = imported.lesson("discovery-calls")
    assert discovery is not None
    assert discovery.title == "How we run discovery calls"
    assert discovery.minutes == 1  # 189 words at 200 a minute
    # The component became the text a reader saw; the code example kept its component.
    assert "Ask Maria Kovalenko for recordings" in discovery.html
    assert "TeamMember" not in discovery.html.split("<pre")[0]
    assert "Not a component" in discovery.html
    # The H1 that repeated the title is gone; the page shows the title once.
    assert "<h1" not in discovery.html
    # A :::tip note became a quotation with its label.
    assert "<blockquote>" in discovery.html and "Listen more than you talk" in discovery.html
    # Links between the imported pages lead to the lessons, fragment kept.
    assert 'href="inbound-leads#routing"' in discovery.html
    assert 'href="qualifying"' in discovery.html
    text = (course / "02-discovery-calls.md").read_text()
    assert "# from the source: sidebar: Handbook" in text  # unknown fields kept, as comments
    assert "import { TeamMember }" not in text
    # Every change is reported with the source file and line, in the source's terms.
    warnings = _warnings(result.output)
    assert warnings[("discovery-calls.mdx", 8)] == [
        "dropped a docs-site line: import { TeamMember } from 'components/people'"
    ]
    assert warnings[("discovery-calls.mdx", 10)] == [
        "dropped the first heading: it repeats the title, which the page shows"
    ]
    assert warnings[("discovery-calls.mdx", 13)] == [
        "component <TeamMember /> turned into its text 'Maria Kovalenko'"
    ]
    assert warnings[("discovery-calls.mdx", 19)] == [
        "link to '/handbook/ops/crm-hygiene' points outside the imported pages and will go "
        "nowhere: point it at a lesson or a full web address"
    ]
    assert warnings[("discovery-calls.mdx", 45)] == [
        "image './images/call-steps.png' copied to assets/sales/images/call-steps.png"
    ]
    # The picture came along, into the course's assets/, and the lesson shows it.
    copied = course / "assets/sales/images/call-steps.png"
    assert copied.read_bytes() == (HANDBOOKS / "docs-site/sales/images/call-steps.png").read_bytes()
    assert 'src="assets/sales/images/call-steps.png"' in discovery.html
    assert "assets/sales/images/call-steps.png <- sales/images/call-steps.png" in result.output
    assert warnings[("inbound-leads.md", 7)] == ["site shortcode 'note' dropped"]
    assert "no 'minutes': estimated 1 from 57 words" in warnings[("inbound-leads.md", 1)]
    inbound = imported.lesson("inbound-leads")
    assert inbound is not None and "Routing runs every five minutes." in inbound.html
    assert "3 pages imported into sales-playbook" in result.stderr


def test_a_notion_export_keeps_properties_and_its_links(root: Path) -> None:
    result = _run(
        root, str(HANDBOOKS / "notion"), "--course", "sales-analytics", "--root", str(root)
    )
    assert result.exit_code == 0, result.output + result.stderr
    course = root / "content/courses/sales-analytics"
    before = sorted(p.name for p in (REPO / "content/courses/sales-analytics").glob("*.md"))
    after = sorted(p.name for p in course.glob("*.md"))
    last = int(before[-1][:2])
    # Added after the course's own lessons, which stay as they were.
    added = [f"{last + 1:02d}-objection-handling.md", f"{last + 2:02d}-voicemail-script.md"]
    assert after == [*before, *added]
    for name in before:
        assert (course / name).read_bytes() == (
            REPO / "content/courses/sales-analytics" / name
        ).read_bytes()
    text = (course / f"{last + 1:02d}-objection-handling.md").read_text()
    assert text.startswith("---\ntitle: Objection handling\nminutes: 1\n")
    assert "# from the source: Owner: Sales enablement" in text
    assert "Owner: Sales enablement\nLast edited" not in text.split("---", 2)[2]
    assert f"[Voicemail script]({last + 2:02d}-voicemail-script.md)" in text
    catalog = load_catalog(root)
    assert list(catalog.errors) == []
    lesson = catalog.courses["sales-analytics"].lesson("objection-handling")
    assert lesson is not None and 'href="voicemail-script"' in lesson.html


def test_an_existing_lesson_is_never_overwritten_without_force(root: Path) -> None:
    args = [str(HANDBOOKS / "notion"), "--course", "sales-playbook", "--root", str(root)]
    assert _run(root, *args).exit_code == 0
    lesson = root / "content/courses/sales-playbook/01-objection-handling.md"
    lesson.write_text(lesson.read_text().replace("Thank them", "Thank the prospect"))
    edited = lesson.read_text()
    refused = _run(root, *args)
    assert refused.exit_code == 1
    assert "already has a lesson '01-objection-handling.md'" in refused.stderr
    assert "nothing was written (use --force to replace it)" in refused.stderr
    assert lesson.read_text() == edited
    assert sorted(p.name for p in lesson.parent.glob("*.md")) == [
        "01-objection-handling.md",
        "02-voicemail-script.md",
    ]
    forced = _run(root, *args, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "replaced" in forced.output
    assert "Thank them" in lesson.read_text()
    assert sorted(p.name for p in lesson.parent.glob("*.md")) == [
        "01-objection-handling.md",
        "02-voicemail-script.md",
    ]


def test_dry_run_writes_nothing_and_bad_input_says_why(root: Path, tmp_path: Path) -> None:
    dry = _run(root, str(HANDBOOKS / "notion"), "--course", "new-course", "--dry-run",
               "--root", str(root))  # fmt: skip
    assert dry.exit_code == 0
    assert "would write" in dry.output
    assert not (root / "content/courses/new-course").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = _run(root, str(empty), "--course", "new-course", "--root", str(root))
    assert nothing.exit_code == 1 and "no Markdown pages (.md, .mdx)" in nothing.stderr
    bad = _run(root, str(HANDBOOKS / "notion"), "--course", "Sales Playbook", "--root", str(root))
    assert bad.exit_code == 1 and "try 'sales-playbook'" in bad.stderr


def test_a_page_not_in_utf8_is_left_out_with_the_fix(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "pricing.md").write_bytes(
        "# Pricing\n\nCaf\xe9 prices \u2013 per seat.\n".encode("cp1252")
    )
    (src / "terms.md").write_text("# Terms\n\nNet 30.\n")
    plan = plan_import(src, tmp_path / "content", "handbook")
    assert [p.lesson.filename for p in plan.lessons] == ["01-terms.md"]
    assert [(s, n.message) for s, n in plan.notes() if s == "pricing.md"] == [
        ("pricing.md", "not UTF-8 text; left out (save it as UTF-8 and import again)")
    ]


def test_headings_components_and_links_in_one_page() -> None:
    page = read_page(
        "guide/calls.md",
        "# Cold calls\n\nIntro.\n\n# Openers\n\n<Video src='x.mp4' />\n\n"
        "`<Tabs>` is shown as code.\n\n[up](../index.md) [site](https://example.com/a)\n",
    )
    lesson = convert_page(page, "01-calls.md", {"index": "02-overview.md"})
    body = lesson.text.split("---\n", 2)[2]
    assert body.splitlines()[0] == "Intro."
    assert "## Openers" in body  # a second H1 is a section now
    assert "Video" not in body
    assert "`<Tabs>` is shown as code." in body
    assert "[up](02-overview.md)" in body and "[site](https://example.com/a)" in body
    messages = [n.message for n in lesson.notes]
    assert "component <Video /> dropped: TrainHub does not know it" in messages


def test_a_site_link_matches_the_longest_page_path() -> None:
    from trainhub.handbook.convert import resolve_link

    targets = {"sales/crm": "01-crm.md", "ops/crm": "02-ops-crm.md"}
    assert resolve_link("sales/a.md", "/handbook/ops/crm/", targets) == "02-ops-crm.md"
    assert resolve_link("sales/a.md", "/handbook/sales/crm", targets) == "01-crm.md"
    assert resolve_link("sales/a.md", "/handbook/finance/crm", targets) is None
    assert resolve_link("sales/a.md", "crm.md", targets) == "01-crm.md"


def test_an_image_missing_from_the_imported_folder_becomes_its_description() -> None:
    """A link to it would be a missing file (a linter error); the reader gets the words."""
    page = read_page(
        "sales/calls.md",
        "---\ntitle: Calls\nminutes: 2\n---\nIntro.\n\n![The five steps](img/steps.png)\n\n"
        "![Logo](https://example.com/logo.png)\n\n[Price list](files/prices.pdf)\n",
    )
    lesson = convert_page(
        page, "01-calls.md", {}, {"sales/files/prices.pdf": "assets/files/prices.pdf"}
    )
    assert "*The five steps*" in lesson.text and "img/steps.png" not in lesson.text
    assert "![Logo](https://example.com/logo.png)" in lesson.text
    assert "[Price list](assets/files/prices.pdf)" in lesson.text
    assert [n.message for n in lesson.notes if "image" in n.message] == [
        "image 'img/steps.png' is not in the imported folder: its description was kept as text; "
        "put the image in the course's assets/ folder and link it there",
        "image 'https://example.com/logo.png' stays on its site: it shows while the site serves it",
    ]
