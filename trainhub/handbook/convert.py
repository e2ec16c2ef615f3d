"""Turn a page of an existing handbook into a TrainHub lesson (pure: text in, text out).

A company's playbook usually lives in a docs site (Docusaurus, Gatsby/MDX, Hugo), a Notion
export or a Confluence export. Such a page differs from a lesson in ways that are mechanical to
fix and annoying to fix by hand: no ``minutes``, its own ``# H1`` repeating the title, site
components (``<TeamMember name="..." />``) that mean nothing outside the site, and links that
point at the old site. Each fix is reported as a :class:`Note` with the source line, so the
author can check what was done.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

import yaml

from trainhub.catalog.courses import estimate_minutes

# Front-matter keys that mean what TrainHub means by them; everything else is kept as a comment.
LESSON_KEYS = ("title", "minutes", "summary")
# Keys that docs sites use to order their sidebar (Docusaurus, Jekyll's just-the-docs, Hugo).
ORDER_KEYS = ("sidebar_position", "nav_order", "weight", "order", "position")
PAGE_SUFFIXES = (".md", ".mdx", ".markdown")

_NOTION_ID = re.compile(r"\s+[0-9a-f]{32}$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MDX_IMPORT = re.compile(
    r"^(import\s.+\sfrom\s+['\"].+['\"];?|export\s+(const|default|function)\b.*)$"
)
_SELF_CLOSING = re.compile(r"<([A-Z][A-Za-z0-9.]*)((?:\s+[^<>]*?)?)\s*/>")
_OPENING = re.compile(r"<([A-Z][A-Za-z0-9.]*)((?:\s+[^<>]*?)?)>")
_CLOSING = re.compile(r"</([A-Z][A-Za-z0-9.]*)\s*>")
_ATTRIBUTE = re.compile(
    r"([A-Za-z_][\w-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|\{[\"']([^\"']*)[\"']\})"
)
_SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)([\w-]+)[^}]*[>%]\}\}")
_ADMONITION_OPEN = re.compile(r"^:::\s*(\w+)\s*(.*)$")
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(\s+\"[^\"]*\")?\s*\)")
_INLINE_CODE = re.compile(r"`[^`]*`")
# Attributes whose value is what a reader would see in place of the component.
_TEXT_ATTRIBUTES = ("name", "title", "label", "text", "children")


@dataclass(frozen=True)
class Note:
    """Something the import did or could not do, at a line of the source page."""

    line: int
    message: str


@dataclass(frozen=True)
class Page:
    """A handbook page as read: where it came from, what it is called, how the site ordered it."""

    source: str  # path relative to the imported folder, with '/' separators
    title: str
    order: float | None
    meta: Mapping[str, object]
    body: tuple[str, ...]
    body_line: int  # line number of body[0] in the source
    notes: tuple[Note, ...] = ()

    @property
    def key(self) -> str:
        return page_key(self.source)


@dataclass(frozen=True)
class Lesson:
    filename: str
    text: str
    minutes: int
    estimated: bool
    notes: tuple[Note, ...] = field(default_factory=tuple)


def page_key(path: str) -> str:
    """A page's identity for links: its path without suffix and without a Notion page id."""
    stem, suffix = posixpath.splitext(path)
    if suffix.lower() not in PAGE_SUFFIXES:
        stem = path
    parts = [_NOTION_ID.sub("", part) for part in stem.split("/")]
    if parts and parts[-1].lower() in ("index", "readme", "_index"):
        parts = parts[:-1] or ["index"]
    return "/".join(parts).lower()


def slugify(text: str) -> str:
    text = _NOTION_ID.sub("", text).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return re.sub(r"-{2,}", "-", slug)


def _humanize(stem: str) -> str:
    words = re.sub(r"[-_]+", " ", _NOTION_ID.sub("", stem)).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"


def _split_front_matter(lines: list[str]) -> tuple[dict[str, object], int, list[Note]]:
    """(mapping, index of the first body line, notes). Front matter is YAML between '---'."""
    if not lines or lines[0].strip() != "---":
        return {}, 0, []
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return {}, 0, [Note(1, "front matter has no closing '---'; read as text")]
    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        return {}, end + 1, [Note(line, f"front matter is not valid YAML ({error}); dropped")]
    if not isinstance(data, dict):
        return {}, end + 1, [Note(1, "front matter is not a mapping of fields; dropped")]
    return {str(k): v for k, v in data.items()}, end + 1, []


def read_page(source: str, text: str) -> Page:
    """Read a page's front matter, title and order; the body is converted later."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta, start, notes = _split_front_matter(lines)
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        title = _first_h1(lines[start:]) or _humanize(
            posixpath.basename(posixpath.splitext(source)[0])
        )
    body = lines[start:]
    if not meta:
        meta = _notion_properties(body)
    order: float | None = None
    for key in ORDER_KEYS:
        value = meta.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            order = float(value)
            break
    return Page(source, title.strip(), order, meta, tuple(body), start + 1, tuple(notes))


_PROPERTY = re.compile(r"^([A-Z][^:]{0,40}):\s+(\S.*)$")


def _notion_properties(body: list[str]) -> dict[str, object]:
    """A Notion export has no front matter; a page's properties are ``Name: value`` lines
    under its ``# title``. They become fields (kept as comments), blanked out of the body in
    place so that line numbers stay those of the source."""
    index = 0
    while index < len(body) and not body[index].strip():
        index += 1
    if index >= len(body) or not body[index].startswith("# "):
        return {}
    index += 1
    while index < len(body) and not body[index].strip():
        index += 1
    found: dict[str, object] = {}
    first = index
    while index < len(body) and body[index].strip():
        match = _PROPERTY.match(body[index].strip())
        if match is None:
            return {}
        found[match.group(1).strip()] = match.group(2).strip()
        index += 1
    for blank in range(first, index):
        body[blank] = ""
    return found


def _first_h1(lines: Iterable[str]) -> str | None:
    for line in _outside_code(list(lines)):
        match = _HEADING.match(line[1])
        if match and len(match.group(1)) == 1:
            return match.group(2).strip()
    return None


def _outside_code(lines: list[str]) -> Iterable[tuple[int, str]]:
    """(index, line) for every line that is not inside a fenced code block."""
    fence: str | None = None
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)
            continue
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        yield index, line


def _same_title(heading: str, title: str) -> bool:
    """Does a heading repeat the page title? ("Discovery" repeats "How to do discovery".)"""

    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.casefold()))

    a, b = words(heading), words(title)
    return bool(a) and (a == b or a in b or b in a)


@dataclass
class _Converter:
    page: Page
    targets: Mapping[str, str]  # page key -> lesson file name in the course
    notes: list[Note] = field(default_factory=list)
    # source path of an imported image or file -> its path in the course (``assets/...``)
    files: Mapping[str, str] = field(default_factory=dict)

    def note(self, index: int, message: str) -> None:
        self.notes.append(Note(self.page.body_line + index, message))

    def convert(self) -> list[str]:
        lines = list(self.page.body)
        code = {i for i in range(len(lines))} - {i for i, _ in _outside_code(lines)}
        out: list[str] = []
        seen_heading = False
        open_components: list[str] = []
        admonition = False
        for index, line in enumerate(lines):
            if index in code:
                out.append(line)
                continue
            if _MDX_IMPORT.match(line.strip()):
                self.note(index, f"dropped a docs-site line: {line.strip()[:60]}")
                continue
            heading = _HEADING.match(line)
            if heading:
                level = len(heading.group(1))
                if (
                    not seen_heading
                    and level == 1
                    and _same_title(heading.group(2), self.page.title)
                ):
                    self.note(
                        index,
                        "dropped the first heading: it repeats the title, which the page shows",
                    )
                    seen_heading = True
                    continue
                seen_heading = True
                if level == 1:
                    # The lesson page shows its title as the only h1; sections start at ##.
                    self.note(index, "a top-level heading became a section heading (##)")
                    line = "#" + line.lstrip()
            admonition_open = _ADMONITION_OPEN.match(line.strip())
            if admonition_open and not admonition:
                kind, label = admonition_open.group(1), admonition_open.group(2).strip()
                out.append(f"> **{label or kind.capitalize()}**")
                out.append(">")
                admonition = True
                continue
            if admonition:
                if line.strip() == ":::":
                    admonition = False
                    out.append("")
                    continue
                line = f"> {line}" if line.strip() else ">"
            line = self._components(index, line, open_components)
            line = self._shortcodes(index, line)
            line = self._links(index, line)
            if line.strip() or (out and out[-1].strip()):
                out.append(line)  # removed components leave no runs of empty lines
        if admonition:
            self.note(len(lines) - 1, "a ':::' note was not closed; closed at the end")
        for name in open_components:
            self.note(len(lines) - 1, f"<{name}> was never closed; its text was kept")
        while out and not out[0].strip():
            out.pop(0)
        while out and not out[-1].strip():
            out.pop()
        return out

    def _components(self, index: int, line: str, open_components: list[str]) -> str:
        """Docs-site components mean nothing here: keep what a reader saw, drop the rest."""
        masked = _mask_inline_code(line)

        def self_closing(match: re.Match[str]) -> str:
            name, attributes = match.group(1), match.group(2)
            text = _text_attribute(attributes)
            if text:
                self.note(index, f"component <{name} /> turned into its text '{text}'")
                return text
            self.note(index, f"component <{name} /> dropped: TrainHub does not know it")
            return ""

        def opening(match: re.Match[str]) -> str:
            open_components.append(match.group(1))
            self.note(index, f"component <{match.group(1)}> removed; its text was kept")
            return ""

        def closing(match: re.Match[str]) -> str:
            if match.group(1) in open_components:
                open_components.remove(match.group(1))
            return ""

        result = _apply_masked(line, masked, _SELF_CLOSING, self_closing)
        result = _apply_masked(result, _mask_inline_code(result), _OPENING, opening)
        result = _apply_masked(result, _mask_inline_code(result), _CLOSING, closing)
        if result != line and not result.strip():
            return ""
        return result

    def _shortcodes(self, index: int, line: str) -> str:
        def replace(match: re.Match[str]) -> str:
            if not match.group(1):
                self.note(index, f"site shortcode '{match.group(2)}' dropped")
            return ""

        return _apply_masked(line, _mask_inline_code(line), _SHORTCODE, replace)

    def _links(self, index: int, line: str) -> str:
        def replace(match: re.Match[str]) -> str:
            bang, text, target = match.group(1), match.group(2), match.group(3)
            if bang:
                return self._image(index, text, target, match.group(0))
            copied = self._file(target)
            if copied is not None:
                return f"[{text}]({copied})"
            rewritten = self._target(index, target)
            return f"[{text}]({rewritten})" if rewritten is not None else match.group(0)

        return _apply_masked(line, _mask_inline_code(line), _LINK, replace)

    def _file(self, target: str) -> str | None:
        """Where an image or file of the imported folder is in the course, or None."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("#", "/")):
            return None
        path, _, fragment = target.partition("#")
        joined = posixpath.normpath(
            posixpath.join(posixpath.dirname(self.page.source), unquote(path))
        )
        found = self.files.get(joined)
        return (f"{found}#{fragment}" if fragment else found) if found else None

    def _image(self, index: int, text: str, target: str, written: str) -> str:
        copied = self._file(target)
        if copied is not None:
            self.note(index, f"image '{target}' copied to {copied}")
            return f"![{text}]({copied})"
        if re.match(r"^https?://", target, re.I):
            self.note(
                index, f"image '{target}' stays on its site: it shows while the site serves it"
            )
            return written
        # Not in the imported folder: a link to it would be a missing file, so the reader gets
        # its description instead, and the author a note to add the picture.
        self.note(
            index,
            f"image '{target}' is not in the imported folder: its description was kept as "
            "text; put the image in the course's assets/ folder and link it there",
        )
        return f"*{text}*" if text.strip() else ""

    def _target(self, index: int, target: str) -> str | None:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
            return None  # an address on the web, a mail link, or a place on this page
        path, _, fragment = target.partition("#")
        path = unquote(path)
        found = resolve_link(self.page.source, path, self.targets)
        if found is None:
            self.note(
                index,
                f"link to '{target}' points outside the imported pages and will go nowhere: "
                "point it at a lesson or a full web address",
            )
            return None
        return f"{found}#{fragment}" if fragment else found


def resolve_link(source: str, path: str, targets: Mapping[str, str]) -> str | None:
    """The lesson file an old link meant, or None. Relative links resolve from the page;
    site-absolute ones (``/handbook/sales/crm``) match an imported page by their last parts."""
    if not path:
        return None
    if path.startswith("/"):
        wanted = page_key(path.strip("/").removesuffix("/"))
        best: tuple[int, str] | None = None
        for key, filename in targets.items():
            if wanted == key or wanted.endswith("/" + key):
                if best is None or len(key) > best[0]:
                    best = (len(key), filename)
        return best[1] if best else None
    base = posixpath.dirname(source)
    joined = posixpath.normpath(posixpath.join(base, path.rstrip("/")))
    return targets.get(page_key(joined))


def _text_attribute(attributes: str) -> str | None:
    values = {
        m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
        for m in _ATTRIBUTE.finditer(attributes)
    }
    for key in _TEXT_ATTRIBUTES:
        if values.get(key, "").strip():
            return values[key].strip()
    return None


def _mask_inline_code(line: str) -> str:
    """The line with inline code blanked out, so that patterns skip `<Code />` examples."""
    return _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)


def _apply_masked(line: str, masked: str, pattern: re.Pattern[str], replace: object) -> str:
    """Replace pattern matches found in the masked line, in the real line."""
    assert callable(replace)
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(masked):
        real = pattern.match(line, match.start())
        if real is None or real.end() != match.end():
            continue
        pieces.append(line[last : match.start()])
        pieces.append(replace(real))
        last = match.end()
    pieces.append(line[last:])
    return "".join(pieces)


def _kept_meta(page: Page, notes: list[Note]) -> list[str]:
    """Unknown front matter stays in the file as comments: nothing is lost, nothing is wrong."""
    kept = []
    for key, value in page.meta.items():
        if key in LESSON_KEYS or (key == "description" and "summary" not in page.meta):
            continue  # a description became the summary
        rendered = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=True).strip()
        kept.append(f"# from the source: {rendered.strip('{}')}")
        notes.append(
            Note(1, f"front-matter field '{key}' is not a lesson field; kept as a comment")
        )
    return kept


def words_in(lines: Iterable[str]) -> int:
    text = "\n".join(lines)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return len(re.findall(r"\w+", text))


def convert_page(
    page: Page, filename: str, targets: Mapping[str, str], files: Mapping[str, str] | None = None
) -> Lesson:
    """The lesson file for a page: front matter TrainHub reads, body with every fix noted.
    ``files`` maps the imported images and files to their place in the course's assets/."""
    converter = _Converter(page, targets, list(page.notes), dict(files or {}))
    body = converter.convert()
    notes = converter.notes
    minutes_value = page.meta.get("minutes")
    estimated = not (
        isinstance(minutes_value, int) and not isinstance(minutes_value, bool) and minutes_value > 0
    )
    if estimated:
        words = words_in(body)
        minutes = estimate_minutes(words)
        notes.append(Note(1, f"no 'minutes': estimated {minutes} from {words} words"))
    else:
        assert isinstance(minutes_value, int)
        minutes = minutes_value
    header = ["---", yaml.safe_dump({"title": page.title}, allow_unicode=True, width=1000).strip()]
    header.append(f"minutes: {minutes}")
    summary = page.meta.get("summary") or page.meta.get("description")
    if isinstance(summary, str) and summary.strip():
        header.append(
            yaml.safe_dump({"summary": summary.strip()}, allow_unicode=True, width=1000).strip()
        )
    header.extend(_kept_meta(page, notes))
    header.append("---")
    if not body:
        notes.append(
            Note(page.body_line, "the page has no text; the lesson needs some before it is shown")
        )
    text = "\n".join([*header, *body]) + "\n"
    return Lesson(filename, text, minutes, estimated, tuple(sorted(notes, key=lambda n: n.line)))
