"""Role-play case files: parsing, and the linter's path:line problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainhub.catalog import load_catalog
from trainhub.catalog.cache import RenderCache
from trainhub.catalog.roleplays import discover, loosen_lists, parse_case

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
---
title: A test case
roles: [lead-generation]
difficulty: intermediate
persona:
  name: Pat Client
  role: Buyer
  traits: Busy.
situation: The client calls you.
objectives:
  - Listen
  - Agree a next step
answer_format: Half a page.
rubric:
  - key: listening
    title: Listening
    description: Whether you listen.
    weight: 2
    levels:
      1: Talks over the client.
      2: Listens a little.
      3: Listens and asks.
      4: Listens, asks and summarises.
  - key: next-step
    title: Next step
    weight: 1
    levels:
      1: None.
      2: Vague.
      3: Concrete.
      4: Concrete with a date.
passing_score: 3.0
mentor_notes: |
  Look for a summary.
---
## The call

The phone rings.
"""


def parse(text: str):
    return parse_case("roleplays/x.md", "x", text.encode(), RenderCache())


def messages(text: str) -> list[str]:
    _case, problems = parse(text)
    return [str(p) for p in problems.items]


def test_a_good_case_parses_with_everything_a_review_needs():
    case, problems = parse(GOOD)
    assert problems.items == []
    assert case is not None
    assert case.title == "A test case" and case.difficulty == "intermediate"
    assert case.persona.name == "Pat Client"
    assert case.objectives == ("Listen", "Agree a next step")
    assert [(c.key, c.weight) for c in case.rubric] == [("listening", 2), ("next-step", 1)]
    assert case.rubric[0].levels[3] == "Listens, asks and summarises."
    assert case.passing_score == 3.0
    assert "<h2" in case.html and "The phone rings." in case.html
    assert "Look for a summary." in case.mentor_notes_html
    assert len(case.content_hash) == 16


def test_zero_weight_is_an_error_at_its_line():
    bad = GOOD.replace("    weight: 2\n", "    weight: 0\n")
    assert (
        "roleplays/x.md:18: criterion 'listening': 'weight' must be between 1 and 100"
        in messages(bad)
    )


def test_missing_level_is_an_error_at_the_levels_line():
    bad = GOOD.replace("      4: Concrete with a date.\n", "")
    assert any(
        m.startswith("roleplays/x.md:27:") and "missing level 4" in m for m in messages(bad)
    ), messages(bad)


def test_unreachable_passing_score_is_an_error():
    bad = GOOD.replace("passing_score: 3.0", "passing_score: 4.5")
    assert any("roleplays/x.md:32: passing_score 4.5 cannot be reached" in m for m in messages(bad))


def test_duplicate_keys_are_an_error():
    bad = GOOD.replace("key: next-step", "key: listening")
    assert messages(bad) == [
        "roleplays/x.md:24: duplicate rubric key 'listening' (first at line 15)"
    ]


def test_level_outside_one_to_four_is_an_error():
    bad = GOOD.replace("      4: Concrete with a date.\n", "      5: Too high.\n")
    found = messages(bad)
    assert any("has level 5" in m for m in found) and any("missing level 4" in m for m in found)


def test_unknown_keys_are_warnings_only():
    odd = GOOD.replace("passing_score: 3.0", "passing_score: 3.0\ncolour: blue")
    case, problems = parse(odd)
    assert case is not None
    assert [str(p) for p in problems.items] == [
        "roleplays/x.md:33: warning: unknown field 'colour'; the known fields are: "
        "answer_format, difficulty, mentor_notes, objectives, passing_score, persona, "
        "roles, rubric, situation, title"
    ]


@pytest.mark.parametrize(
    "change, expected",
    [
        (("difficulty: intermediate", "difficulty: hard"), "'difficulty' must be one of"),
        (
            ("persona:\n  name: Pat Client\n", "persona:\n"),
            "'persona': missing required field 'name'",
        ),
        (("situation: The client calls you.\n", ""), "missing required field 'situation'"),
        (("## The call\n\nThe phone rings.\n", ""), "has no scenario text"),
        (("---\ntitle", "title"), "missing front matter"),
    ],
)
def test_other_mistakes_are_reported(change, expected):
    bad = GOOD.replace(*change, 1)
    assert any(expected in m for m in messages(bad)), messages(bad)


def test_discover_reports_bad_file_names(tmp_path):
    (tmp_path / "roleplays").mkdir()
    (tmp_path / "roleplays" / "Bad Name.md").write_text(GOOD)
    (tmp_path / "roleplays" / "good-one.md").write_text(GOOD)
    (tmp_path / "roleplays" / "notes.txt").write_text("x")
    cases, problems = discover(tmp_path, RenderCache())
    assert list(cases) == ["good-one"]
    assert {p.path for p in problems} == {"roleplays/Bad Name.md", "roleplays/notes.txt"}


def test_shipped_cases_load_without_problems_and_every_track_has_one():
    catalog = load_catalog(ROOT)
    assert len(catalog.roleplays) >= 6
    assert [p for p in catalog.problems if p.path.startswith("roleplays/")] == []
    for track in catalog.tracks.values():
        kinds = [s.kind for s in track.steps]
        assert "roleplay" in kinds, track.role
        # The onboarding lesson's order: observe (shadowing sign-offs), practise without risk
        # (role-plays), then the sign-offs of real work.
        first_roleplay = kinds.index("roleplay")
        for index, step in enumerate(track.steps):
            if step.kind == "signoff":
                shadowing = step.slug.startswith("shadowed-")
                assert (index < first_roleplay) == shadowing, (track.role, step.slug)
        for step in track.steps:
            if step.kind == "roleplay":
                case = catalog.roleplays[step.slug]
                assert case.is_for(track.role), (track.role, step.slug)
                assert all(len(c.levels) == 4 for c in case.rubric)


def test_a_list_right_after_a_line_of_text_becomes_a_list():
    assert loosen_lists("Red flags:\n- lying\n  still lying\n- pitching") == (
        "Red flags:\n\n- lying\n  still lying\n- pitching"
    )
    assert loosen_lists("Steps:\n1. call\n2. log") == "Steps:\n\n1. call\n2. log"
    assert loosen_lists("a - b\nplain") == "a - b\nplain"
