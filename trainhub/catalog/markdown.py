"""Markdown to safe HTML, once, at load time.

Content files are written by trusted authors, but they are often pasted from other handbooks,
so the HTML is sanitized anyway. ``id`` attributes are kept for the table of contents.
"""

from __future__ import annotations

import functools
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "details",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"align", "style"},
    "th": {"align", "style"},
    "ol": {"start"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

LinkRewriter = Callable[[str], str | None]


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocEntry, ...]


class _RewriteLinks(Treeprocessor):
    def __init__(self, md: markdown.Markdown, rewrite: LinkRewriter | None) -> None:
        super().__init__(md)
        self.rewrite = rewrite

    def run(self, root: ET.Element) -> None:
        if self.rewrite is None:
            return
        for tag, attribute in (("a", "href"), ("img", "src")):
            for element in root.iter(tag):
                value = element.get(attribute)
                if value:
                    new = self.rewrite(value)
                    if new is not None:
                        element.set(attribute, new)


class _LinkExtension(Extension):
    def __init__(self) -> None:
        super().__init__()
        self.processor: _RewriteLinks | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (markdown's API)
        self.processor = _RewriteLinks(md, None)
        md.treeprocessors.register(self.processor, "trainhub_links", 5)


def _flatten_toc(tokens: list[dict[str, Any]], out: list[TocEntry]) -> None:
    for token in tokens:
        out.append(TocEntry(token["level"], token["id"], token["name"]))
        _flatten_toc(token.get("children", []), out)


# (content hash, Markdown text, link rewriter) -> Rendered. The hash lets a cache skip work.
Renderer = Callable[[str, str, LinkRewriter | None], Rendered]


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )


# One Markdown converter per thread, reset between documents: building a new one (and its
# extensions) for every lesson took about a third of a cold catalog load.
_converters = threading.local()


def _converter() -> tuple[markdown.Markdown, _LinkExtension]:
    found = getattr(_converters, "md", None)
    if found is None:
        links = _LinkExtension()
        md = markdown.Markdown(
            extensions=["tables", "fenced_code", "sane_lists", "toc", links],
            # slugify_unicode keeps Cyrillic: a Russian heading's anchor reads "#воронка-продаж",
            # not "#_2" (the default drops every non-ASCII letter). ASCII ids are unchanged.
            extension_configs={"toc": {"toc_depth": "2-3", "slugify": slugify_unicode}},
            output_format="html",
        )
        found = _converters.md = (md, links)
    return found


def render(text: str, rewrite_link: LinkRewriter | None = None) -> Rendered:
    """Render trusted-but-pasted Markdown: tables, fenced code and a TOC of h2/h3."""
    md, links = _converter()
    assert links.processor is not None
    md.reset()
    links.processor.rewrite = rewrite_link
    try:
        html = md.convert(text)
    finally:
        links.processor.rewrite = None
    toc: list[TocEntry] = []
    _flatten_toc(getattr(md, "toc_tokens", []), toc)
    return Rendered(html=sanitize(html), toc=tuple(toc))


_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def find_links(text: str) -> list[tuple[int, str]]:
    """(line within ``text``, target) of every inline Markdown link, for the link checker."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _MD_LINK.finditer(line):
            found.append((number, match.group(1)))
    return found


_TAG_RE = re.compile(r"<[^>]+>")


def plain_words(text: str) -> int:
    return len(_TAG_RE.sub(" ", text).split())


_LIST_AFTER_TEXT = re.compile(
    r"^(?!(?:[-*+]|\d+\.)[ \t])(\S[^\n]*)\n(?=[ \t]*(?:[-*+]|\d+\.)[ \t])", re.M
)


def loosen_lists(text: str) -> str:
    """Put a blank line before a list that follows a line of text.

    People write "Red flags:" and the list on the next line; Markdown would otherwise run the
    items into the paragraph.
    """
    return _LIST_AFTER_TEXT.sub("\\1\n\n", text)


# Text written by people (answers, review comments, notes) gets a stricter allow-list than
# authored content: no id, class or style, so a hire's answer cannot restyle, cover or
# imitate parts of the mentor's page (a position:fixed cell, a fake "saved" banner).
USER_TAGS = ALLOWED_TAGS - {"img", "div", "span", "details", "summary", "h1", "h2"}
USER_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


@functools.lru_cache(maxsize=4096)
def render_user_text(text: str) -> str:
    """People's Markdown as safe HTML. Pure and cached: submitted versions never change."""
    # Headings start at <h3>: "# Opening" in an answer is a heading of the answer, below the
    # page's own <h1>/<h2> (which the allow-list keeps out), not a plain line.
    html = markdown.markdown(
        loosen_lists(text),
        extensions=["sane_lists", "fenced_code", "tables", "toc"],
        extension_configs={"toc": {"baselevel": 3, "anchorlink": False, "permalink": False}},
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=USER_TAGS,
        attributes=USER_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
