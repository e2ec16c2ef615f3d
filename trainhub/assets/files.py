"""Finding an asset file on disk and answering with it. The folder and the name come from a
URL, so the name is refused unless it stays inside the folder and has a served type."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, send_file
from werkzeug.security import safe_join

from ..catalog.assets import ASSETS, SVG_CSP, content_type, is_served_name

# The file at a URL changes when the content is deployed: a browser keeps it but asks again
# each time (ETag/Last-Modified make that a 304 with no body). ``private``: an asset is for
# signed-in people, so no shared cache may keep it.
CACHE_CONTROL = "private, no-cache"


def course_folder(root: Path, course_slug: str) -> Path:
    return root / "content" / "courses" / course_slug / ASSETS


def case_folder(root: Path, case_slug: str) -> Path:
    return root / "roleplays" / ASSETS / case_slug


def find(folder: Path, filename: str) -> tuple[Path, str] | None:
    """(path, content type) of ``filename`` inside ``folder``, or None: a name that climbs out
    (``..``, an absolute path, a link leading elsewhere), a hidden file, a type not served,
    or no such file."""
    if not is_served_name(filename):
        return None
    joined = safe_join(str(folder), filename)
    if joined is None:
        return None
    path = Path(joined)
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return None
    if not inside or not path.is_file():
        return None
    kind = content_type(filename)
    assert kind is not None  # is_served_name checked the type
    return path, kind


def response_for(folder: Path, filename: str) -> Response:
    found = find(folder, filename)
    if found is None:
        abort(404)
    path, kind = found
    response = send_file(path, mimetype=kind, conditional=True, etag=True, max_age=None)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    if kind == "image/svg+xml":
        # Opened on its own, an SVG is a document: nothing in it may run or load.
        response.headers["Content-Security-Policy"] = SVG_CSP
    return response
