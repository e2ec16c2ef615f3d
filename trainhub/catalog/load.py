"""Files to catalog: read every content file, parse it, and cross-check the references.

``load_catalog`` never raises for bad content: a broken file becomes a Problem and is left
out, so the rest of the catalog is still served.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from . import quizzes as quiz_files
from . import roleplays as roleplay_files
from .cache import RenderCache
from .courses import ALL_ROLES, Course, Lesson, build_course, parse_course_meta, parse_lesson
from .markdown import Renderer
from .problems import Problem
from .quizzes import Quiz
from .roleplays import RoleplayCase
from .sources import is_slug
from .tracks import Track, parse_track

CONTENT_DIRS = ("content", "quizzes", "roleplays")


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


def _load_courses(root: Path, render: Renderer, problems: list[Problem]) -> dict[str, Course]:
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
        for path in sorted(folder.iterdir()):
            if path.name == "course.yaml" or path.is_dir():
                continue
            rel = _rel(root, path)
            if path.suffix != ".md":
                problems.append(Problem(rel, 1, "not a lesson (.md) file; ignored", "warning"))
                continue
            lesson, found = parse_lesson(rel, slug, path.name, path.read_bytes(), render)
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


def _cross_check(
    courses: Mapping[str, Course],
    tracks: Mapping[str, Track],
    quizzes: Mapping[str, Quiz],
    roleplays: Mapping[str, RoleplayCase],
    problems: list[Problem],
) -> None:
    pools: dict[str, Mapping[str, object]] = {
        "course": courses,
        "quiz": quizzes,
        "roleplay": roleplays,
    }
    for track in tracks.values():
        for step in track.steps:
            pool = pools.get(step.kind)
            if pool is not None and step.slug not in pool:
                problems.append(
                    Problem(track.path, step.line, f"{step.kind} '{step.slug}' does not exist")
                )
    for course in courses.values():
        for role in course.roles:
            if role != ALL_ROLES and role not in tracks:
                problems.append(
                    Problem(f"{course.path}/course.yaml", 1, f"role '{role}' has no track")
                )
        for lesson in course.lessons:
            for link in lesson.links:
                target = courses.get(link.course or "")
                names = {f"{x.number:02d}-{x.slug}.md" for x in target.lessons} if target else set()
                if link.filename not in names:
                    problems.append(
                        Problem(lesson.path, link.line, f"broken link to '{link.target}'")
                    )
    for kind, items in (("quiz", quizzes), ("roleplay", roleplays)):
        for item in items.values():
            for role in item.roles:
                if role != ALL_ROLES and role not in tracks:
                    problems.append(Problem(item.path, 1, f"{kind} role '{role}' has no track"))


def _parse_all(root: Path, render: RenderCache, print_: str) -> Catalog:
    problems: list[Problem] = []
    if not any((root / top).is_dir() for top in CONTENT_DIRS):
        problems.append(Problem(str(root), 1, "no content/, quizzes/ or roleplays/ folder here"))
    courses = _load_courses(root, render, problems)
    tracks = _load_tracks(root, problems)
    quizzes, found = quiz_files.discover(root, render)
    problems.extend(found)
    roleplays, found = roleplay_files.discover(root, render)
    problems.extend(found)
    _cross_check(courses, tracks, quizzes, roleplays, problems)
    return Catalog(
        courses=courses,
        tracks=tracks,
        quizzes=quizzes,
        roleplays=roleplays,
        problems=tuple(sorted(set(problems))),
        fingerprint=print_,
    )


def load_catalog(root: Path, cache: RenderCache | None = None) -> Catalog:
    root = root.resolve()
    render = cache or RenderCache()
    print_ = fingerprint(root)
    # First pass: parse everything, noting which Markdown is not rendered yet. Usually
    # nothing is missing and this pass is the answer. Otherwise render the misses (on every
    # core when there are many) and parse again, now entirely from the cache.
    with render.recording() as missing:
        catalog = _parse_all(root, render, print_)
    if not missing:
        return catalog
    render.render_all(missing)
    return _parse_all(root, render, print_)
