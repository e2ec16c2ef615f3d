"""Images and files that lessons, cases and quizzes show: where they live, which types are
served, and what makes an SVG unsafe.

A course keeps its files in ``content/courses/<course>/assets/``; a role-play case in
``roleplays/assets/<case>/``. Both are next to the text that uses them, so a relative link
(``![Funnel](assets/funnel.png)``) works in the author's editor and on GitHub as in the app.
"""

from __future__ import annotations

import posixpath
import re
import xml.parsers.expat
from dataclasses import dataclass

ASSETS = "assets"
# The types a browser shows inline and that carry no code of their own (an SVG is checked
# for scripts below). Anything else in an assets folder is not served.
TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
}
TYPE_NAMES = "png, jpg, jpeg, gif, webp, svg, pdf"
# A file larger than this is worth a warning: it is slow to open on a phone or a weak line
# (CONTENT_ASSET_MAX_KB sets it).
ASSET_MAX_KB = 1024
# An SVG opened on its own is a page: it may not run anything or fetch anything.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


def content_type(name: str) -> str | None:
    """The Content-Type a file is served with, or None when its type is not served."""
    return TYPES.get(posixpath.splitext(name)[1].lower())


def is_served_name(name: str) -> bool:
    """A file name inside an assets folder that may be served: an allowed type, and no part
    hidden (``.git``) or climbing out (``..``)."""
    parts = name.split("/")
    if not name or any(not part or part.startswith(".") for part in parts):
        return False
    return content_type(name) is not None


@dataclass(frozen=True)
class SvgProblem:
    line: int
    message: str


_EVENT = re.compile(r"^on[a-z]", re.I)
_SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data\s*:\s*text/html)\s*:?", re.I)
_CSS_SCRIPT = re.compile(r"(?:javascript|vbscript)\s*:|expression\s*\(", re.I)


def svg_problems(data: bytes) -> list[SvgProblem]:
    """What in an SVG could run code when it is opened: ``<script>``, ``<foreignObject>``
    (HTML inside the picture), ``on...`` event handlers and ``javascript:`` links, each at
    its line. The app serves SVG with a Content-Security-Policy that blocks them anyway;
    the linter says so first, so that an author never ships one."""
    found: list[SvgProblem] = []
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def start(name: str, attributes: dict[str, str]) -> None:
        line = parser.CurrentLineNumber
        local = name.rsplit(" ", 1)[-1]
        if local.lower() == "script":
            found.append(SvgProblem(line, "the SVG has a <script>: remove it (images run no code)"))
        elif local.lower() == "foreignobject":
            found.append(SvgProblem(line, "the SVG has a <foreignObject> (HTML in it): remove it"))
        for key, value in attributes.items():
            attr = key.rsplit(" ", 1)[-1]
            if _EVENT.match(attr):
                found.append(SvgProblem(line, f"the SVG has an event handler '{attr}': remove it"))
            elif (
                attr == "href"
                and _SCRIPT_URL.match(value)
                or (attr in {"to", "from", "values"} and _CSS_SCRIPT.search(value))
            ):
                shown = value.strip()[:40]
                found.append(SvgProblem(line, f"the SVG has a script link ('{shown}'): remove it"))
            elif attr == "style" and _CSS_SCRIPT.search(value):
                found.append(SvgProblem(line, "the SVG has a script in a style: remove it"))

    def entity(*_args: object) -> None:
        # Entities can expand to megabytes or pull in other files: an SVG needs none.
        line = parser.CurrentLineNumber
        found.append(SvgProblem(line, "the SVG declares an entity (<!ENTITY>): remove it"))

    parser.StartElementHandler = start
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        return [
            *found,
            SvgProblem(
                exc.lineno,
                f"not a well-formed SVG ({xml.parsers.expat.ErrorString(exc.code)}): "
                "export it again from your drawing program",
            ),
        ]
    return found
