"""GIFT round trips keep a quiz's settings, and an '=' or '~' that Moodle would read as a new
answer is reported instead of silently adding one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from trainhub import create_app
from trainhub.catalog.gift import parse_gift
from trainhub.catalog.sources import split_translation
from trainhub.quizzes.gift_settings import read_settings_comments

REPO = Path(__file__).resolve().parents[2]
# The originals: a translation beside them (``kpi-basics.uk.yaml``) is texts of the same quiz.
QUIZZES = sorted(
    p.stem for p in (REPO / "quizzes").glob("*.yaml") if split_translation(p.name) is None
)


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("gift")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp / 'unused.db'}",
            "INSTANCE_PATH": str(tmp / "instance"),
            "CONTENT_ROOT": str(REPO),
            "SECRET_KEY": "test-" + "x1y2z3" * 8,
            "RENDER_CACHE": "",
        }
    )
    return app.test_cli_runner()


@pytest.mark.parametrize("slug", QUIZZES)
def test_export_then_import_gives_back_the_settings(cli, tmp_path: Path, slug: str) -> None:
    exported = cli.invoke(args=["quiz", "export-gift", slug])
    assert exported.exit_code == 0, exported.output
    gift = tmp_path / f"{slug}.gift"
    gift.write_text(exported.stdout, encoding="utf-8")
    imported = cli.invoke(
        args=["quiz", "import-gift", str(gift), "--out", str(tmp_path / "q.yaml")]
    )
    assert imported.exit_code == 0, imported.output
    again = yaml.safe_load((tmp_path / "q.yaml").read_text(encoding="utf-8"))
    original = yaml.safe_load((REPO / "quizzes" / f"{slug}.yaml").read_text(encoding="utf-8"))
    settings = {k: v for k, v in original.items() if k != "questions"}
    # Every setting the author wrote comes back as written: review options and roles above all.
    assert {k: again[k] for k in settings} == settings
    assert again["review"] == original.get("review", again["review"])
    assert len(again["questions"]) == len(original.get("questions") or again["questions"])


def test_settings_comments_are_checked_with_their_line() -> None:
    source = (
        "// trainhub: pass_mark: 75\n"
        "// an ordinary comment\n"
        "// trainhub: atempts: 3\n"
        "// trainhub: pass_mark 75\n"
        "::Q:: Two plus two? {=4 ~5}\n"
    )
    settings, problems = read_settings_comments(source)
    assert settings == {"pass_mark": 75}
    assert [(p.line, p.message) for p in problems] == [
        (3, "unknown quiz setting 'atempts' (did you mean 'attempts'?)"),
        (4, "'pass_mark 75' is not a 'name: value' setting"),
    ]


def test_an_unescaped_equals_in_feedback_is_reported_where_it_is() -> None:
    source = (
        "::Gap:: The plan was 6.2 million and the fact 5.1. By how much was it missed? {\n"
        "    =1.1 million#Right: 6.2 - 5.1 = 1.1.\n"
        "    ~11.3 million#That adds the plan and the fact.\n"
        "}\n"
    )
    doc = parse_gift(source)
    # Moodle reads '= 1.1.' as a second right answer; so do we, and we say so.
    assert [c["text"] for c in doc.questions[0]["choices"]] == [
        "1.1 million",
        "1.1.",
        "11.3 million",
    ]
    assert [(w.line, w.message) for w in doc.warnings] == [
        (2, "'=' in the middle of this line starts another answer (Moodle reads it so): "
            "write \\= if it is part of the text"),
    ]  # fmt: skip


def test_a_refused_question_says_which_marker_made_it_fail() -> None:
    source = "::Gap:: Miss? {#\n    =1.1:0.05#6.2 - 5.1 = 1.1, about 18%.\n    =%50%18#No.\n}\n"
    doc = parse_gift(source)
    assert doc.questions == [] and len(doc.errors) == 1
    assert [w.line for w in doc.warnings] == [2]


def test_escaped_markers_and_one_line_blocks_are_not_reported() -> None:
    escaped = "::Gap:: Miss? {#\n    =1.1#6.2 - 5.1 \\= 1.1.\n    =%50%18#In percent.\n}\n"
    one_line = "::TF:: Is a lead qualified without a budget? {=no#It needs one. ~yes#No.}\n"
    tilde = "::Pick:: Which one? {\n    =Revenue ~ price x volume\n    ~Margin\n}\n"
    assert parse_gift(escaped).warnings == []
    assert parse_gift(one_line).warnings == []
    warned = parse_gift(tilde).warnings
    assert [w.line for w in warned] == [2]


def test_the_conformance_corpus_gives_no_false_alarm() -> None:
    corpus = REPO.parent / "shared" / "gift-conformance"
    files = sorted(corpus.glob("*.gift"))
    assert files, f"no GIFT files in {corpus}"
    warned = {f.name: parse_gift(f.read_text(encoding="utf-8")).warnings for f in files}
    assert {name: w for name, w in warned.items() if w} == {}
