"""Reading content files: YAML that remembers line numbers, and Markdown front matter.

Every value parsed from YAML can be traced back to the line it came from, so the linter can
say ``path:line: message`` about a field deep inside a file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


class YamlError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Lines:
    """Line numbers (1-based) of the values in a YAML document, keyed by their path."""

    offset: int = 0
    by_path: dict[Path_, int] = field(default_factory=dict)

    def at(self, *path: str | int) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        key: Path_ = tuple(path)
        while key:
            if key in self.by_path:
                return self.by_path[key] + self.offset
            key = key[:-1]
        return self.by_path.get((), 0) + self.offset or 1


# YAML also ends a line at U+0085, U+2028 and U+2029; an editor, where the author looks for
# ``path:line``, does not. Lines are counted as the editor counts them: \n, \r\n or \r.
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_EDITOR_BREAK = re.compile("\r\n|[\r\n]")
_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")


def _file_lines(text: str) -> list[int] | None:
    """The file's line (1-based) of each line as YAML counts them (0-based), or None when
    the two counts agree (nearly always: no YAML-only line break in the text)."""
    if not any(ch in text for ch in _YAML_ONLY_BREAKS):
        return None
    table, line = [1], 1
    for match in _YAML_BREAK.finditer(text):
        line += match.group() not in _YAML_ONLY_BREAKS
        table.append(line)
    return table


def _line(mark: yaml.Mark, table: list[int] | None) -> int:
    if table is None:
        return mark.line + 1
    return table[min(mark.line, len(table) - 1)]


def _record(node: yaml.Node, path: Path_, lines: Lines, table: list[int] | None) -> None:
    lines.by_path.setdefault(path, _line(node.start_mark, table))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                child = (*path, key_node.value)
                lines.by_path[child] = _line(key_node.start_mark, table)
                _record(value_node, child, lines, table)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines.by_path[child] = _line(item.start_mark, table)
            _record(item, child, lines, table)


# libyaml's loader when PyYAML was built with it: the same safe constructor, several times
# faster, which is most of a warm catalog load (1,000 lessons' front matter).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, line_offset: int = 0) -> tuple[Any, Lines]:
    """Parse one YAML document safely, with the line of every key and item.

    Raises YamlError with the (offset) line of the syntax error.
    """
    lines = Lines(offset=line_offset)
    table = _file_lines(text)
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines
        _record(node, (), lines, table)
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        line, message = _explain(exc, text, table)
        raise YamlError(line + line_offset, f"invalid YAML: {message}") from exc
    except yaml.YAMLError as exc:
        raise YamlError(1 + line_offset, f"invalid YAML: {exc}") from exc
    finally:
        loader.dispose()


_QUOTE_FIX = re.compile(r"^(?P<indent>\s*(?:- )?)(?P<key>[^:#'\"]+):\s+(?P<value>.+?)\s*$")


def _explain(
    exc: yaml.MarkedYAMLError, text: str, table: list[int] | None = None
) -> tuple[int, str]:
    """The line (1-based, in ``text``) and a plain explanation with a fix in YAML terms of
    a parser error. The parser's own words are kept only when nothing better is known."""
    rows = _EDITOR_BREAK.split(text)
    problem = exc.problem or ""
    at = _line(exc.problem_mark, table) if exc.problem_mark else 1
    # The context mark is where the broken construct began (an unclosed bracket or quote);
    # the problem mark is often the end of the file then, which helps nobody.
    began = _line(exc.context_mark, table) if exc.context_mark else at
    if "tab" in problem or "cannot start any token" in problem:
        tabbed = next(
            (n for n, row in enumerate(rows, 1) if "\t" in row[: len(row) - len(row.lstrip())]), at
        )
        return tabbed, "a tab in the indentation: use spaces, not tabs"
    if "mapping values are not allowed" in problem:
        row = rows[at - 1] if 0 < at <= len(rows) else ""
        match = _QUOTE_FIX.match(row)
        if match and ":" in match["value"]:
            value = match["value"].replace('"', '\\"')
            fixed = f'{match["indent"]}{match["key"]}: "{value}"'.strip()
            return at, f"a ':' inside a value: put the value in quotes: {fixed}"
        return at, (
            "a ':' where YAML does not expect one: check this line's indentation, "
            "or put the value in quotes"
        )
    if "quoted scalar" in (exc.context or ""):
        return began, "a quote opened here is never closed: end the value with the same quote"
    if "flow sequence" in (exc.context or ""):
        return began, "a list in [brackets] opened here is not closed: add ']' (or a ',')"
    if "flow mapping" in (exc.context or ""):
        return began, "a mapping in {braces} opened here is not closed: add '}' (or a ',')"
    if "expected key" in problem or "expected <block end>" in problem:
        return at, (
            "the indentation does not match the lines above: keys of one mapping start "
            "in the same column"
        )
    what = problem or exc.context or str(exc)
    if exc.context and exc.problem:
        what = f"{exc.problem} ({exc.context})"
    return (began if exc.context_mark else at), what


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)


@dataclass(frozen=True)
class Document:
    meta: dict[str, Any]
    lines: Lines
    body: str
    body_line: int  # the file line on which the body starts


def split_front_matter(text: str) -> Document:
    """Split ``---``-fenced YAML front matter from a Markdown body.

    Raises YamlError when the front matter is missing, unterminated or not a mapping.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.startswith("---"):
        raise YamlError(1, "missing front matter: the file must start with a '---' line")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise YamlError(1, "front matter is not closed: add a '---' line after it")
    meta, lines = load_yaml(match.group(1), line_offset=1)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise YamlError(2, "front matter must be a mapping of 'key: value' lines")
    body_line = text.count("\n", 0, match.end()) + 1
    return Document(meta=meta, lines=lines, body=text[match.end() :], body_line=body_line)


def content_hash(data: bytes) -> str:
    """The version of a content file that learner records point at."""
    return hashlib.sha256(data).hexdigest()[:16]


SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_slug(value: object) -> bool:
    return isinstance(value, str) and bool(SLUG_RE.match(value))


# ``03-kpis.ru.md``, ``course.uk.yaml``: a translation sits beside its original, with the
# language code before the extension. Slugs hold no dots, so no original looks like this.
_TRANSLATION_NAME = re.compile(r"^(?P<stem>[^.]+)\.(?P<lang>[a-z]{2,3})\.(?P<ext>[a-z]+)$")


def split_translation(name: str) -> tuple[str, str] | None:
    """``03-kpis.ru.md`` -> (``03-kpis.md``, ``ru``); None for a name with no language."""
    match = _TRANSLATION_NAME.match(name)
    if not match:
        return None
    return f"{match['stem']}.{match['ext']}", match["lang"]
