"""Plan and carry out ``trainhub content import``: a folder of pages into one course.

The plan is computed first and written second, so that a refused import (an existing lesson
without ``--force``) writes nothing at all, and ``--dry-run`` shows exactly what would happen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..catalog.assets import ASSETS, content_type
from ..catalog.courses import LESSON_FILE
from .convert import PAGE_SUFFIXES, Lesson, Note, Page, convert_page, read_page, slugify

# Files a docs site keeps beside its pages that are not pages (sidebars, configs).
_SKIPPED_NAMES = {"_category_.json", "_category_.yml", "_category_.yaml", "_meta.json"}


class ImportRefused(Exception):
    """The import would break something; nothing was written."""


@dataclass(frozen=True)
class Planned:
    source: str
    lesson: Lesson
    replaces: bool  # an existing lesson of the same slug is overwritten (--force)


@dataclass
class Plan:
    course_dir: Path
    course_yaml: str | None  # text of a new course.yaml, None when the course exists
    lessons: list[Planned] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, why)
    file_notes: list[tuple[str, Note]] = field(default_factory=list)  # (source, note)
    # Images and files copied into the course's assets/: (source file, path in the course).
    files: list[tuple[Path, str]] = field(default_factory=list)

    def notes(self) -> list[tuple[str, Note]]:
        found = [(p.source, n) for p in self.lessons for n in p.lesson.notes]
        return sorted(found + self.file_notes, key=lambda item: (item[0], item[1].line))


def _natural(text: str) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def find_pages(src: Path) -> tuple[list[Page], list[tuple[str, Note]], list[str]]:
    """The pages, the notes about files left out, and the images and files (a type the app
    serves) that go into the course's assets/ folder."""
    pages: list[Page] = []
    notes: list[tuple[str, Note]] = []
    files: list[str] = []
    for path in sorted(src.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(src).parts):
            continue
        rel = path.relative_to(src).as_posix()
        if path.name in _SKIPPED_NAMES:
            continue
        if content_type(path.name):
            files.append(rel)
            continue
        if path.suffix.lower() not in PAGE_SUFFIXES:
            notes.append((rel, Note(1, "not a Markdown page; left out")))
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            notes.append(
                (rel, Note(1, "not UTF-8 text; left out (save it as UTF-8 and import again)"))
            )
            continue
        pages.append(read_page(rel, text))
    pages.sort(key=lambda p: (p.order is None, p.order or 0.0, _natural(p.source)))
    return pages, notes, files


def _existing_lessons(course_dir: Path) -> dict[str, tuple[int, str]]:
    """slug -> (number, file name) of the course's lessons today."""
    found: dict[str, tuple[int, str]] = {}
    if course_dir.is_dir():
        for path in course_dir.iterdir():
            match = LESSON_FILE.match(path.name)
            if match:
                found[match.group(2)] = (int(match.group(1)), path.name)
    return found


def _course_yaml(slug: str, title: str | None) -> str:
    data = {
        "title": title or slug.replace("-", " ").capitalize(),
        "summary": "Imported from the company handbook.",
        "roles": ["all"],
        "order": 100,
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def plan_import(
    src: Path, content_dir: Path, course: str, *, title: str | None = None, force: bool = False
) -> Plan:
    """What the import would write. Raises ImportRefused when it must not go ahead."""
    if not src.is_dir():
        raise ImportRefused(f"{src} is not a folder")
    if slugify(course) != course:
        raise ImportRefused(f"'{course}' is not a course folder name: try '{slugify(course)}'")
    course_dir = content_dir / "courses" / course
    pages, file_notes, found_files = find_pages(src)
    if not pages:
        raise ImportRefused(f"no Markdown pages (.md, .mdx) in {src}")
    existing = _existing_lessons(course_dir)
    next_number = max((number for number, _ in existing.values()), default=0) + 1
    width = 3 if next_number + len(pages) > 99 else 2
    names: dict[str, str] = {}
    taken = set(existing)
    replaced: set[str] = set()
    for page in pages:
        stem = page.source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        base = slugify(re.sub(r"^\d+[-_ .]+", "", stem)) or slugify(page.title) or "page"
        if base in ("index", "readme"):
            base = slugify(page.title) or base
        slug = base
        if slug in existing and force and slug not in replaced:
            names[page.key] = existing[slug][1]
            replaced.add(slug)
            continue
        if slug in existing and not force:
            raise ImportRefused(
                f"{page.source}: the course already has a lesson '{existing[slug][1]}'; "
                "nothing was written (use --force to replace it)"
            )
        counter = 2
        while slug in taken:
            slug, counter = f"{base}-{counter}", counter + 1
        taken.add(slug)
        names[page.key] = f"{next_number:0{width}d}-{slug}.md"
        next_number += 1
    plan = Plan(
        course_dir=course_dir,
        course_yaml=None if (course_dir / "course.yaml").exists() else _course_yaml(course, title),
        file_notes=file_notes,
    )
    # The folder's images and files keep their place under assets/: page links stay right.
    files = {rel: f"{ASSETS}/{rel}" for rel in found_files}
    for rel, target in files.items():
        existing_file = course_dir / target
        if existing_file.exists() and existing_file.read_bytes() != (src / rel).read_bytes():
            if not force:
                raise ImportRefused(
                    f"{rel}: the course already has a different {target}; nothing was written "
                    "(use --force to replace it)"
                )
        plan.files.append((src / rel, target))
    for page in pages:
        filename = names[page.key]
        lesson = convert_page(page, filename, names, files)
        plan.lessons.append(Planned(page.source, lesson, (course_dir / filename).exists()))
    return plan


def write_plan(plan: Plan) -> list[Path]:
    """Write every planned file; each file is written whole (temporary name, then rename)."""
    plan.course_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if plan.course_yaml is not None:
        written.append(_write(plan.course_dir / "course.yaml", plan.course_yaml))
    for planned in plan.lessons:
        written.append(_write(plan.course_dir / planned.lesson.filename, planned.lesson.text))
    for source, target in plan.files:
        path = plan.course_dir / target
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(source.read_bytes())
        partial.replace(path)
        written.append(path)
    return written


def _write(path: Path, text: str) -> Path:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path
