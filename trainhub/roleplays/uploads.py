"""Attachment files: checked by content, stored outside static/ under random names.

The browser's file name and content type are user text and are never trusted: the type is
read from the file's first bytes, and the stored name is random, so an upload can neither
overwrite another file nor be served as HTML.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import Response, abort, send_file

from ..messages import N_, Text

log = logging.getLogger(__name__)
# Folders whose write failure was logged already: an unwritable folder fails every upload, and
# one line says it; /readyz keeps saying it for as long as it lasts.
_REPORTED: set[str] = set()

# Audio recordings of a practice call, or a PDF (a plan, a report).
ALLOWED_TYPES = {
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "video/webm": "webm",
    "application/pdf": "pdf",
}
PDF_MAGIC = b"%PDF-"
HEAD_BYTES = 8192
CHUNK = 64 * 1024
MAX_NAME = 200


class UploadError(ValueError):
    """The file is refused; the message is shown next to the field."""

    def __init__(self, message: Text) -> None:
        super().__init__(str(message))
        # Translated where the page shows it (a str in English for logs).
        self.message = message


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    content_type: str
    size: int
    sha256: str


def sniff_type(head: bytes) -> str | None:
    """The allowed content type of a file judged by its first bytes, or None."""
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    kind = filetype.guess(head)
    if kind is None:
        return None
    return kind.mime if kind.mime in ALLOWED_TYPES else None


# Control characters (C0 and C1) and folders.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\]+")
# Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE shows "invoice\u202efdp.exe" as
# "invoiceexe.pdf") and invisible marks: a shown file name must read as what it is.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def clean_name(name: str | None) -> str:
    """The name as the person gave it, minus folders and control characters.

    It is still user text: templates escape it like any other.
    """
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _INVISIBLE.sub("", _UNSAFE.sub("_", base))
    base = unicodedata.normalize("NFC", base).strip(" .")
    return base[:MAX_NAME] or "attachment"


_HEADER_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


def download_name(name: str, content_type: str) -> str:
    """A name safe for a Content-Disposition header, with the extension of the real type."""
    stem = _HEADER_UNSAFE.sub("_", name.rsplit(".", 1)[0]).strip(" ._")[:100] or "attachment"
    return f"{stem}.{ALLOWED_TYPES.get(content_type, 'bin')}"


def store_upload(stream: BinaryIO, folder: Path, max_bytes: int) -> StoredFile:
    """Copy an upload into ``folder`` under a random name, refusing big or unknown files.

    A folder that cannot be written (full disk, wrong owner, a missing mount) refuses the file
    with a message for the person, never a 500, and is logged once per process."""
    try:
        return _store(stream, folder, max_bytes)
    except OSError as exc:
        if str(folder) not in _REPORTED:
            _REPORTED.add(str(folder))
            log.error("uploads folder %s cannot be written: %s", folder, exc)
        raise UploadError(
            N_(
                "The file could not be saved on the server. Try again later: the problem has "
                "been logged for the administrator."
            )
        ) from exc


def _store(stream: BinaryIO, folder: Path, max_bytes: int) -> StoredFile:
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    target = folder / stored_name
    temp = folder / f".{stored_name}.part"
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        with open(temp, "xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadError(
                        N_("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024))
                    )
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadError(N_("The file is empty."))
        content_type = sniff_type(head)
        if content_type is None:
            raise UploadError(N_("Attach an audio recording (mp3, m4a, ogg, wav, webm) or a PDF."))
        os.replace(temp, target)
    finally:
        if temp.exists():
            temp.unlink()
    return StoredFile(stored_name, content_type, size, digest.hexdigest())


def stored_path(folder: Path, stored_name: str) -> Path:
    return folder / stored_name


def download_response(folder: Path, stored_name: str, content_type: str, name: str) -> Response:
    """A stored file as a download, never rendered by the browser (role-play attachments,
    sign-off evidence); 404 when the file is gone from the folder. The caller has already
    checked who may see it."""
    path = stored_path(folder, stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=content_type,
        as_attachment=True,
        download_name=download_name(name, content_type),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
