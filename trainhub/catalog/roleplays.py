"""Role-play cases: ``roleplays/<slug>.md``, YAML front matter plus the scenario in Markdown.

The front matter holds what a mentor needs to judge an answer (the rubric with its level
descriptors, ``mentor_notes``) next to what the hire reads (persona, situation, objectives).
The parser keeps both; templates decide who sees what, and the tests check that hires never
get the mentor's half.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .courses import ALL_ROLES
from .fields import Fields, read_front_matter
from .markdown import Renderer, loosen_lists
from .problems import Problem, ProblemList
from .sources import content_hash, is_slug, split_translation
from .versions import case_version

DIFFICULTIES = ("introductory", "intermediate", "advanced")
LEVELS = (1, 2, 3, 4)
MIN_LEVEL, MAX_LEVEL = LEVELS[0], LEVELS[-1]
_TOP_KEYS = {
    "title",
    "roles",
    "difficulty",
    "persona",
    "situation",
    "objectives",
    "answer_format",
    "rubric",
    "passing_score",
    "mentor_notes",
}
_PERSONA_KEYS = {"name", "role", "traits"}
_CRITERION_KEYS = {"key", "title", "description", "weight", "levels"}


@dataclass(frozen=True)
class Persona:
    name: str
    role: str
    traits: str = ""


@dataclass(frozen=True)
class Criterion:
    key: str
    title: str
    description: str
    weight: int
    # Descriptors of levels 1-4, for mentors only.
    levels: tuple[str, ...]


@dataclass(frozen=True)
class RoleplayCase:
    slug: str
    title: str
    roles: tuple[str, ...]
    passing_score: float
    path: str
    content_hash: str
    difficulty: str = "introductory"
    persona: Persona | None = None
    situation: str = ""
    objectives: tuple[str, ...] = ()
    answer_format: str = ""
    rubric: tuple[Criterion, ...] = ()
    html: str = ""  # the scenario, rendered and sanitized once
    mentor_notes: str = ""  # never shown to hires
    mentor_notes_html: str = ""
    language: str = ""  # "" for the original; else the translation's language (see Lesson)
    text_hash: str = ""
    file_hash: str = ""  # the file's bytes hash, for records older than versions by content

    def is_for(self, role: str | None) -> bool:
        return ALL_ROLES in self.roles or (role is not None and role in self.roles)

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.rubric if c.key == key), None)


def _persona(meta: dict[str, Any], fields: Fields) -> Persona | None:
    raw = meta.get("persona")
    if raw is None:
        fields.problems.error(fields.line(), "missing required field 'persona'")
        return None
    if not isinstance(raw, dict):
        fields.problems.error(fields.line("persona"), "'persona' is a mapping: name, role, traits")
        return None
    sub = Fields(raw, fields.lines, fields.problems, "persona")
    name = sub.text("name")
    role = sub.text("role")
    traits = sub.text("traits", required=False, default="")
    sub.warn_unknown(_PERSONA_KEYS)
    if name is None or role is None:
        return None
    return Persona(name, role, traits or "")


def _levels(raw: object, sub: Fields) -> tuple[str, ...] | None:
    problems, line = sub.problems, sub.line("levels")
    if not isinstance(raw, dict):
        problems.error(line, sub.say("'levels' is a mapping of levels 1-4 to descriptors"))
        return None
    found: dict[int, str] = {}
    for key, text in raw.items():
        level = int(key) if isinstance(key, int | str) and str(key).isdigit() else None
        if level not in LEVELS:
            problems.error(
                sub.lines.at(*sub.path, "levels", str(key)),
                sub.say(f"'levels' has level {key} (levels are 1-4)"),
            )
            continue
        if not isinstance(text, str) or not text.strip():
            problems.error(
                sub.lines.at(*sub.path, "levels", str(key)),
                sub.say(f"level {key} must describe the level in words"),
            )
            continue
        found[level] = text.strip()
    missing = [str(n) for n in LEVELS if n not in found]
    if missing:
        problems.error(
            line, sub.say(f"'levels' is missing level {', '.join(missing)} (levels 1-4)")
        )
        return None
    return tuple(found[n] for n in LEVELS)


def _criterion(raw: object, index: int, fields: Fields) -> Criterion | None:
    line = fields.lines.at("rubric", index)
    if not isinstance(raw, dict):
        fields.problems.error(line, "a rubric criterion is a mapping: key, title, weight, levels")
        return None
    sub = Fields(raw, fields.lines, fields.problems, "rubric", index)
    key = raw.get("key")
    if not is_slug(key):
        fields.problems.error(
            sub.line("key") if "key" in raw else line,
            sub.say("'key' must be a slug (lowercase, digits, hyphens)"),
        )
        key = None
    title = sub.text("title")
    description = sub.text("description", required=False, default="")
    weight = sub.integer("weight", minimum=1, maximum=100)
    levels = _levels(raw.get("levels"), sub) if "levels" in raw else None
    if "levels" not in raw:
        fields.problems.error(line, sub.say("missing required field 'levels'"))
    sub.warn_unknown(_CRITERION_KEYS)
    if key is None or title is None or weight is None or levels is None:
        return None
    return Criterion(key, title, description or "", weight, levels)


def _rubric(meta: dict[str, Any], fields: Fields) -> tuple[Criterion, ...]:
    raw = meta.get("rubric")
    if not isinstance(raw, list) or not raw:
        fields.problems.error(fields.line("rubric"), "'rubric' must be a non-empty list")
        return ()
    criteria: list[Criterion] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        criterion = _criterion(item, index, fields)
        if criterion is None:
            continue
        line = fields.lines.at("rubric", index, "key")
        if criterion.key in seen:
            fields.problems.error(
                line,
                f"duplicate rubric key '{criterion.key}' (first at line {seen[criterion.key]})",
            )
            continue
        seen[criterion.key] = line
        criteria.append(criterion)
    return tuple(criteria)


def _passing_score(meta: dict[str, Any], fields: Fields) -> float | None:
    score = fields.number("passing_score")
    if score is None:
        return None
    # The weighted average of levels 1-4 lies between 1 and 4, whatever the weights.
    if score > MAX_LEVEL:
        fields.problems.error(
            fields.line("passing_score"),
            f"passing_score {score:g} cannot be reached: the best weighted score is {MAX_LEVEL}",
        )
        return None
    if score < MIN_LEVEL:
        fields.problems.error(
            fields.line("passing_score"),
            f"passing_score {score:g} is below the lowest level ({MIN_LEVEL}): every answer passes",
        )
        return None
    return score


def parse_case(
    path: str, slug: str, data: bytes, render: Renderer
) -> tuple[RoleplayCase | None, ProblemList]:
    problems = ProblemList(path)
    doc = read_front_matter(data, problems)
    if doc is None:
        return None, problems
    meta = doc.meta
    fields = Fields(meta, doc.lines, problems)
    title = fields.text("title")
    roles = fields.text_list("roles")
    for index, role in enumerate(roles):
        if role != ALL_ROLES and not is_slug(role):
            problems.error(doc.lines.at("roles", index), f"role '{role}' is not a valid role name")
    difficulty = fields.text("difficulty", required=False, default="introductory")
    if difficulty not in DIFFICULTIES:
        problems.error(
            fields.line("difficulty"), f"'difficulty' must be one of: {', '.join(DIFFICULTIES)}"
        )
    persona = _persona(meta, fields)
    situation = fields.text("situation")
    objectives = fields.text_list("objectives")
    answer_format = fields.text("answer_format", required=False, default="")
    rubric = _rubric(meta, fields)
    passing_score = _passing_score(meta, fields)
    mentor_notes = fields.text("mentor_notes", required=False, default="")
    if not mentor_notes:
        problems.warning(fields.line(), "no 'mentor_notes': mentors review without guidance")
    fields.warn_unknown(_TOP_KEYS)
    if not doc.body.strip():
        problems.error(doc.body_line, "the case has no scenario text after its front matter")
    if problems.has_errors or title is None or passing_score is None or situation is None:
        return None, problems
    digest = content_hash(data)
    notes = loosen_lists(mentor_notes or "")
    case = RoleplayCase(
        slug=slug,
        title=title,
        roles=roles,
        passing_score=passing_score,
        path=path,
        content_hash=case_version(
            scenario=doc.body,
            situation=situation,
            objectives=objectives,
            answer_format=answer_format or "",
            persona=persona,
            rubric=rubric,
            passing_score=passing_score,
        ),
        file_hash=digest,
        difficulty=difficulty or "introductory",
        persona=persona,
        situation=situation,
        objectives=objectives,
        answer_format=answer_format or "",
        rubric=rubric,
        html=render(digest, doc.body, None).html,
        mentor_notes=notes,
        mentor_notes_html=render(content_hash(notes.encode()), notes, None).html if notes else "",
    )
    return case, problems


def discover(root: Path, render: Renderer) -> tuple[dict[str, RoleplayCase], list[Problem]]:
    cases: dict[str, RoleplayCase] = {}
    problems: list[Problem] = []
    base = root / "roleplays"
    if not base.is_dir():
        return cases, problems
    for path in sorted(base.iterdir()):
        rel = path.relative_to(root).as_posix()
        if path.is_dir() or path.name.startswith("."):
            continue
        if split_translation(path.name):
            continue  # translations.py reads it
        if path.suffix != ".md":
            problems.append(Problem(rel, 1, "not a case (.md) file; ignored", "warning"))
            continue
        if path.name.lower() == "readme.md":
            continue
        if not is_slug(path.stem):
            problems.append(Problem(rel, 1, "case file names are slugs (lowercase, hyphens)"))
            continue
        case, found = parse_case(rel, path.stem, path.read_bytes(), render)
        problems.extend(found.items)
        if case is not None:
            cases[case.slug] = case
    return dict(sorted(cases.items(), key=lambda kv: kv[1].title.lower())), problems
