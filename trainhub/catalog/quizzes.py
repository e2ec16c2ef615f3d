"""Quizzes: ``quizzes/<slug>.yaml``, or ``<slug>.gift`` with its settings in ``<slug>.yaml``.

Settings (all but ``questions`` optional except title, roles and pass_mark)::

    title: KPI basics
    roles: [all]               # track roles, or "all"
    pass_mark: 80              # percent of the points
    attempts: 3                # 0 = unlimited
    shuffle_questions: true
    shuffle_choices: true
    draw: 8                    # ask N questions drawn from the pool (the rest wait for a retry)
    time_limit_minutes: 20     # enforced by the server
    review:                    # what a hire sees after an attempt (see quiz_review.py)
      right_answers: after_pass
    questions: [...]           # see catalog/questions.py; absent when a .gift file holds them

A GIFT quiz is detected by a settings file with no ``questions`` and a ``.gift`` beside it;
problems in the GIFT file are reported at the GIFT file's line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fields import Fields, decode_text
from .gift import parse_gift
from .markdown import Renderer
from .problems import Problem, ProblemList
from .questions import Question, assign_ids, parse_question
from .quiz_review import ReviewOptions, parse_review
from .sources import Lines, YamlError, content_hash, is_slug, load_yaml, split_translation
from .versions import gift_settings, quiz_version

SETTINGS = {
    "title",
    "roles",
    "pass_mark",
    "attempts",
    "shuffle_questions",
    "shuffle_choices",
    "draw",
    "time_limit_minutes",
    "feedback",
    "review",
    "summary",
    "questions",
}


@dataclass(frozen=True)
class Quiz:
    slug: str
    title: str
    roles: tuple[str, ...]
    pass_mark: int
    path: str
    content_hash: str
    questions: tuple[Question, ...] = ()
    attempts: int = 0
    shuffle_questions: bool = False
    shuffle_choices: bool = False
    draw: int | None = None
    time_limit_minutes: int | None = None
    review: ReviewOptions = ReviewOptions()
    summary: str = ""
    source: str = "yaml"  # or "gift"
    language: str = ""  # "" for the original; else the translation's language (see Lesson)
    text_hash: str = ""
    file_hash: str = ""  # the files' bytes hash, for records older than versions by content

    @property
    def graded_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_graded)

    @property
    def asked(self) -> int:
        """How many graded questions one attempt asks."""
        return self.draw or len(self.graded_questions)

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


def _settings(meta: dict[str, Any], lines: Lines, problems: ProblemList) -> dict[str, Any] | None:
    fields = Fields(meta, lines, problems)
    values: dict[str, Any] = {
        "title": fields.text("title"),
        "roles": fields.text_list("roles"),
        "pass_mark": fields.integer("pass_mark", minimum=0, maximum=100),
        "attempts": fields.integer("attempts", required=False, default=0, minimum=0),
        "shuffle_questions": fields.boolean("shuffle_questions", False),
        "shuffle_choices": fields.boolean("shuffle_choices", False),
        "draw": fields.integer("draw", required=False, minimum=1),
        "time_limit_minutes": fields.integer(
            "time_limit_minutes", required=False, minimum=1, maximum=600
        ),
        "summary": fields.text("summary", required=False, default=""),
    }
    values["review"] = parse_review(meta, lines, problems, values["attempts"] or 0)
    fields.warn_unknown(SETTINGS)
    for index, role in enumerate(values["roles"]):
        if role != "all" and not is_slug(role):
            problems.error(lines.at("roles", index), f"role '{role}' is not a valid role name")
    if values["title"] is None or values["pass_mark"] is None:
        return None
    return values


def _questions(
    raw: Any, lines: Lines, problems: ProblemList, render: Renderer, gift: bool = False
) -> list[Question]:
    if not isinstance(raw, list) or not raw:
        problems.error(lines.at("questions"), "'questions' must be a non-empty list")
        return []
    found = [parse_question(item, i, lines, problems, render, gift) for i, item in enumerate(raw)]
    questions = [q for q in found if q is not None]
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        qid = item.get("id") if isinstance(item, dict) else None
        if qid is None:
            continue
        line = lines.at("questions", index, "id")
        if str(qid) in seen:
            problems.error(line, f"duplicate id '{qid}' (first at line {seen[str(qid)]})")
            continue
        seen[str(qid)] = line
    return assign_ids(questions)


def _gift_questions(
    rel: str, data: bytes, problems: list[Problem], render: Renderer
) -> list[Question] | None:
    found = ProblemList(rel)
    source = decode_text(data, found)
    if source is None:
        problems.extend(found.items)
        return None
    doc = parse_gift(source)
    for error in doc.errors:
        found.error(error.line, error.message)
    for warning in doc.warnings:
        found.warning(warning.line, warning.message)
    # The questions are validated like YAML ones, with each one's GIFT line.
    lines = Lines(by_path={("questions", i): line for i, line in enumerate(doc.lines)})
    lines.by_path[()] = 1
    questions = _questions(doc.questions, lines, found, render, True) if doc.questions else []
    if not doc.questions and not doc.errors:
        found.error(1, "the GIFT file holds no questions")
    problems.extend(found.items)
    return None if found.has_errors else questions


def parse_quiz(root: Path, path: Path, render: Renderer) -> tuple[Quiz | None, list[Problem]]:
    rel = path.relative_to(root).as_posix()
    problems = ProblemList(rel)
    extra: list[Problem] = []
    data = path.read_bytes()
    text = decode_text(data, problems)
    if text is None:
        return None, problems.items
    try:
        meta, lines = load_yaml(text)
    except YamlError as exc:
        problems.error(exc.line, exc.message)
        return None, problems.items
    if not isinstance(meta, dict):
        problems.error(1, "a quiz is a mapping with title, roles, pass_mark and questions")
        return None, problems.items
    settings = _settings(meta, lines, problems)
    gift_path = path.with_suffix(".gift")
    digest_source = data
    gift_lines: list[str] = []
    source = "yaml"
    if "questions" in meta:
        if gift_path.is_file():
            problems.error(
                lines.at("questions"), f"questions here and in {gift_path.name}: keep one"
            )
        questions = _questions(meta["questions"], lines, problems, render)
    elif gift_path.is_file():
        gift_data = gift_path.read_bytes()
        digest_source = data + b"\0" + gift_data
        source = "gift"
        gift_rel = gift_path.relative_to(root).as_posix()
        questions = _gift_questions(gift_rel, gift_data, extra, render) or []
        gift_lines = gift_settings(gift_data.decode("utf-8", "replace"))
    else:
        problems.error(1, f"no 'questions', and no {gift_path.name} beside this file")
        questions = []
    if settings is not None and questions:
        graded = [q for q in questions if q.is_graded]
        if not graded:
            problems.error(lines.at("questions"), "the quiz has no graded question")
        draw = settings["draw"]
        if draw is not None and draw > len(graded):
            problems.error(
                lines.at("draw"), f"'draw' is {draw} but the pool has {len(graded)} questions"
            )
    all_problems = problems.items + extra
    if settings is None or not questions or any(p.is_error for p in all_problems):
        return None, all_problems
    quiz = Quiz(
        slug=path.stem,
        path=rel,
        content_hash=quiz_version(settings, questions, gift_lines),
        file_hash=content_hash(digest_source),
        questions=tuple(questions),
        source=source,
        **settings,
    )
    return quiz, all_problems


def discover(root: Path, render: Renderer) -> tuple[dict[str, Quiz], list[Problem]]:
    quizzes: dict[str, Quiz] = {}
    problems: list[Problem] = []
    base = root / "quizzes"
    if not base.is_dir():
        return quizzes, problems
    for path in sorted(base.iterdir()):
        rel = path.relative_to(root).as_posix()
        if path.is_dir() or path.name.startswith("."):
            continue
        if split_translation(path.name):
            continue  # translations.py reads it
        if path.suffix == ".gift":
            if not (path.with_suffix(".yaml").is_file() or path.with_suffix(".yml").is_file()):
                problems.append(
                    Problem(rel, 1, f"no settings: add {path.stem}.yaml (title, roles, pass_mark)")
                )
            continue
        if path.suffix not in {".yaml", ".yml"}:
            problems.append(Problem(rel, 1, "not a quiz (.yaml or .gift) file; ignored", "warning"))
            continue
        if not is_slug(path.stem):
            problems.append(Problem(rel, 1, "quiz file names are slugs (lowercase, hyphens)"))
            continue
        if path.stem in quizzes:
            problems.append(Problem(rel, 1, f"quiz '{path.stem}' is defined twice"))
            continue
        quiz, found = parse_quiz(root, path, render)
        problems.extend(found)
        if quiz is not None:
            quizzes[quiz.slug] = quiz
    return quizzes, problems
