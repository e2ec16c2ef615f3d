"""Content versions: a hash over what a hire reads or answers, not over the file's bytes. Pure.

A learner record (a lesson completion, a quiz attempt, a role-play answer, a sign-off) keeps
the version of the item it was made against, and a page flags the record when the item's
version moved on. Hashing the file made every edit a new version: a comment in a ``.gift``
file, a reordered front matter, Windows line endings. Here the version is made from the parsed
item instead, so only what a hire would notice makes a new one:

- parsed YAML already drops ``#`` comments and key order; GIFT ``//`` comments never reach
  the parsed questions (``// trainhub:`` settings lines are kept: they change behaviour);
  HTML comments in a lesson's or case's Markdown are never shown, so they are dropped too;
- texts are compared with line endings, trailing spaces and runs of blank lines normalized;
- the order of questions, choices and matching pairs does not count (the hire's attempt
  records what it showed, and grading does not depend on it);
- titles, summaries, roles, reading times and mentor notes are labels, not content.

Records stored before this (sha256 of the file) still compare: every item also carries
``file_hash``, the old hash of its current file, and ``same_version`` accepts either. A
record of an unchanged file is current under both; after an edit an old record is judged
outdated, since nothing tells what its file said. Learner rows are never rewritten.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .questions import Question

_BLANK_RUNS = re.compile(r"\n{3,}")
_FENCE = re.compile(r"^ {0,3}(```|~~~)", re.MULTILINE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
GIFT_SETTING = "// trainhub:"


def normal_text(text: str | None) -> str:
    """``text`` as a reader sees it: LF line ends, no trailing spaces, single blank lines."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def markdown_text(text: str | None) -> str:
    """A Markdown body as a reader sees it: ``normal_text`` without HTML comments, which the
    page never shows (those inside fenced code blocks are shown, so they stay)."""
    if not text:
        return ""
    parts = _FENCE.split(text.replace("\r\n", "\n"))
    # split() keeps the fence markers: text, marker, code, marker, text, ...
    out, inside = [], False
    for part in parts:
        if part in ("```", "~~~"):
            out.append(part)
            inside = not inside
            continue
        out.append(part if inside else _HTML_COMMENT.sub("", part))
    return normal_text("".join(out))


def digest(value: Any) -> str:
    """16 hex digits over a JSON form of ``value`` with sorted keys (the width stored hashes
    have always had)."""
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def lesson_version(title: str, body: str) -> str:
    return digest({"lesson": 1, "title": normal_text(title), "body": markdown_text(body)})


def course_version(title: str, lesson_versions: Iterable[str]) -> str:
    return digest({"course": 1, "title": normal_text(title), "lessons": list(lesson_versions)})


def _sorted(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))


def question_version(question: Question) -> str:
    """What a hire reads and answers in one question: its text, its choices with their
    weights and feedback, its right answers and points. Not its id, tags or category."""
    q = question
    data: dict[str, Any] = {
        "type": q.type,
        "text": normal_text(q.text),
        "format": q.format,
        "points": q.points,
        "title": normal_text(q.title),
        "feedback": normal_text(q.feedback),
        "choices": _sorted(
            [normal_text(c.text), c.weight, normal_text(c.feedback), c.format or ""]
            for c in q.choices
        ),
        "numbers": _sorted(
            [n.value, n.tolerance, n.low, n.high, n.weight, normal_text(n.feedback)]
            for n in q.numbers
        ),
        "pairs": _sorted([normal_text(p.question), normal_text(p.answer)] for p in q.pairs),
        "distractors": sorted(normal_text(d) for d in q.distractors),
        "answer": q.answer,
        "feedback_true": normal_text(q.feedback_true),
        "feedback_false": normal_text(q.feedback_false),
    }
    return digest(data)


def gift_settings(source: str) -> list[str]:
    """The ``// trainhub:`` lines of a GIFT file: settings, unlike its other comments."""
    found = (line.strip() for line in source.replace("\r\n", "\n").split("\n"))
    return sorted(" ".join(line.split()) for line in found if line.startswith(GIFT_SETTING))


def quiz_version(
    settings: dict[str, Any], questions: Iterable[Question], gift_lines: Iterable[str] = ()
) -> str:
    """The questions (by id, in any order) and the settings that change how the quiz is
    taken or graded: pass mark, attempts, draw, time limit, shuffles, review options."""
    review = settings.get("review")
    data = {
        "quiz": 1,
        "questions": sorted([q.id, question_version(q)] for q in questions),
        "pass_mark": settings.get("pass_mark"),
        "attempts": settings.get("attempts"),
        "draw": settings.get("draw"),
        "time_limit_minutes": settings.get("time_limit_minutes"),
        "shuffle_questions": settings.get("shuffle_questions"),
        "shuffle_choices": settings.get("shuffle_choices"),
        "review": asdict(review) if review is not None else None,
        "gift": list(gift_lines),
    }
    return digest(data)


def case_version(
    *,
    scenario: str,
    situation: str,
    objectives: Iterable[str],
    answer_format: str,
    persona: Any,
    rubric: Iterable[Any],  # catalog.roleplays.Criterion
    passing_score: float,
) -> str:
    """What a hire reads of a case and what their answer is scored against (the rubric)."""
    data = {
        "case": 1,
        "scenario": markdown_text(scenario),
        "situation": normal_text(situation),
        "objectives": [normal_text(o) for o in objectives],
        "answer_format": normal_text(answer_format),
        "persona": [
            normal_text(persona.name),
            normal_text(persona.role),
            normal_text(persona.traits),
        ]
        if persona is not None
        else None,
        "rubric": sorted(
            [
                c.key,
                normal_text(c.title),
                normal_text(c.description),
                c.weight,
                [normal_text(x) for x in c.levels],
            ]
            for c in rubric
        ),
        "passing_score": passing_score,
    }
    return digest(data)


def track_version(target_days: int, steps: Iterable[Any]) -> str:
    """A track's steps as they are judged: kinds, items, thresholds, sign-off texts, due days."""
    data = {
        "track": 1,
        "target_days": target_days,
        "steps": [
            [
                s.kind,
                s.slug,
                normal_text(s.title) if s.kind == "signoff" else "",
                normal_text(s.description) if s.kind == "signoff" else "",
                s.pass_mark,
                s.min_score,
                s.due_day,
            ]
            for s in steps
        ],
    }
    return digest(data)


class Versioned(Protocol):
    @property
    def content_hash(self) -> str: ...


def same_version(stored: str | None, item: Versioned) -> bool:
    """Whether a record made against version ``stored`` is current for ``item``: the
    version by content, or (for records older than it) the hash of the item's file."""
    if not stored:
        return False
    return stored == item.content_hash or stored == (getattr(item, "file_hash", "") or None)
