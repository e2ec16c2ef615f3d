"""Files to catalog: read every content file, parse it, and cross-check the references.

``load_catalog`` never raises for bad content: a broken file becomes a Problem and is left
out, so the rest of the catalog is still served.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol, TypeVar

from . import quizzes as quiz_files
from . import roleplays as roleplay_files
from .assets import ASSET_MAX_KB, ASSETS, content_type
from .cache import RenderCache
from .courses import (
    ALL_ROLES,
    Course,
    Lesson,
    LessonLink,
    build_course,
    parse_course_meta,
    parse_lesson,
)
from .links import Sources, check_links, folder_rewriter, url_root, with_links
from .markdown import Renderer
from .problems import Problem
from .quizzes import Quiz
from .roleplays import RoleplayCase
from .sources import is_slug, split_translation
from .tracks import Track, TrackStep, parse_track, step_name
from .translations import TranslationState, load_translations

CONTENT_DIRS = ("content", "quizzes", "roleplays")
DEFAULT_LANGUAGE = "en"
# A lesson file larger than this is worth a warning: a page of that size is slow to open
# and long to read (CONTENT_LESSON_MAX_KB sets it).
LESSON_MAX_KB = 200
_Item = TypeVar("_Item", Course, Lesson, Track, Quiz, RoleplayCase)


class HasTrack(Protocol):
    """A person as the catalog sees them: only the track (sales role) they follow."""

    @property
    def track(self) -> str | None: ...


@dataclass(frozen=True)
class Catalog:
    courses: Mapping[str, Course] = field(default_factory=dict)
    tracks: Mapping[str, Track] = field(default_factory=dict)
    quizzes: Mapping[str, Quiz] = field(default_factory=dict)
    roleplays: Mapping[str, RoleplayCase] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    fingerprint: str = ""
    # The language of the originals (the files without a language suffix).
    default_language: str = DEFAULT_LANGUAGE
    # The language this catalog's items are read in: "" for the originals. ``in_language``
    # gives the catalog of another language: the same items, slugs, hashes and structure,
    # with each text translated where a translation exists.
    language: str = ""
    translations: tuple[TranslationState, ...] = ()
    # Every language's catalog, shared by all of them (filled once by the loader).
    localized: Mapping[str, Catalog] = field(default_factory=dict, compare=False, repr=False)

    def in_language(self, language: str | None) -> Catalog:
        """This catalog as a reader of ``language`` reads it: each item translated where a
        translation exists, the original otherwise. Grading, thresholds and hashes are the
        same in every language (a translation carries texts only)."""
        wanted = language or self.default_language
        if wanted == self.reading_language:
            # Itself, not its sibling in ``localized``: a catalog made from another by
            # ``dataclasses.replace`` (a test's new version of a file) keeps its own items.
            return self
        found = self.localized.get(wanted)
        if found is not None:
            return found
        return self.localized.get(self.default_language, self)

    @property
    def languages(self) -> tuple[str, ...]:
        """The default language and every language some translation is served in."""
        return tuple(sorted(self.localized)) or (self.default_language,)

    @property
    def reading_language(self) -> str:
        return self.language or self.default_language

    def language_of(self, item: Course | Lesson | Track | Quiz | RoleplayCase) -> str:
        """The language of an item's text: its translation's, else the originals'."""
        return item.language or self.default_language

    def is_untranslated(
        self, item: Course | Lesson | Track | Quiz | RoleplayCase, language: str | None = None
    ) -> bool:
        """True when a reader of ``language`` (default: this catalog's) gets the original
        because the item has no translation in it: the page says so."""
        wanted = language or self.reading_language
        return self.language_of(item) != wanted

    def title_of(
        self, kind: str, slug: str, language: str | None = None, *, track: str | None = None
    ) -> str | None:
        """The title of a course, quiz, role-play case, track or sign-off in ``language``
        (default: this catalog's), falling back to the original's; None when the item is
        not in the catalog. A sign-off's title lives in its track: pass the track's role.
        A lesson is ``kind="lesson"``, ``slug="<course>/<lesson>"``."""
        cat = self.in_language(language) if language else self
        if kind == "track":
            found_track = cat.tracks.get(slug)
            return found_track.title if found_track else None
        if kind == "lesson":
            course_slug, _, lesson_slug = slug.partition("/")
            found_lesson = cat.lesson(course_slug, lesson_slug)
            return found_lesson[1].title if found_lesson else None
        if kind == "signoff":
            owner = cat.tracks.get(track or "")
            step = owner.step("signoff", slug) if owner else None
            return step.title if step else None
        item = cat.item(kind, slug)
        return item.title if item is not None else None

    def step_title(self, track: str, step: TrackStep, language: str | None = None) -> str | None:
        """What a track step is called in ``language``: its own title (a sign-off's), else
        the title of the item it points at; None when neither is in the catalog."""
        cat = self.in_language(language) if language else self
        owner = cat.tracks.get(track)
        own = owner.step(step.kind, step.slug) if owner else None
        if own is not None and own.title:
            return own.title
        if step.title and step.kind == "signoff":
            return step.title
        return cat.title_of(step.kind, step.slug)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    def courses_for(self, role: str | None) -> list[Course]:
        return [c for c in self.courses.values() if c.is_for(role)]

    def lesson(self, course_slug: str, lesson_slug: str) -> tuple[Course, Lesson] | None:
        course = self.courses.get(course_slug)
        lesson = course.lesson(lesson_slug) if course else None
        return (course, lesson) if course and lesson else None

    def track_of(self, person: HasTrack) -> Track | None:
        """The track a person follows, or None (no track, or one whose file is gone)."""
        return self.tracks.get(person.track or "")

    def item(self, kind: str, slug: str) -> Course | Quiz | RoleplayCase | None:
        if kind == "course":
            return self.courses.get(slug)
        if kind == "quiz":
            return self.quizzes.get(slug)
        if kind == "roleplay":
            return self.roleplays.get(slug)
        return None


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def fingerprint(root: Path) -> str:
    """A cheap digest of names, sizes and modification times of every content file."""
    digest = hashlib.sha256()
    for top in CONTENT_DIRS:
        base = root / top
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                digest.update(f"{dirpath}/{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _load_courses(
    root: Path, render: Renderer, problems: list[Problem], lesson_max_kb: int = LESSON_MAX_KB
) -> dict[str, Course]:
    courses: dict[str, Course] = {}
    base = root / "content" / "courses"
    if not base.is_dir():
        return courses
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        slug = folder.name
        meta_path = folder / "course.yaml"
        if not is_slug(slug):
            problems.append(Problem(_rel(root, folder), 1, "course folder names are slugs"))
            continue
        if not meta_path.is_file():
            problems.append(Problem(_rel(root, folder), 1, "missing course.yaml"))
            continue
        meta_bytes = meta_path.read_bytes()
        meta, found = parse_course_meta(_rel(root, meta_path), meta_bytes)
        problems.extend(found.items)
        lessons: list[Lesson] = []
        seen: dict[str, str] = {}
        numbers: dict[int, str] = {}
        for path in sorted(folder.iterdir()):
            if path.name == "course.yaml" or path.is_dir() or split_translation(path.name):
                continue
            rel = _rel(root, path)
            if path.suffix != ".md" and content_type(path.name):
                problems.append(
                    Problem(
                        rel,
                        1,
                        f"images and files go in the course's {ASSETS}/ folder: move it to "
                        f"{_rel(root, folder)}/{ASSETS}/{path.name} and link it as "
                        f"'{ASSETS}/{path.name}'",
                        "warning",
                    )
                )
                continue
            if path.suffix != ".md":
                problems.append(Problem(rel, 1, "not a lesson (.md) file; ignored", "warning"))
                continue
            data = path.read_bytes()
            if len(data) > lesson_max_kb * 1024:
                problems.append(
                    Problem(
                        rel,
                        1,
                        f"the lesson is {len(data) // 1024} KB, over the {lesson_max_kb} KB "
                        "limit: a page this long is slow to open; split it into lessons",
                        "warning",
                    )
                )
            lesson, found = parse_lesson(rel, slug, path.name, data, render)
            problems.extend(found.items)
            if lesson is None:
                continue
            if lesson.slug in seen:
                problems.append(
                    Problem(
                        rel, 1, f"duplicate lesson slug '{lesson.slug}' (also {seen[lesson.slug]})"
                    )
                )
                continue
            seen[lesson.slug] = rel
            if lesson.number in numbers:
                problems.append(
                    Problem(
                        rel,
                        1,
                        f"two lessons numbered {lesson.number:02d}: this one and "
                        f"{numbers[lesson.number]}; renumber one so the order is yours",
                        "warning",
                    )
                )
            numbers.setdefault(lesson.number, path.name)
            lessons.append(lesson)
        if meta is None:
            continue
        if not lessons:
            problems.append(Problem(_rel(root, meta_path), 1, "the course has no lessons"))
            continue
        courses[slug] = build_course(slug, _rel(root, folder), meta, meta_bytes, lessons)
    return dict(sorted(courses.items(), key=lambda kv: (kv[1].order, kv[1].title)))


def _load_tracks(root: Path, problems: list[Problem]) -> dict[str, Track]:
    tracks: dict[str, Track] = {}
    base = root / "content" / "tracks"
    if not base.is_dir():
        return tracks
    for path in sorted(base.iterdir()):
        rel = _rel(root, path)
        if split_translation(path.name):
            continue  # translations.py reads it
        if path.suffix not in {".yaml", ".yml"}:
            problems.append(Problem(rel, 1, "not a track (.yaml) file; ignored", "warning"))
            continue
        if not is_slug(path.stem):
            problems.append(Problem(rel, 1, "track file names are role slugs"))
            continue
        track, found = parse_track(rel, path.stem, path.read_bytes())
        problems.extend(found.items)
        if track is not None:
            tracks[track.role] = track
    return tracks


def _first_errors(problems: Iterable[Problem]) -> dict[str, Problem]:
    """The first error of each file: what an item left out of the catalog was left out for."""
    found: dict[str, Problem] = {}
    for problem in sorted(problems):
        if problem.is_error:
            found.setdefault(problem.path, problem)
    return found


def _left_out_because(errors: Mapping[str, Problem], *paths: str) -> str | None:
    """`` left out because of `path:line``` for an item whose file(s) had an error."""
    for path in paths:
        problem = errors.get(path)
        if problem is not None:
            return f"left out because of `{problem.path}:{problem.line}`"
    return None


def _item_paths(kind: str, slug: str) -> tuple[str, ...]:
    if kind == "course":
        return (f"content/courses/{slug}/course.yaml", f"content/courses/{slug}")
    if kind == "quiz":
        return (f"quizzes/{slug}.yaml", f"quizzes/{slug}.yml", f"quizzes/{slug}.gift")
    return (f"roleplays/{slug}.md",)


def _link_problem(
    courses: Mapping[str, Course],
    errors: Mapping[str, Problem],
    path: str,
    link: LessonLink,
) -> Problem | None:
    """None for a link to a lesson in the catalog; a warning when the lesson is there but
    left out for its own error (reported once, at its file); else the broken link."""
    target = courses.get(link.course or "")
    names = {f"{x.number:02d}-{x.slug}.md" for x in target.lessons} if target else set()
    if link.filename in names:
        return None
    if link.course and link.filename:
        why = _left_out_because(
            errors,
            f"content/courses/{link.course}/{link.filename}",
            *_item_paths("course", link.course),
        )
        if why:
            return Problem(
                path, link.line, f"link to '{link.target}': the lesson is {why}", "warning"
            )
    return Problem(path, link.line, f"broken link to '{link.target}': no such lesson")


def _cross_check(
    courses: Mapping[str, Course],
    tracks: dict[str, Track],
    quizzes: Mapping[str, Quiz],
    roleplays: Mapping[str, RoleplayCase],
    problems: list[Problem],
) -> None:
    pools: dict[str, Mapping[str, object]] = {
        "course": courses,
        "quiz": quizzes,
        "roleplay": roleplays,
    }
    # An item left out for an error of its own was reported at its file; what refers to it
    # says so (a warning) instead of "does not exist", so an author fixes one thing, once.
    errors = _first_errors(problems)
    for role, track in list(tracks.items()):
        missing: list[str] = []
        for step in track.steps:
            pool = pools.get(step.kind)
            if pool is None or step.slug in pool:
                continue
            name = step_name(step)
            why = _left_out_because(errors, *_item_paths(step.kind, step.slug))
            if why:
                problem = Problem(
                    track.path, step.line, f"{name}: {step.kind} '{step.slug}' is {why}", "warning"
                )
            else:
                problem = Problem(
                    track.path, step.line, f"{name}: {step.kind} '{step.slug}' does not exist"
                )
            problems.append(problem)
            missing.append(str(problem))
        if missing:
            # The hire's and the manager's pages say the track has a content error.
            tracks[role] = replace(track, problems=(*track.problems, *missing))
    for course in courses.values():
        for role in course.roles:
            if role != ALL_ROLES and role not in tracks:
                problems.append(
                    Problem(f"{course.path}/course.yaml", 1, f"role '{role}' has no track")
                )
        for lesson in course.lessons:
            for link in lesson.links:
                found = _link_problem(courses, errors, lesson.path, link)
                if found is not None:
                    problems.append(found)
    for kind, items in (("quiz", quizzes), ("roleplay", roleplays)):
        for item in items.values():
            for role in item.roles:
                if role != ALL_ROLES and role not in tracks:
                    problems.append(Problem(item.path, 1, f"{kind} role '{role}' has no track"))


def _merged(
    parts: Mapping[str, Mapping[str, object]], name: str, items: Mapping[str, _Item]
) -> dict[str, _Item]:
    """The originals, in their order, each replaced by its translation where one exists."""
    own = parts.get(name, {})
    return {slug: own.get(slug, item) for slug, item in items.items()}  # type: ignore[misc]


def _localize(
    base: Catalog, translated: Iterable[tuple[str, Mapping[str, Mapping[str, object]]]]
) -> None:
    """Fill ``base.localized`` with the catalog of every language that has a translation."""
    shared = base.localized
    assert isinstance(shared, dict)
    shared[base.default_language] = base
    for language, parts in translated:
        shared[language] = Catalog(
            courses=_merged(parts, "courses", base.courses),
            tracks=_merged(parts, "tracks", base.tracks),
            quizzes=_merged(parts, "quizzes", base.quizzes),
            roleplays=_merged(parts, "roleplays", base.roleplays),
            problems=base.problems,
            # Its own version: a cache keyed by the fingerprint (readiness, pages) must not
            # hand a result made with one language's titles to a reader of another.
            fingerprint=f"{base.fingerprint}:{language}",
            default_language=base.default_language,
            language=language,
            translations=base.translations,
            localized=shared,
        )


@dataclass(frozen=True)
class LinkSettings:
    """What links and files depend on: the app's address (``TRAINHUB_BASE_URL``: its path
    prefixes case and quiz links, and a link to it is a page address) and the size limit of
    a file in an assets folder (``CONTENT_ASSET_MAX_KB``)."""

    base_url: str = ""
    asset_max_kb: int = ASSET_MAX_KB


def _check_links(
    root: Path, courses: Mapping[str, Course], links: LinkSettings, problems: list[Problem]
) -> None:
    """Links and images in lessons, cases and quizzes, and the files in assets folders."""
    errors = _first_errors(problems)

    def lesson(path: str, line: int, target: str, course: str, filename: str) -> Problem | None:
        return _link_problem(courses, errors, path, LessonLink(line, target, course, filename))

    served = {
        slug: {x.slug: f"{x.number:02d}-{x.slug}.md" for x in course.lessons}
        for slug, course in courses.items()
    }
    problems.extend(check_links(root, Sources(served, lesson, links.base_url, links.asset_max_kb)))


def _parse_all(
    root: Path,
    render: RenderCache,
    print_: str,
    default_language: str = DEFAULT_LANGUAGE,
    languages: Iterable[str] = (),
    lesson_max_kb: int = LESSON_MAX_KB,
    links: LinkSettings = LinkSettings(),
) -> Catalog:
    problems: list[Problem] = []
    if not any((root / top).is_dir() for top in CONTENT_DIRS):
        problems.append(Problem(str(root), 1, "no content/, quizzes/ or roleplays/ folder here"))
    courses = _load_courses(root, render, problems, lesson_max_kb)
    tracks = _load_tracks(root, problems)
    # Case and quiz texts link to lessons and files from the app's root (links.py).
    prefix = url_root(links.base_url)
    quiz_render = with_links(render, folder_rewriter("quizzes", prefix))
    quizzes, found = quiz_files.discover(root, quiz_render)
    problems.extend(found)
    roleplays, found = roleplay_files.discover(
        root, with_links(render, folder_rewriter("roleplays", prefix))
    )
    problems.extend(found)
    _cross_check(courses, tracks, quizzes, roleplays, problems)
    _check_links(root, courses, links, problems)
    # Translated cases and quizzes sit in the same folders, at the same depth.
    translated = load_translations(
        root,
        default_language,
        courses,
        tracks,
        quizzes,
        roleplays,
        with_links(render, folder_rewriter("roleplays", prefix)),
        languages,
    )
    problems.extend(translated.problems)
    _check_translated_links(translated.lessons, courses, problems)
    base = Catalog(
        courses=courses,
        tracks=tracks,
        quizzes=quizzes,
        roleplays=roleplays,
        problems=tuple(sorted(set(problems))),
        fingerprint=print_,
        default_language=default_language,
        translations=tuple(translated.states),
        localized={},
    )
    served = (
        set(translated.courses)
        | set(translated.tracks)
        | set(translated.quizzes)
        | set(translated.roleplays)
    ) - {default_language}
    _localize(
        base,
        (
            (
                language,
                {
                    "courses": dict(translated.courses.get(language, {})),
                    "tracks": dict(translated.tracks.get(language, {})),
                    "quizzes": dict(translated.quizzes.get(language, {})),
                    "roleplays": dict(translated.roleplays.get(language, {})),
                },
            )
            for language in sorted(served)
        ),
    )
    return base


def _check_translated_links(
    lessons: Mapping[str, Mapping[tuple[str, str], Lesson]],
    courses: Mapping[str, Course],
    problems: list[Problem],
) -> None:
    errors = _first_errors(problems)
    for by_key in lessons.values():
        for (course_slug, lesson_slug), lesson in by_key.items():
            for link in lesson.links:
                path = _translation_path(courses[course_slug], lesson_slug, lesson.language)
                found = _link_problem(courses, errors, path, link)
                if found is not None:
                    problems.append(found)


def _translation_path(course: Course, lesson_slug: str, language: str) -> str:
    lesson = course.lesson(lesson_slug)
    assert lesson is not None
    stem = lesson.path.removesuffix(".md")
    return f"{stem}.{language}.md"


def load_catalog(
    root: Path,
    cache: RenderCache | None = None,
    default_language: str = DEFAULT_LANGUAGE,
    languages: Iterable[str] = (),
    *,
    lesson_max_kb: int = LESSON_MAX_KB,
    links: LinkSettings = LinkSettings(),
) -> Catalog:
    """The catalog of the files under ``root``. The originals are in ``default_language``;
    ``languages`` are those ``content status`` lists missing translations in."""
    root = root.resolve()
    languages = tuple(languages)
    render = cache or RenderCache()
    print_ = fingerprint(root)
    # First pass: parse everything, noting which Markdown is not rendered yet. Usually
    # nothing is missing and this pass is the answer. Otherwise render the misses (on every
    # core when there are many) and parse again, now entirely from the cache.
    with render.recording() as missing:
        catalog = _parse_all(
            root, render, print_, default_language, languages, lesson_max_kb, links
        )
    if not missing:
        return catalog
    render.render_all(missing)
    return _parse_all(root, render, print_, default_language, languages, lesson_max_kb, links)
