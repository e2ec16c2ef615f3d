"""Quiz files: the shipped demo quizzes, and path:line problems for malformed ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from trainhub.catalog import load_catalog
from trainhub.catalog.cache import RenderCache
from trainhub.catalog.quizzes import discover
from trainhub.quizzes.cli import quiz_cli

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped():
    return load_catalog(REPO)


def test_shipped_content_has_no_errors(shipped):
    assert [str(p) for p in shipped.problems if p.is_error] == []


def test_every_track_has_its_own_quiz_with_mixed_questions(shipped):
    for track in shipped.tracks.values():
        quizzes = [shipped.quizzes[s.slug] for s in track.steps if s.kind == "quiz"]
        own = [q for q in quizzes if track.role in q.roles]
        assert own, f"no quiz for {track.role}"
        for quiz in quizzes:
            assert len(quiz.graded_questions) >= 8, quiz.slug
            assert len({q.type for q in quiz.graded_questions}) >= 4, quiz.slug
        steps = [s.key for s in track.steps]
        course = next(
            s.key
            for s in track.steps
            if s.kind == "course" and s.slug != "sales-department-foundations"
        )
        assert steps[steps.index(course) + 1].startswith("quiz:"), track.role
        assert all(s.pass_mark for s in track.steps if s.kind == "quiz")


def test_kpi_quiz_asks_for_conversion_and_average_deal_size(shipped):
    quiz = shipped.quizzes["kpi-basics"]
    numeric = {q.id: q for q in quiz.questions if q.type == "numeric"}
    conversion = numeric["conversion-closers"].numbers[0]
    assert conversion.matches(15.0) and "80 warm leads" in numeric["conversion-closers"].text
    assert numeric["average-check"].numbers[0].matches(3000.0)
    assert "all" in quiz.roles


def test_one_demo_quiz_is_authored_in_gift(shipped):
    gift = [q for q in shipped.quizzes.values() if q.source == "gift"]
    assert gift and (REPO / "quizzes" / f"{gift[0].slug}.gift").is_file()


def _root(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "quizzes").mkdir()
    for name, text in files.items():
        (tmp_path / "quizzes" / name).write_text(text, encoding="utf-8")
    return tmp_path


def _problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    quizzes, problems = discover(_root(tmp_path, files), RenderCache())
    return [str(p) for p in problems if p.is_error]


BAD_YAML = """title: Broken
roles: [all]
pass_mark: 120
feedback: sometimes
draw: 9
questions:
  - type: single
    text: Pick
    choices:
      - text: a
      - text: b
  - type: numeric
    text: How many?
    answers: ["12abc"]
  - type: multiple
    text: Two
    choices: [{text: a, weight: 50}, {text: b, weight: 20}]
  - type: wizard
    text: what
  - id: same
    type: essay
    text: one
  - id: same
    type: true_false
    text: two
    answer: maybe
"""


def test_each_malformed_field_is_reported_at_its_line(tmp_path):
    problems = _problems(tmp_path, {"broken.yaml": BAD_YAML})
    expected = [
        "quizzes/broken.yaml:3: 'pass_mark' must be between 0 and 100",
        "quizzes/broken.yaml:4: 'feedback' must be one of",
        "quizzes/broken.yaml:9: question 1: at least one answer must be worth 100%",
        "quizzes/broken.yaml:14: question 2, answer 1: a numeric answer is",
        "quizzes/broken.yaml:17: question 3: the positive weights add up to 70%",
        "quizzes/broken.yaml:18: question 4: 'type' must be one of",
        "quizzes/broken.yaml:23: duplicate id 'same' (first at line 20)",
        "quizzes/broken.yaml:26: question 'same': 'answer' must be true or false",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), (line, problems)


def test_gift_syntax_errors_point_into_the_gift_file(tmp_path):
    problems = _problems(
        tmp_path,
        {
            "g.yaml": "title: G\nroles: [all]\npass_mark: 50\n",
            "g.gift": "Fine {=a ~b}\n\n// comment\nBroken {#abc}\n",
        },
    )
    assert problems == ["quizzes/g.gift:4: 'abc' is not a number, number:tolerance or min..max"]


def test_gift_without_settings_and_yaml_without_questions(tmp_path):
    problems = _problems(
        tmp_path, {"alone.gift": "Q {T}\n", "empty.yaml": "title: E\nroles: [all]\npass_mark: 5\n"}
    )
    assert any(p.startswith("quizzes/alone.gift:1: no settings") for p in problems)
    assert any(p.startswith("quizzes/empty.yaml:1: no 'questions'") for p in problems)


def test_a_draw_larger_than_the_pool_is_an_error(tmp_path):
    text = (
        "title: D\nroles: [all]\npass_mark: 5\ndraw: 3\n"
        "questions:\n  - {type: true_false, text: a, answer: true}\n"
    )
    assert _problems(tmp_path, {"d.yaml": text}) == [
        "quizzes/d.yaml:4: 'draw' is 3 but the pool has 1 questions"
    ]


def test_import_gift_writes_a_quiz_that_loads(tmp_path):
    source = REPO / ".." / "shared" / "gift-conformance" / "options1.gift"
    root = _root(tmp_path, {})
    out = root / "quizzes" / "imported.yaml"
    result = CliRunner().invoke(quiz_cli, ["import-gift", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("- id:") + text.count("- type:") >= 14
    quizzes, problems = discover(root, RenderCache())
    assert [str(p) for p in problems if p.is_error] == []
    assert len(quizzes["imported"].questions) == 14


def test_import_gift_to_stdout(tmp_path):
    gift = tmp_path / "q.gift"
    gift.write_text("Two plus two? {#4}\n\nSure? {T}\n", encoding="utf-8")
    result = CliRunner().invoke(quiz_cli, ["import-gift", str(gift)])
    assert result.exit_code == 0
    assert "questions:" in result.output and "type: numeric" in result.output
    assert "type: true_false" in result.output


def test_malformed_gift_exits_nonzero_and_writes_nothing(tmp_path):
    gift = tmp_path / "bad.gift"
    gift.write_text("Good {T}\n\nBad {=a ~b\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(quiz_cli, ["import-gift", str(gift), "--out", str(out)])
    assert result.exit_code == 1
    assert f"{gift}:3: the answer block opened here is never closed" in result.output
    assert not out.exists()


def test_keep_going_imports_what_moodle_would_and_names_the_rest(tmp_path):
    gift = tmp_path / "mixed.gift"
    gift.write_text("Good {T}\n\nNo number {#~#wrong}\n\nAlso good {F}\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    args = ["import-gift", str(gift), "--out", str(out), "--keep-going"]
    result = CliRunner().invoke(quiz_cli, args)
    assert result.exit_code == 0
    assert f"{gift}:3: a numeric question needs an answer" in result.output
    text = out.read_text(encoding="utf-8")
    assert "Good" in text and "Also good" in text and "No number" not in text


def test_conformance_files_all_import(tmp_path):
    folder = REPO / ".." / "shared" / "gift-conformance"
    for path in sorted(folder.glob("*.gift")):
        result = CliRunner().invoke(quiz_cli, ["import-gift", str(path)])
        assert result.exit_code == 0, (path.name, result.output)
        assert "questions:" in result.output
