"""Courses: ``content/courses/<slug>/course.yaml`` plus ``NN-<slug>.md`` lessons."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from .fields import Fields, read_front_matter, read_mapping
from .links import lesson_asset_url
from .markdown import Renderer, TocEntry, find_links, plain_words
from .problems import ProblemList
from .sources import content_hash, is_slug

LESSON_FILE = re.compile(r"^(\d{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
# What a link may point at: a lesson, or one of its translations (``02-x.ru.md``). Either is
# the same lesson: its URL has no language, the reader's language picks the text.
LINKED_FILE = re.compile(r"^(\d{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.[a-z]{2,3})?\.md$")
ALL_ROLES = "all"
WORDS_PER_MINUTE = 200  # a common reading-speed estimate for instructional text


def estimate_minutes(words: int) -> int:
    """Reading time of ``words`` words: a lesson without ``minutes`` gets this."""
    return max(1, round(words / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class LessonLink:
    line: int
    target: str  # as written
    course: str | None  # resolved course folder, None if it does not point into courses/
    filename: str | None


@dataclass(frozen=True)
class Lesson:
    course_slug: str
    slug: str
    number: int
    title: str
    minutes: int
    html: str
    toc: tuple[TocEntry, ...]
    path: str
    content_hash: str
    words: int
    links: tuple[LessonLink, ...] = ()
    # The language of this text when it is a translation ("" for the original, which is in
    # the catalog's default language) and the translation file's own content hash. The
    # lesson's identity and ``content_hash`` stay the original's: history does not fork.
    language: str = ""
    text_hash: str = ""


@dataclass(frozen=True)
class Course:
    slug: str
    title: str
    summary: str
    roles: tuple[str, ...]
    order: int
    lessons: tuple[Lesson, ...]
    path: str
    content_hash: str
    language: str = ""  # as for Lesson: "" for the original, else the translation's language
    text_hash: str = ""

    def lesson(self, slug: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)

    def is_for(self, role: str | None) -> bool:
        return ALL_ROLES in self.roles or (role is not None and role in self.roles)

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)

    def neighbours(self, slug: str) -> tuple[Lesson | None, Lesson | None]:
        for index, lesson in enumerate(self.lessons):
            if lesson.slug == slug:
                prev = self.lessons[index - 1] if index > 0 else None
                nxt = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
                return prev, nxt
        return None, None


def lesson_slug(filename: str) -> str | None:
    match = LINKED_FILE.match(filename)
    return match.group(2) if match else None


def original_filename(filename: str | None) -> str | None:
    """``02-x.ru.md`` -> ``02-x.md``: the lesson a link to a translation points at."""
    match = LINKED_FILE.match(filename or "")
    return f"{match.group(1)}-{match.group(2)}.md" if match else filename


def _resolve(course_slug: str, target: str) -> tuple[str | None, str | None, str]:
    """Resolve a relative ``*.md`` link from a lesson: (course, filename, #fragment)."""
    path, _, fragment = target.partition("#")
    joined = posixpath.normpath(posixpath.join("courses", course_slug, path))
    parts = joined.split("/")
    if len(parts) == 3 and parts[0] == "courses":
        return parts[1], parts[2], fragment
    return None, None, fragment


def _is_local_md(target: str) -> bool:
    path = target.partition("#")[0]
    return path.endswith(".md") and "://" not in path and not path.startswith(("/", "mailto:"))


def rewrite_link(course_slug: str, target: str) -> str | None:
    """Turn ``02-x.md`` / ``../c/01-y.md`` into URLs relative to ``/courses/<c>/<lesson>``.

    Relative URLs keep working when the app is mounted under a path prefix. A file in an
    assets folder (``assets/funnel.png``) gets its URL the same way.
    """
    if not _is_local_md(target):
        return lesson_asset_url(course_slug, target)
    course, filename, fragment = _resolve(course_slug, target)
    slug = lesson_slug(filename or "")
    if course is None or slug is None:
        return None
    url = slug if course == course_slug else f"../{course}/{slug}"
    return f"{url}#{fragment}" if fragment else url


def link_rewriter(course_slug: str) -> Callable[[str], str | None]:
    # A partial, not a closure: it can be sent to a worker process, and the render cache
    # reads its course from ``.args`` (the same file renders differently in another course).
    return functools.partial(rewrite_link, course_slug)


def lesson_links(body: str, body_line: int, course_slug: str) -> tuple[LessonLink, ...]:
    found = []
    for line, target in find_links(body):
        if _is_local_md(target):
            course, filename, _fragment = _resolve(course_slug, target)
            found.append(
                LessonLink(body_line + line - 1, target, course, original_filename(filename))
            )
    return tuple(found)


def parse_lesson(
    path: str, course_slug: str, filename: str, data: bytes, render: Renderer
) -> tuple[Lesson | None, ProblemList]:
    problems = ProblemList(path)
    match = LESSON_FILE.match(filename)
    if not match:
        problems.error(1, "lesson file names look like 'NN-slug.md' (e.g. 01-welcome.md)")
        return None, problems
    doc = read_front_matter(data, problems)
    if doc is None:
        return None, problems
    fields = Fields(doc.meta, doc.lines, problems)
    title = fields.text("title")
    minutes = fields.integer("minutes", required=False, minimum=1, maximum=600)
    words = plain_words(doc.body)
    if doc.meta.get("minutes") is None:  # absent, or "minutes:" with no value
        # Imported handbook pages have no reading time; the word count gives a fair one.
        minutes = estimate_minutes(words)
        problems.warning(
            fields.line(),
            f"no 'minutes': estimated {minutes} from the word count ({words} words at "
            f"{WORDS_PER_MINUTE} a minute); add 'minutes: {minutes}' to set it",
        )
    fields.warn_unknown({"title", "minutes", "summary"})
    if not doc.body.strip():
        problems.error(doc.body_line, "the lesson has no text after its front matter")
    links = lesson_links(doc.body, doc.body_line, course_slug)
    if problems.has_errors or title is None or minutes is None:
        return None, problems
    digest = content_hash(data)
    rendered = render(digest, doc.body, link_rewriter(course_slug))
    lesson = Lesson(
        course_slug=course_slug,
        slug=match.group(2),
        number=int(match.group(1)),
        title=title,
        minutes=minutes,
        html=rendered.html,
        toc=rendered.toc,
        path=path,
        content_hash=digest,
        words=words,
        links=links,
    )
    return lesson, problems


@dataclass(frozen=True)
class CourseMeta:
    title: str
    summary: str
    roles: tuple[str, ...]
    order: int
    roles_line: int


def parse_course_meta(path: str, data: bytes) -> tuple[CourseMeta | None, ProblemList]:
    problems = ProblemList(path)
    fields = read_mapping(data, problems, "course.yaml")
    if fields is None:
        return None, problems
    title = fields.text("title")
    summary = fields.text("summary", required=False, default="")
    roles = fields.text_list("roles")
    order = fields.integer("order", required=False, default=100, minimum=0)
    fields.warn_unknown({"title", "summary", "roles", "order"})
    for index, role in enumerate(roles):
        if role != ALL_ROLES and not is_slug(role):
            problems.error(
                fields.lines.at("roles", index), f"role '{role}' is not a valid role name"
            )
    if problems.has_errors or title is None:
        return None, problems
    return CourseMeta(title, summary or "", roles, order or 0, fields.line("roles")), problems


def build_course(
    slug: str, path: str, meta: CourseMeta, meta_bytes: bytes, lessons: list[Lesson]
) -> Course:
    ordered = tuple(sorted(lessons, key=lambda lesson: (lesson.number, lesson.slug)))
    digest = content_hash(meta_bytes + "".join(x.content_hash for x in ordered).encode())
    return Course(
        slug=slug,
        title=meta.title,
        summary=meta.summary,
        roles=meta.roles,
        order=meta.order,
        lessons=ordered,
        path=path,
        content_hash=digest,
    )
