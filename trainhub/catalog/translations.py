"""Translations of content files: ``03-kpis.ru.md`` beside ``03-kpis.md``, and so on.

A translation carries texts only. Everything a grade, a threshold or a schedule depends on
(question types, weights, numeric values, rubric weights and levels, pass marks, roles, step
order) comes from the original, so a hire is graded the same in every language, and the
translated item keeps the original's slug and ``content_hash``: an attempt, a submission or a
completion belongs to the item whatever language it was read in. The translation's own file
hash is kept beside it (``text_hash``), so a mentor can tell which text was answered.

Each translation names the version of the original it was made from (``translation_of:
<content hash>``). The linter compares it with the original's hash of today: a translation made
from an older original is "out of date". Git history is not needed (nor available in every
deployment).

A translation whose structure differs from its original (another number of questions or
choices, other rubric criteria or levels, other steps) is "drifted": an error, and it is not
served; readers of that language get the original until it is fixed.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from .courses import Course, Lesson, lesson_links, link_rewriter
from .fields import Fields, decode_text, did_you_mean, read_front_matter, read_mapping
from .markdown import Renderer, loosen_lists, plain_words
from .problems import Problem, ProblemList
from .questions import Choice, NumericAnswer, Pair, Question, to_html
from .quizzes import Quiz
from .roleplays import LEVELS, Criterion, Persona, RoleplayCase
from .sources import Lines, YamlError, content_hash, load_yaml, split_translation
from .tracks import Track, TrackStep

Kind = Literal["course", "lesson", "track", "quiz", "roleplay"]
State = Literal["current", "out_of_date", "unversioned", "drifted", "missing"]
VERSION_KEY = "translation_of"


@dataclass(frozen=True, order=True)
class TranslationState:
    """One original file in one language, for ``trainhub content status``."""

    language: str
    kind: Kind
    original: str  # the original file's path
    state: State
    path: str = ""  # the translation's path ("" when missing)


@dataclass
class Translations:
    """Translated items by language; each map holds only what has a translation."""

    courses: dict[str, dict[str, Course]]
    lessons: dict[str, dict[tuple[str, str], Lesson]]
    tracks: dict[str, dict[str, Track]]
    quizzes: dict[str, dict[str, Quiz]]
    roleplays: dict[str, dict[str, RoleplayCase]]
    states: list[TranslationState]
    problems: list[Problem]

    @property
    def languages(self) -> set[str]:
        return {s.language for s in self.states if s.state != "missing"}


def _check_keys(
    fields: Fields, texts: Iterable[str], structure: Iterable[str], *, fatal: bool = True
) -> None:
    """A key of the original's structure is an error (a translation carries only texts);
    any other unknown key is a warning, as in originals."""
    allowed, owned = set(texts) | {VERSION_KEY}, set(structure)
    for key in fields.data:
        if key in allowed:
            continue
        if key in owned and fatal:
            fields.problems.error(
                fields.line(str(key)),
                fields.say(f"'{key}' comes from the original: a translation carries only texts"),
            )
        elif key not in owned:
            hint = did_you_mean(str(key), allowed)
            fields.problems.warning(
                fields.line(str(key)), fields.say(f"unknown field '{key}'{hint}")
            )


def _version_state(
    fields: Fields | None, line_of: Callable[[], int], original_hash: str, problems: ProblemList
) -> State:
    made_from = fields.data.get(VERSION_KEY) if fields is not None else None
    if made_from is None:
        problems.warning(
            line_of(),
            f"no '{VERSION_KEY}': cannot tell whether it is up to date; once it translates "
            f"today's original, add '{VERSION_KEY}: {original_hash}'",
        )
        return "unversioned"
    if str(made_from) != original_hash:
        problems.warning(
            fields.line(VERSION_KEY) if fields is not None else line_of(),
            f"out of date: translated from version {made_from} of the original, which is now "
            f"{original_hash}; bring the text up to date, then set '{VERSION_KEY}: "
            f"{original_hash}'",
        )
        return "out_of_date"
    return "current"


def _state(problems: ProblemList, version: State) -> State:
    return "drifted" if problems.has_errors else version


def _text(fields: Fields, key: str, fallback: str, *, required: bool = False) -> str:
    value = fields.text(key, required=required)
    return value if value is not None else fallback


# --- lessons and courses ---------------------------------------------------------------


def translate_lesson(
    path: str, original: Lesson, data: bytes, language: str, render: Renderer
) -> tuple[Lesson | None, ProblemList, State]:
    problems = ProblemList(path)
    doc = read_front_matter(data, problems)
    if doc is None:
        return None, problems, "drifted"
    fields = Fields(doc.meta, doc.lines, problems)
    title = fields.text("title")
    _check_keys(fields, {"title", "summary"}, {"minutes"})
    if not doc.body.strip():
        problems.error(doc.body_line, "the translation has no text after its front matter")
    version = _version_state(fields, lambda: 1, original.content_hash, problems)
    if problems.has_errors or title is None:
        return None, problems, "drifted"
    digest = content_hash(data)
    rendered = render(digest, doc.body, link_rewriter(original.course_slug))
    lesson = replace(
        original,
        title=title,
        html=rendered.html,
        toc=rendered.toc,
        words=plain_words(doc.body),
        links=lesson_links(doc.body, doc.body_line, original.course_slug),
        language=language,
        text_hash=digest,
    )
    return lesson, problems, version


def translate_course_meta(
    path: str, original: Course, meta_hash: str, data: bytes
) -> tuple[tuple[str, str] | None, ProblemList, State]:
    problems = ProblemList(path)
    fields = read_mapping(data, problems, "course.yaml")
    if fields is None:
        return None, problems, "drifted"
    title = fields.text("title")
    summary = _text(fields, "summary", original.summary)
    _check_keys(fields, {"title", "summary"}, {"roles", "order"})
    version = _version_state(fields, fields.line, meta_hash, problems)
    if problems.has_errors or title is None:
        return None, problems, "drifted"
    return (title, summary), problems, version


# --- tracks ----------------------------------------------------------------------------

_STEP_STRUCTURE = {"course", "quiz", "roleplay", "signoff", "pass_mark", "min_score", "due_day"}


def translate_track(
    path: str, original: Track, data: bytes, language: str
) -> tuple[Track | None, ProblemList, State]:
    problems = ProblemList(path)
    fields = read_mapping(data, problems, "a track")
    if fields is None:
        return None, problems, "drifted"
    title = fields.text("title")
    summary = _text(fields, "summary", original.summary)
    _check_keys(fields, {"title", "summary", "steps"}, {"role", "target_days"})
    raw = fields.data.get("steps", [])
    steps: list[TrackStep] = []
    if not isinstance(raw, list):
        problems.error(fields.line("steps"), "'steps' must be a list, as in the original")
        raw = []
    if raw and len(raw) != len(original.steps):
        problems.error(
            fields.line("steps"),
            f"{len(raw)} steps, but the original has {len(original.steps)}: translate each "
            "step of the original, in its order",
        )
    for index, step in enumerate(original.steps):
        item = raw[index] if index < len(raw) else {}
        if not isinstance(item, dict):
            problems.error(
                fields.lines.at("steps", index), "a step is a mapping, as in the original"
            )
            continue
        sub = Fields(item, fields.lines, problems, "steps", index)
        named = [k for k in ("course", "quiz", "roleplay", "signoff") if k in item]
        if item and (named != [step.kind] or item.get(step.kind) != step.slug):
            problems.error(
                sub.line(),
                f"step {index + 1} is {step.key} in the original: name it '{step.kind}: "
                f"{step.slug}' here",
            )
        for key in item:
            if key in _STEP_STRUCTURE - {step.kind}:
                problems.error(
                    sub.line(str(key)),
                    sub.say(f"'{key}' comes from the original: a translation carries only texts"),
                )
        if step.title is not None and "title" not in item:
            problems.warning(sub.line(), f"step {step.key} has no translated title")
        steps.append(
            replace(
                step,
                title=_text(sub, "title", step.title or "") or step.title,
                description=_text(sub, "description", step.description or "") or step.description,
            )
        )
    version = _version_state(fields, fields.line, original.content_hash, problems)
    if problems.has_errors or title is None:
        return None, problems, "drifted"
    digest = content_hash(data)
    track = replace(
        original,
        title=title,
        summary=summary,
        steps=tuple(steps),
        language=language,
        text_hash=digest,
    )
    return track, problems, version


# --- quizzes ---------------------------------------------------------------------------

_QUIZ_STRUCTURE = {
    "roles",
    "pass_mark",
    "attempts",
    "shuffle_questions",
    "shuffle_choices",
    "draw",
    "time_limit_minutes",
    "feedback",
    "review",
}
_QUESTION_TEXTS = {"id", "title", "text", "feedback", "feedback_true", "feedback_false"}
_QUESTION_STRUCTURE = {"type", "points", "format", "tags", "category", "answer"}
_ITEM_STRUCTURE = {"weight", "correct", "format", "value", "tolerance", "min", "max"}


class _QuestionTranslator:
    def __init__(self, lines: Lines, problems: ProblemList, render: Renderer) -> None:
        self.lines = lines
        self.problems = problems
        self.render = render

    def html(self, text: str, fmt: str | None, *, inline: bool = False) -> str:
        return to_html(text, fmt or "markdown", self.render, inline=inline)

    def items(self, raw: dict[str, Any], key: str, count: int, index: int) -> list[Any] | None:
        """The list under ``key``, as long as the original's; None (with a problem) if not."""
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or len(value) != count:
            size = len(value) if isinstance(value, list) else 0
            self.problems.error(
                self.lines.at("questions", index, key),
                f"question {index + 1}: {size} '{key}', but the original has {count}",
            )
            return None
        return value

    def item_fields(self, item: Any, index: int, *path: str | int) -> Fields | None:
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            item = {"text": str(item)}
        if not isinstance(item, dict):
            self.problems.error(
                self.lines.at("questions", index, *path), "each entry is a mapping with 'text'"
            )
            return None
        sub = Fields(item, self.lines, self.problems, "questions", index, *path)
        _check_keys(sub, {"text", "feedback", "question", "answer"}, _ITEM_STRUCTURE)
        return sub

    def choices(self, q: Question, raw: dict[str, Any], index: int) -> tuple[Choice, ...]:
        key = "answers" if q.type == "short" else "choices"
        found = self.items(raw, key, len(q.choices), index)
        if found is None:
            return q.choices
        out = []
        for n, (choice, item) in enumerate(zip(q.choices, found, strict=True)):
            sub = self.item_fields(item, index, key, n)
            if sub is None:
                out.append(choice)
                continue
            text = _text(sub, "text", choice.text)
            feedback = _text(sub, "feedback", choice.feedback or "") or None
            fmt = choice.format or q.format
            shown = (
                html_lib.escape(text) if q.type == "short" else self.html(text, fmt, inline=True)
            )
            out.append(
                replace(
                    choice,
                    text=text,
                    html=shown,
                    feedback=feedback,
                    feedback_html=self.html(feedback, q.format) if feedback else None,
                )
            )
        return tuple(out)

    def numbers(self, q: Question, raw: dict[str, Any], index: int) -> tuple[NumericAnswer, ...]:
        found = self.items(raw, "answers", len(q.numbers), index)
        if found is None:
            return q.numbers
        out = []
        for n, (answer, item) in enumerate(zip(q.numbers, found, strict=True)):
            sub = self.item_fields(item if isinstance(item, dict) else {}, index, "answers", n)
            feedback = _text(sub, "feedback", answer.feedback or "") if sub else answer.feedback
            out.append(
                replace(
                    answer,
                    feedback=feedback or None,
                    feedback_html=self.html(feedback, q.format) if feedback else None,
                )
            )
        return tuple(out)

    def pairs(self, q: Question, raw: dict[str, Any], index: int) -> tuple[Pair, ...]:
        found = self.items(raw, "pairs", len(q.pairs), index)
        if found is None:
            return q.pairs
        out = []
        names: dict[str, str] = {}
        for n, (pair, item) in enumerate(zip(q.pairs, found, strict=True)):
            sub = self.item_fields(item, index, "pairs", n)
            if sub is None:
                out.append(pair)
                continue
            question = _text(sub, "question", pair.question)
            answer = " ".join(_text(sub, "answer", pair.answer).split())
            # Pairs that share an answer in the original share it here too, and only those:
            # otherwise the translation would grade differently.
            if names.setdefault(pair.answer, answer) != answer or (
                list(names.values()).count(answer) > 1
            ):
                self.problems.error(
                    sub.line("answer"),
                    f"question {index + 1}: pair {n + 1}'s answer must match the original's "
                    "pairing (the same answers shared, the others distinct)",
                )
            out.append(
                replace(
                    pair,
                    question=question,
                    html=self.html(question, pair.format or q.format, inline=True),
                    answer=answer,
                )
            )
        return tuple(out)

    def question(self, q: Question, raw: Any, index: int) -> Question:
        if not isinstance(raw, dict):
            self.problems.error(self.lines.at("questions", index), "a question is a mapping")
            return q
        fields = Fields(raw, self.lines, self.problems, "questions", index)
        keys = _QUESTION_TEXTS | {"choices", "answers", "pairs", "distractors"}
        _check_keys(fields, keys, _QUESTION_STRUCTURE)
        if "id" in raw and str(raw["id"]) != q.id:
            self.problems.error(
                fields.line("id"),
                f"question {index + 1} is '{q.id}' in the original, not '{raw['id']}'",
            )
        text = _text(fields, "text", q.text, required=True)
        feedback = _text(fields, "feedback", q.feedback or "") or None
        values: dict[str, Any] = {
            "text": text,
            "html": self.html(text, q.format),
            "title": _text(fields, "title", q.title or "") or q.title,
            "feedback": feedback,
            "feedback_html": self.html(feedback, q.format) if feedback else None,
        }
        if q.type in {"single", "multiple", "short"}:
            values["choices"] = self.choices(q, raw, index)
        elif q.type == "numeric":
            values["numbers"] = self.numbers(q, raw, index)
        elif q.type == "matching":
            values["pairs"] = self.pairs(q, raw, index)
            extra = self.items(raw, "distractors", len(q.distractors), index)
            if extra is not None:
                values["distractors"] = tuple(" ".join(str(x).split()) for x in extra)
        elif q.type == "true_false":
            for side in ("feedback_true", "feedback_false"):
                value = _text(fields, side, getattr(q, side) or "") or None
                values[side] = value
                values[f"{side}_html"] = self.html(value, q.format) if value else None
        for key in ("choices", "answers", "pairs", "distractors"):
            if key in raw and key not in _keys_of(q):
                self.problems.error(
                    fields.line(key), f"question {index + 1} ({q.type}) has no '{key}'"
                )
        return replace(q, **values)


def _keys_of(q: Question) -> set[str]:
    return {
        "single": {"choices"},
        "multiple": {"choices"},
        "short": {"answers"},
        "numeric": {"answers"},
        "matching": {"pairs", "distractors"},
    }.get(q.type, set())


def translate_quiz(
    path: str, original: Quiz, data: bytes, language: str, render: Renderer
) -> tuple[Quiz | None, ProblemList, State]:
    problems = ProblemList(path)
    text = decode_text(data, problems)
    if text is None:
        return None, problems, "drifted"
    try:
        meta, lines = load_yaml(text)
    except YamlError as exc:
        problems.error(exc.line, exc.message)
        return None, problems, "drifted"
    if not isinstance(meta, dict):
        problems.error(1, "a quiz translation is a mapping with title and questions")
        return None, problems, "drifted"
    fields = Fields(meta, lines, problems)
    title = fields.text("title")
    summary = _text(fields, "summary", original.summary)
    _check_keys(fields, {"title", "summary", "questions"}, _QUIZ_STRUCTURE)
    raw = meta.get("questions")
    questions = original.questions
    if not isinstance(raw, list) or len(raw) != len(original.questions):
        size = len(raw) if isinstance(raw, list) else 0
        problems.error(
            lines.at("questions"),
            f"{size} questions, but the original has {len(original.questions)}: translate "
            "each question of the original, in its order",
        )
    else:
        translator = _QuestionTranslator(lines, problems, render)
        questions = tuple(
            translator.question(q, item, i)
            for i, (q, item) in enumerate(zip(original.questions, raw, strict=True))
        )
    version = _version_state(fields, fields.line, original.content_hash, problems)
    if problems.has_errors or title is None:
        return None, problems, "drifted"
    quiz = replace(
        original,
        title=title,
        summary=summary,
        questions=questions,
        language=language,
        text_hash=content_hash(data),
    )
    return quiz, problems, version


# --- role-play cases -------------------------------------------------------------------


def _criterion(c: Criterion, raw: Any, index: int, fields: Fields) -> Criterion:
    problems, lines = fields.problems, fields.lines
    if not isinstance(raw, dict):
        problems.error(lines.at("rubric", index), "a criterion is a mapping, as in the original")
        return c
    sub = Fields(raw, lines, problems, "rubric", index)
    _check_keys(sub, {"key", "title", "description", "levels"}, {"weight"})
    if "key" in raw and raw["key"] != c.key:
        problems.error(
            sub.line("key"),
            f"criterion {index + 1} is '{c.key}' in the original, not '{raw['key']}'",
        )
    levels = c.levels
    raw_levels = raw.get("levels")
    if raw_levels is not None:
        given = raw_levels if isinstance(raw_levels, dict) else {}
        numbers = {int(k) for k in given if str(k).isdigit()}
        if numbers != set(LEVELS) or len(given) != len(LEVELS):
            problems.error(
                sub.line("levels"),
                f"criterion '{c.key}' must describe levels {', '.join(map(str, LEVELS))}, "
                "as the original does",
            )
        else:
            texts = {int(k): str(v).strip() for k, v in given.items()}
            levels = tuple(texts[n] or c.levels[n - 1] for n in LEVELS)
    return replace(
        c,
        title=_text(sub, "title", c.title, required=True),
        description=_text(sub, "description", c.description),
        levels=levels,
    )


def translate_case(
    path: str, original: RoleplayCase, data: bytes, language: str, render: Renderer
) -> tuple[RoleplayCase | None, ProblemList, State]:
    problems = ProblemList(path)
    doc = read_front_matter(data, problems)
    if doc is None:
        return None, problems, "drifted"
    fields = Fields(doc.meta, doc.lines, problems)
    texts = {"title", "persona", "situation", "objectives", "answer_format", "rubric"}
    _check_keys(fields, texts | {"mentor_notes"}, {"roles", "difficulty", "passing_score"})
    title = fields.text("title")
    persona = original.persona
    raw_persona = doc.meta.get("persona")
    if isinstance(raw_persona, dict) and persona is not None:
        sub = Fields(raw_persona, doc.lines, problems, "persona")
        persona = Persona(
            _text(sub, "name", persona.name),
            _text(sub, "role", persona.role),
            _text(sub, "traits", persona.traits),
        )
    objectives = fields.text_list("objectives", required=False) or original.objectives
    rubric = original.rubric
    raw_rubric = doc.meta.get("rubric")
    if raw_rubric is None:
        problems.error(fields.line(), "no 'rubric': translate each criterion of the original")
    elif not isinstance(raw_rubric, list) or len(raw_rubric) != len(original.rubric):
        size = len(raw_rubric) if isinstance(raw_rubric, list) else 0
        problems.error(
            fields.line("rubric"),
            f"{size} rubric criteria, but the original has {len(original.rubric)}: translate "
            "each criterion of the original, in its order",
        )
    else:
        rubric = tuple(
            _criterion(c, item, i, fields)
            for i, (c, item) in enumerate(zip(original.rubric, raw_rubric, strict=True))
        )
    if not doc.body.strip():
        problems.error(doc.body_line, "the translation has no scenario text after its front matter")
    version = _version_state(fields, lambda: 1, original.content_hash, problems)
    if problems.has_errors or title is None:
        return None, problems, "drifted"
    digest = content_hash(data)
    notes = loosen_lists(_text(fields, "mentor_notes", original.mentor_notes))
    case = replace(
        original,
        title=title,
        persona=persona,
        situation=_text(fields, "situation", original.situation, required=True),
        objectives=objectives,
        answer_format=_text(fields, "answer_format", original.answer_format),
        rubric=rubric,
        html=render(digest, doc.body, None).html,
        mentor_notes=notes,
        mentor_notes_html=render(content_hash(notes.encode()), notes, None).html if notes else "",
        language=language,
        text_hash=digest,
    )
    return case, problems, version


# --- finding the files -----------------------------------------------------------------


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _files(folder: Path) -> dict[str, dict[str, Path]]:
    """Translation files of a folder: {original file name: {language: path}}."""
    found: dict[str, dict[str, Path]] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        split = split_translation(path.name)
        if split is not None and path.is_file():
            found.setdefault(split[0], {})[split[1]] = path
    return found


_YAML = (".yaml", ".yml")


def load_translations(
    root: Path,
    default_language: str,
    courses: Mapping[str, Course],
    tracks: Mapping[str, Track],
    quizzes: Mapping[str, Quiz],
    roleplays: Mapping[str, RoleplayCase],
    render: Renderer,
    languages: Iterable[str] = (),
) -> Translations:
    """Read every translation beside the originals in the catalog.

    ``languages`` are the languages to report missing translations in (``content status``);
    those a translation is found in are added.
    """
    out = Translations({}, {}, {}, {}, {}, [], [])
    found: list[tuple[Kind, str, str, Path, Callable[[str, bytes], tuple[Any, ProblemList, State]]]]
    found = []
    originals: list[tuple[Kind, str]] = []

    def wrong_language(path: Path, language: str) -> bool:
        if language != default_language:
            return False
        out.problems.append(
            Problem(
                _rel(root, path),
                1,
                f"'{language}' is the content's default language: the original is the file "
                "without a language",
            )
        )
        return True

    def orphan(path: Path, what: str, *on_disk: Path) -> None:
        # An original that is on disk but left out of the catalog (it has an error) already
        # has its message: its translations wait quietly, so one broken file is told once.
        if any(original.is_file() for original in on_disk):
            return
        out.problems.append(
            Problem(_rel(root, path), 1, f"a translation of {what}, which does not exist")
        )

    courses_dir = root / "content" / "courses"
    for slug, course in courses.items():
        folder = courses_dir / slug
        files = _files(folder)
        meta_hash = content_hash((folder / "course.yaml").read_bytes())
        originals.append(("course", f"{course.path}/course.yaml"))
        for language, path in files.pop("course.yaml", {}).items():
            if wrong_language(path, language):
                continue

            def meta(
                lang: str, data: bytes, c: Course = course, p: Path = path, h: str = meta_hash
            ) -> Any:
                return translate_course_meta(_rel(root, p), c, h, data)

            found.append(("course", slug, language, path, meta))
        by_file = {Path(lesson.path).name: lesson for lesson in course.lessons}
        for lesson in course.lessons:
            originals.append(("lesson", lesson.path))
        for name, paths in files.items():
            lesson_ = by_file.get(name)
            for language, path in paths.items():
                if wrong_language(path, language):
                    continue
                if lesson_ is None:
                    orphan(path, f"lesson {name}", folder / name)
                    continue

                def les(lang: str, data: bytes, x: Lesson = lesson_, p: Path = path) -> Any:
                    return translate_lesson(_rel(root, p), x, data, lang, render)

                found.append(("lesson", f"{slug}/{lesson_.slug}", language, path, les))
    by_track = {Path(t.path).with_suffix(x).name: t for t in tracks.values() for x in _YAML}
    tracks_dir = root / "content" / "tracks"
    for name, paths in _files(tracks_dir).items():
        for language, path in paths.items():
            track = by_track.get(name)
            if wrong_language(path, language):
                continue
            if track is None:
                orphan(path, f"track {name}", *(tracks_dir / (Path(name).stem + x) for x in _YAML))
                continue

            def trk(lang: str, data: bytes, t: Track = track, p: Path = path) -> Any:
                return translate_track(_rel(root, p), t, data, lang)

            found.append(("track", track.role, language, path, trk))
    originals += [("track", t.path) for t in tracks.values()]
    # ``kpi.ru.yaml`` translates ``kpi.yaml`` or ``kpi.yml``, whichever the original is.
    by_quiz = {Path(q.path).with_suffix(x).name: q for q in quizzes.values() for x in _YAML}
    for name, paths in _files(root / "quizzes").items():
        for language, path in paths.items():
            if wrong_language(path, language):
                continue
            if path.suffix == ".gift":
                out.problems.append(
                    Problem(
                        _rel(root, path),
                        1,
                        "a GIFT quiz is translated in YAML: "
                        f"{Path(name).stem}.{language}.yaml (see docs/translations.md)",
                    )
                )
                continue
            quiz = by_quiz.get(name)
            if quiz is None:
                stem = Path(name).stem
                orphan(
                    path,
                    f"quiz {name}",
                    *(root / "quizzes" / (stem + x) for x in (*_YAML, ".gift")),
                )
                continue

            def qz(lang: str, data: bytes, q: Quiz = quiz, p: Path = path) -> Any:
                return translate_quiz(_rel(root, p), q, data, lang, render)

            found.append(("quiz", quiz.slug, language, path, qz))
    originals += [("quiz", q.path) for q in quizzes.values()]
    by_case = {Path(c.path).name: c for c in roleplays.values()}
    for name, paths in _files(root / "roleplays").items():
        for language, path in paths.items():
            case = by_case.get(name)
            if wrong_language(path, language):
                continue
            if case is None:
                orphan(path, f"case {name}", root / "roleplays" / name)
                continue

            def cs(lang: str, data: bytes, c: RoleplayCase = case, p: Path = path) -> Any:
                return translate_case(_rel(root, p), c, data, lang, render)

            found.append(("roleplay", case.slug, language, path, cs))
    originals += [("roleplay", c.path) for c in roleplays.values()]

    done: dict[tuple[str, str], str] = {}  # (language, original path) -> translation path
    titles: dict[tuple[str, str], tuple[str, str]] = {}
    for kind, key, language, path, parse in found:
        item, problems, state = parse(language, path.read_bytes())
        out.problems.extend(problems.items)
        original = _original_path(kind, key, courses, tracks, quizzes, roleplays)
        out.states.append(TranslationState(language, kind, original, state, _rel(root, path)))
        done[(language, original)] = _rel(root, path)
        if item is None:
            continue
        if kind == "course":
            titles[(language, key)] = item
        elif kind == "lesson":
            course_slug, lesson_slug = key.split("/", 1)
            out.lessons.setdefault(language, {})[(course_slug, lesson_slug)] = item
        elif kind == "track":
            out.tracks.setdefault(language, {})[key] = item
        elif kind == "quiz":
            out.quizzes.setdefault(language, {})[key] = item
        else:
            out.roleplays.setdefault(language, {})[key] = item
    wanted = (set(languages) | {s.language for s in out.states}) - {default_language}
    for language in sorted(wanted):
        for kind, original in originals:
            if (language, original) not in done:
                out.states.append(TranslationState(language, kind, original, "missing"))
    _assemble_courses(out, courses, titles, root, done)
    out.states.sort()
    return out


def _original_path(
    kind: Kind,
    key: str,
    courses: Mapping[str, Course],
    tracks: Mapping[str, Track],
    quizzes: Mapping[str, Quiz],
    roleplays: Mapping[str, RoleplayCase],
) -> str:
    if kind == "course":
        return f"{courses[key].path}/course.yaml"
    if kind == "lesson":
        course_slug, lesson_slug = key.split("/", 1)
        lesson = courses[course_slug].lesson(lesson_slug)
        assert lesson is not None
        return lesson.path
    if kind == "track":
        return tracks[key].path
    if kind == "quiz":
        return quizzes[key].path
    return roleplays[key].path


def _assemble_courses(
    out: Translations,
    courses: Mapping[str, Course],
    titles: Mapping[tuple[str, str], tuple[str, str]],
    root: Path,
    done: Mapping[tuple[str, str], str],
) -> None:
    """A course in a language: its translated title and summary, and each lesson translated
    or original. A translated course with a lesson left untranslated is worth a warning."""
    for language in {lang for lang, _ in titles} | set(out.lessons):
        lessons = out.lessons.get(language, {})
        for slug, course in courses.items():
            named = titles.get((language, slug))
            mixed = tuple(lessons.get((slug, x.slug), x) for x in course.lessons)
            if named is None and all(x is y for x, y in zip(mixed, course.lessons, strict=True)):
                continue
            if named is not None:
                meta_path = done[(language, f"{course.path}/course.yaml")]
                for lesson in course.lessons:
                    if (language, lesson.path) not in done:
                        out.problems.append(
                            Problem(
                                meta_path,
                                1,
                                f"lesson {Path(lesson.path).name} has no '{language}' "
                                "translation: its readers get the original",
                                "warning",
                            )
                        )
            title, summary = named or (course.title, course.summary)
            out.courses.setdefault(language, {})[slug] = replace(
                course,
                title=title,
                summary=summary,
                lessons=mixed,
                language=language if named is not None else "",
                text_hash=content_hash(
                    "".join(x.text_hash or x.content_hash for x in mixed).encode()
                ),
            )
