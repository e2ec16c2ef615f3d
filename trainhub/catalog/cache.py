"""A cache of rendered Markdown keyed by content hash.

Rendering is the slow part of loading the catalog (milliseconds per lesson). Keeping the
result on disk, keyed by the hash of the source, makes a restart or a reload after editing
one file cheap, and it is safe to share between workers: an entry never changes.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .markdown import LinkRewriter, Rendered, TocEntry, render

# Bump when rendering changes (extensions, sanitizer rules) to invalidate old entries.
RENDER_VERSION = "1"


class RenderCache:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.memory: dict[str, Rendered] = {}
        self.hits = 0
        self.misses = 0

    def _file(self, key: str) -> Path | None:
        return self.folder / key[:2] / f"{key}.json" if self.folder else None

    def __call__(self, digest: str, text: str, rewrite: LinkRewriter | None) -> Rendered:
        key = f"{RENDER_VERSION}-{digest}"
        if key in self.memory:
            self.hits += 1
            return self.memory[key]
        path = self._file(key)
        if path is not None and path.is_file():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                result = Rendered(raw["html"], tuple(TocEntry(*entry) for entry in raw["toc"]))
                self.memory[key] = result
                self.hits += 1
                return result
            except (OSError, ValueError, KeyError, TypeError):
                pass  # a damaged entry is rendered again and overwritten
        self.misses += 1
        result = render(text, rewrite)
        self.memory[key] = result
        if path is not None:
            self._store(path, result)
        return result

    @staticmethod
    def _store(path: Path, result: Rendered) -> None:
        payload = {"html": result.html, "toc": [list(vars(t).values()) for t in result.toc]}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a concurrent reader never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh)
            os.replace(tmp, path)
        except OSError:
            pass  # the cache is an optimisation; a read-only disk must not break loading
