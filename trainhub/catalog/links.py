"""Links in content: where a relative link in a lesson, a case or a quiz points, the URL it is
served at, and what the linter says about it.

Every link is written as a path relative to the file it is in, the way an editor or GitHub
resolves it: ``02-x.md`` and ``assets/funnel.png`` in a lesson, ``../content/courses/c/02-x.md``
and ``assets/<case>/call-flow.png`` in a case, ``../content/courses/c/assets/f.png`` in a quiz.
Lesson pages get URLs relative to themselves (they keep working under a path prefix, and the
same HTML serves ``/preview/courses/...``). Case and quiz texts are shown on pages at several
depths (the case, the mentor's review, an attempt, its grading), so theirs start at the app's
root, under the path of ``TRAINHUB_BASE_URL`` when the app is served below one.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

from .assets import ASSET_MAX_KB, ASSETS, TYPE_NAMES, content_type, is_served_name, svg_problems
from .markdown import LinkRewriter, Rendered, Renderer
from .problems import Problem

# A lesson file, or one of its translations (``02-x.ru.md``): both are the same lesson.
LESSON_NAME = re.compile(r"^(\d{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)(?:\.[a-z]{2,3})?\.md$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

Kind = Literal["lesson", "course_asset", "case_asset", "file"]


@dataclass(frozen=True)
class Target:
    kind: Kind
    path: str  # relative to the content root, as the file would be
    owner: str = ""  # the course (a lesson, a course's file) or the case (a case's file)
    name: str = ""  # the lesson's original file name, or the path inside the assets folder
    fragment: str = ""


def is_external(target: str) -> bool:
    """A link that leaves the content: another site, mail, or a place in the same page."""
    return not target or target.startswith(("#", "//")) or bool(_SCHEME.match(target))


def resolve(source: str, target: str) -> Target | None:
    """Where a relative link written in ``source`` (a path from the content root) points;
    None when it climbs out of the content folder."""
    path, _, fragment = target.partition("#")
    path = unquote(path.partition("?")[0])
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    if joined in {".", ".."} or joined.startswith(("../", "/")):
        return None
    parts = joined.split("/")
    if len(parts) == 4 and parts[:2] == ["content", "courses"]:
        match = LESSON_NAME.match(parts[3])
        if match:
            name = f"{match.group(1)}-{match.group(2)}.md"
            return Target("lesson", joined, parts[2], name, fragment)
    if len(parts) >= 5 and parts[:2] == ["content", "courses"] and parts[3] == ASSETS:
        return Target("course_asset", joined, parts[2], "/".join(parts[4:]), fragment)
    if len(parts) >= 4 and parts[:2] == ["roleplays", ASSETS]:
        return Target("case_asset", joined, parts[2], "/".join(parts[3:]), fragment)
    return Target("file", joined, fragment=fragment)


def _with_fragment(url: str, fragment: str) -> str:
    return f"{url}#{fragment}" if fragment else url


def lesson_asset_url(course_slug: str, target: str) -> str | None:
    """The URL of a file linked from a lesson of ``course_slug``, relative to the lesson's
    page (``/courses/<course>/<lesson>``); None when it is not a file in an assets folder."""
    if is_external(target) or target.startswith("/"):
        return None
    found = resolve(f"content/courses/{course_slug}/lesson.md", target)
    if found is None:
        return None
    if found.kind == "course_asset":
        base = "" if found.owner == course_slug else f"../{found.owner}/"
        return _with_fragment(f"{base}{ASSETS}/{quote(found.name)}", found.fragment)
    if found.kind == "case_asset":
        url = f"../../roleplays/{ASSETS}/{found.owner}/{quote(found.name)}"
        return _with_fragment(url, found.fragment)
    return None


def rewrite_from_folder(folder: str, url_root: str, target: str) -> str | None:
    """The URL, from the app's root, of a lesson or a file linked from a file in the top-level
    ``folder`` (``roleplays``, ``quizzes``); None leaves the link as written."""
    if is_external(target) or target.startswith("/"):
        return None
    found = resolve(f"{folder}/text", target)
    if found is None:
        return None
    if found.kind == "lesson":
        match = LESSON_NAME.match(found.name)
        assert match is not None
        url = f"{url_root}/courses/{found.owner}/{match.group(2)}"
    elif found.kind == "course_asset":
        url = f"{url_root}/courses/{found.owner}/{ASSETS}/{quote(found.name)}"
    elif found.kind == "case_asset":
        url = f"{url_root}/roleplays/{ASSETS}/{found.owner}/{quote(found.name)}"
    else:
        return None
    return _with_fragment(url, found.fragment)


def folder_rewriter(folder: str, url_root: str = "") -> LinkRewriter:
    # A partial, as for lessons: the render cache keys on its arguments, and it can be sent
    # to a worker process.
    return functools.partial(rewrite_from_folder, folder, url_root)


def url_root(base_url: str | None) -> str:
    """The path the app is served under, from ``TRAINHUB_BASE_URL`` ("" at the root)."""
    return urlsplit(base_url or "").path.rstrip("/")


def with_links(render: Renderer, rewrite: LinkRewriter) -> Renderer:
    """``render`` for a case's or a quiz's texts: their parsers ask for no link rewriting (they
    do not know their place), so the loader gives them this one."""

    def rendered(digest: str, text: str, own: LinkRewriter | None) -> Rendered:
        return render(digest, text, own if own is not None else rewrite)

    return rendered


_LINK_TEXT = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def link_text(text: str) -> str:
    """A plain field with its Markdown links and images turned into their words (for a search
    snippet: the reader sees "the profile", never the file it points at)."""
    return _LINK_TEXT.sub(r"\1", text)


# --- finding links in a file -----------------------------------------------------------

_INLINE = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Ref:
    path: str  # the file the link is written in
    line: int
    target: str  # as written


def find_refs(path: str, text: str) -> list[Ref]:
    """Every Markdown link and image in a file, at its line in the file (front matter, YAML
    and GIFT included), outside code: what the linter checks."""
    found: list[Ref] = []
    fenced = False
    gift = path.endswith(".gift")
    if "](" not in text and "]:" not in text:
        return found
    # Plain substring tests first: this runs over every content file at every load.
    for number, line in enumerate(text.splitlines(), start=1):
        if ("`" in line or "~" in line) and _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or ("](" not in line and "]:" not in line):
            continue
        if "`" in line:
            line = _CODE_SPAN.sub("", line)
        targets = [m.group(1) for m in _INLINE.finditer(line)]
        reference = _REFERENCE.match(line)
        if reference:
            targets.append(reference.group(1))
        for target in targets:
            if gift:
                target = re.sub(r"\\(.)", r"\1", target)  # GIFT escapes: \# \= \~ \: \{ \}
            found.append(Ref(path, number, target))
    return found


# --- the linter ------------------------------------------------------------------------

# (path, line, target as written, course, lesson file name) -> a problem, or None when the
# lesson is served: the loader's check, shared with lesson-to-lesson links.
LessonCheck = Callable[[str, int, str, str, str], Problem | None]
_ADDRESS = re.compile(r"^/(?:preview/)?courses/([^/]+)/([^/]+)(?:/(.*))?$")
_CASE_ADDRESS = re.compile(r"^/(?:preview/)?roleplays/assets/([^/]+)/(.+)$")
_ABSOLUTE = re.compile(r"^https?://[^/]+(/[^?]*)", re.I)


@dataclass(frozen=True)
class Sources:
    """The catalog as the link checker needs it."""

    lessons: Mapping[str, Mapping[str, str]]  # course -> lesson slug -> lesson file name
    check_lesson: LessonCheck
    base_url: str = ""
    asset_max_kb: int = ASSET_MAX_KB


def _text_files(root: Path) -> Iterator[tuple[str, bool]]:
    """(path, is a lesson) of every file whose text may hold links."""
    base = root / "content" / "courses"
    if base.is_dir():
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            for path in sorted(folder.glob("*.md")):
                yield path.relative_to(root).as_posix(), True
    for top, suffixes in (("roleplays", {".md"}), ("quizzes", {".yaml", ".yml", ".gift"})):
        folder = root / top
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                # A folder's README is for people browsing the repository, not a case.
                if path.is_file() and path.suffix in suffixes and path.stem.lower() != "readme":
                    yield path.relative_to(root).as_posix(), False


def _asset_files(root: Path) -> Iterator[Path]:
    base = root / "content" / "courses"
    folders = sorted(base.glob(f"*/{ASSETS}")) if base.is_dir() else []
    cases = root / "roleplays" / ASSETS
    if cases.is_dir():
        folders.append(cases)
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not any(p.startswith(".") for p in path.relative_to(root).parts):
                yield path


def _relative(source: str, path: str) -> str:
    return posixpath.relpath(path, posixpath.dirname(source))


def _address(target: str, sources: Sources) -> str | None:
    """The app path of a link written as a page's web address (``/courses/c/x`` or the app's
    own absolute URL), else None."""
    base = sources.base_url.rstrip("/")
    if base and target.startswith(base + "/"):
        path = target[len(base) :]
    elif target.startswith("/") and not target.startswith("//"):
        path = target
        root = url_root(sources.base_url)
        if root and path.startswith(root + "/"):
            path = path[len(root) :]
    else:
        return None
    return path.partition("#")[0].partition("?")[0]


class _Checker:
    def __init__(self, root: Path, sources: Sources) -> None:
        self.root = root
        self.sources = sources
        self.problems: list[Problem] = []
        self.used: set[str] = set()

    def error(self, ref: Ref, message: str) -> None:
        self.problems.append(Problem(ref.path, ref.line, message))

    def warning(self, ref: Ref, message: str) -> None:
        self.problems.append(Problem(ref.path, ref.line, message, "warning"))

    def file_of_address(self, path: str) -> str | None:
        """The file a page address names (a lesson or a file in an assets folder); None when
        the address is not one the linter knows, "" when it names nothing that exists."""
        match = _ADDRESS.match(path)
        if match:
            course, second, rest = match.groups()
            if second == ASSETS and rest:
                return f"content/courses/{course}/{ASSETS}/{unquote(rest)}"
            if rest is not None:
                return None
            filename = self.sources.lessons.get(course, {}).get(second)
            return f"content/courses/{course}/{filename}" if filename else ""
        match = _CASE_ADDRESS.match(path)
        if match:
            return f"roleplays/{ASSETS}/{match.group(1)}/{unquote(match.group(2))}"
        return None

    def address(self, ref: Ref) -> None:
        path = _address(ref.target, self.sources)
        file = self.file_of_address(path) if path is not None else None
        if file is None:
            return
        if file == "" or not (self.root / file).is_file():
            self.error(
                ref,
                f"broken link to '{ref.target}': no such lesson or file; write the path of "
                "the lesson's file (e.g. '../prospecting/02-channels-and-the-cold-call.md')"
                " or of the file in its assets/ folder",
            )
            return
        self.used.add(file)
        self.warning(
            ref,
            f"'{ref.target}' is a web address: write the file's path, "
            f"'{_relative(ref.path, file)}', so that the linter checks it and it works "
            "wherever the app is served",
        )

    def asset(self, ref: Ref, found: Target) -> None:
        case_file = self.root / "roleplays" / f"{found.owner}.md"
        if found.kind == "case_asset" and not case_file.is_file():
            self.error(
                ref,
                f"'{ref.target}': there is no case '{found.owner}' (roleplays/{found.owner}.md); "
                f"a case's files go in roleplays/{ASSETS}/<case>/",
            )
            return
        if not (self.root / found.path).is_file():
            self.error(ref, f"missing file '{ref.target}': there is no {found.path}")
            return
        if not is_served_name(found.name):
            self.error(
                ref, f"'{ref.target}' is not served: only {TYPE_NAMES} files are, none hidden"
            )
            return
        self.used.add(found.path)

    def other_site(self, ref: Ref) -> None:
        """An absolute address on another host (or any host, without TRAINHUB_BASE_URL):
        another site's business, unless its path names one of these lessons or files
        (the app's address copied from a browser, say ``http://127.0.0.1:5000/courses/...``)."""
        match = _ABSOLUTE.match(ref.target)
        file = self.file_of_address(match.group(1).partition("#")[0]) if match else None
        if file and (self.root / file).is_file():
            self.used.add(file)
            self.warning(
                ref,
                f"'{ref.target}' looks like the address of a page of this content: write the "
                f"file's path, '{_relative(ref.path, file)}', so that the linter checks it and "
                "it works wherever the app is served",
            )

    def ref(self, ref: Ref, in_lesson: bool) -> None:
        if _address(ref.target, self.sources) is not None:
            self.address(ref)
            return
        if _ABSOLUTE.match(ref.target):
            self.other_site(ref)
            return
        if is_external(ref.target) or ref.target.startswith("/"):
            return
        if in_lesson and ref.target.partition("#")[0].endswith(".md"):
            return  # lesson-to-lesson links: the loader checks them (``_cross_check``)
        found = resolve(ref.path, ref.target)
        if found is None:
            self.error(ref, f"link to '{ref.target}' points outside the content folder")
        elif found.kind == "lesson":
            problem = self.sources.check_lesson(
                ref.path, ref.line, ref.target, found.owner, found.name
            )
            if problem is not None:
                self.problems.append(problem)
        elif found.kind in {"course_asset", "case_asset"}:
            self.asset(ref, found)
        else:
            self.misplaced(ref, found)

    def misplaced(self, ref: Ref, found: Target) -> None:
        where = (
            f"content/courses/<course>/{ASSETS}/ or roleplays/{ASSETS}/<case>/"
            if not ref.path.startswith("content/")
            else posixpath.join(posixpath.dirname(ref.path), ASSETS) + "/"
        )
        if found.path.endswith(".md"):
            self.error(ref, f"broken link to '{ref.target}': no such lesson")
        elif (self.root / found.path).is_file():
            self.error(
                ref,
                f"'{ref.target}' is not in an {ASSETS}/ folder, so it is not served: move it "
                f"to {where} and link it from there",
            )
        else:
            self.error(
                ref,
                f"missing file '{ref.target}': there is no {found.path} (images and files go "
                f"in {where})",
            )

    def assets(self) -> None:
        max_bytes = self.sources.asset_max_kb * 1024
        for path in _asset_files(self.root):
            rel = path.relative_to(self.root).as_posix()
            parts = rel.split("/")
            if parts[0] == "roleplays":
                if len(parts) < 4:
                    self.problems.append(
                        Problem(
                            rel, 1, f"a case's files go in roleplays/{ASSETS}/<case>/", "warning"
                        )
                    )
                    continue
                if not (self.root / "roleplays" / f"{parts[2]}.md").is_file():
                    self.problems.append(
                        Problem(
                            rel,
                            1,
                            f"roleplays/{ASSETS}/{parts[2]}/ belongs to no case "
                            f"(no roleplays/{parts[2]}.md)",
                            "warning",
                        )
                    )
                    continue  # nothing in it is served: that is all there is to say
            if content_type(rel) is None:
                self.problems.append(
                    Problem(rel, 1, f"not served: only {TYPE_NAMES} files are", "warning")
                )
                continue
            size = path.stat().st_size
            if size > max_bytes:
                self.problems.append(
                    Problem(
                        rel,
                        1,
                        f"the file is {size // 1024} KB, over the {self.sources.asset_max_kb} "
                        "KB limit: slow to open on a phone; export it smaller (an image about "
                        "1600 pixels wide is plenty)",
                        "warning",
                    )
                )
            if rel.lower().endswith(".svg"):
                for problem in svg_problems(path.read_bytes()):
                    self.problems.append(Problem(rel, problem.line, problem.message))
            if rel not in self.used:
                self.problems.append(
                    Problem(
                        rel,
                        1,
                        "not used by any lesson, case or quiz: link it, or delete it",
                        "warning",
                    )
                )


def check_links(root: Path, sources: Sources) -> list[Problem]:
    """The problems of every link and image outside lesson-to-lesson links, and of every file
    in an assets folder: missing, misplaced, unsafe, too large or unused."""
    checker = _Checker(root, sources)
    for path, in_lesson in _text_files(root):
        try:
            text = (root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # its parser reports it
        for ref in find_refs(path, text):
            checker.ref(ref, in_lesson)
    checker.assets()
    return checker.problems
