"""The GIFT importer against the conformance files of GIFT-grammar-PEG.js.

The files live outside the repository (``../shared/gift-conformance/``, MIT licence) and stay
there. Each ``.json`` is that project's parse; we compare what both parsers must agree on:
question count and kinds, texts and formats, correct answers and weights, numeric values,
tolerances and ranges, and every feedback text.

One naming difference is deliberate: for true/false, PEG.js calls the first ``#`` feedback
``trueFeedback`` and the second ``falseFeedback``; Moodle's importer (which we follow) treats
them as "wrong answer" and "right answer" feedback. The comparison is by position, which both
parsers read the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trainhub.catalog.gift import parse_gift

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / ".." / "shared" / "gift-conformance"
FILES = sorted(FOLDER.glob("*.gift")) if FOLDER.is_dir() else []
KINDS = {"single": "MC", "multiple": "MC", "true_false": "TF", "short": "Short",
         "numeric": "Numerical", "matching": "Matching", "essay": "Essay",
         "description": "Description"}  # fmt: skip


def _text(value: dict[str, Any] | None) -> str | None:
    return value["text"] if value else None


def _peg_weight(choice: dict[str, Any]) -> float:
    if choice.get("weight") is not None:
        return float(choice["weight"])
    return 100.0 if choice["isCorrect"] else 0.0


def _peg_numeric(spec: dict[str, Any]) -> tuple[Any, ...]:
    if spec["type"] == "high-low":
        return ("range", float(spec["numberLow"]), float(spec["numberHigh"]))
    return ("value", float(spec["number"]), float(spec.get("range") or 0))


def expected(item: dict[str, Any]) -> dict[str, Any]:
    view: dict[str, Any] = {
        "kind": item["type"],
        "title": item.get("title"),
        "id": item.get("id"),
        "tags": item.get("tags"),
        "stem": (item["stem"]["format"], item["stem"]["text"]),
        "feedback": _text(item.get("globalFeedback")),
    }
    kind = item["type"]
    if kind in {"MC", "Short"}:
        view["answers"] = [
            (c["text"]["text"], _peg_weight(c), _text(c["feedback"])) for c in item["choices"]
        ]
    elif kind == "TF":
        view["answers"] = (
            item["isTrue"],
            _text(item["trueFeedback"]),
            _text(item["falseFeedback"]),
        )
    elif kind == "Numerical":
        choices = item["choices"]
        if isinstance(choices, dict):
            view["answers"] = [(_peg_numeric(choices), 100.0, None)]
        else:
            view["answers"] = [
                (_peg_numeric(c["text"]), _peg_weight(c), _text(c["feedback"])) for c in choices
            ]
    elif kind == "Matching":
        view["answers"] = [(p["subquestion"]["text"], p["subanswer"]) for p in item["matchPairs"]]
    return view


def _weight(kind: str, entry: dict[str, Any]) -> float:
    if "weight" in entry:
        return float(entry["weight"])
    if kind in {"short", "numeric"}:
        return 100.0
    return 100.0 if entry.get("correct") else 0.0


def _numeric(answer: dict[str, Any]) -> tuple[Any, ...]:
    if "min" in answer:
        return ("range", float(answer["min"]), float(answer["max"]))
    return ("value", float(answer["value"]), float(answer.get("tolerance", 0)))


def ours(question: dict[str, Any]) -> dict[str, Any]:
    kind = question["type"]
    view: dict[str, Any] = {
        "kind": KINDS[kind],
        "title": question.get("title"),
        "id": question.get("id"),
        "tags": question.get("tags"),
        "stem": (question.get("format", "markdown"), question["text"]),
        "feedback": question.get("feedback"),
    }
    if kind in {"single", "multiple"}:
        view["answers"] = [
            (c["text"], _weight(kind, c), c.get("feedback")) for c in question["choices"]
        ]
    elif kind == "short":
        view["answers"] = [
            (a["text"], _weight(kind, a), a.get("feedback")) for a in question["answers"]
        ]
    elif kind == "true_false":
        # Back to positions: Moodle's first '#' is the wrong-answer feedback.
        right_is_true = question["answer"]
        on_true, on_false = question.get("feedback_true"), question.get("feedback_false")
        first, second = (on_false, on_true) if right_is_true else (on_true, on_false)
        view["answers"] = (question["answer"], first, second)
    elif kind == "numeric":
        view["answers"] = [
            (_numeric(a), _weight(kind, a), a.get("feedback")) for a in question["answers"]
        ]
    elif kind == "matching":
        view["answers"] = [(p["question"], p["answer"]) for p in question["pairs"]]
    return view


def compare(path: Path) -> list[str]:
    """Differences between our parse of ``path`` and the expected one (empty: conformant)."""
    items = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    doc = parse_gift(path.read_text(encoding="utf-8"))
    problems = [f"parse error {e}" for e in doc.errors]
    categories = [i["title"] for i in items if i["type"] == "Category"]
    if categories != doc.categories:
        problems.append(f"categories {doc.categories} != {categories}")
    wanted = [expected(i) for i in items if i["type"] != "Category"]
    got = [ours(q) for q in doc.questions]
    if len(wanted) != len(got):
        problems.append(f"{len(got)} questions, expected {len(wanted)}")
    for index, (want, have) in enumerate(zip(wanted, got, strict=False)):
        for key in want:
            if want[key] != have.get(key):
                problems.append(f"question {index + 1} {key}: {have.get(key)!r} != {want[key]!r}")
    return problems


def test_the_conformance_folder_is_there():
    assert len(FILES) >= 20, f"expected the GIFT conformance files in {FOLDER.resolve()}"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_file_matches_the_reference_parse(path: Path):
    assert compare(path) == []


def test_conformance_score_is_complete(capsys):
    passed = sum(1 for p in FILES if not compare(p))
    with capsys.disabled():
        print(f"\nGIFT conformance: {passed}/{len(FILES)} files match")
    assert passed == len(FILES)
