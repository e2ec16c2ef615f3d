"""A cache of rendered Markdown keyed by content hash.

Rendering is the slow part of loading the catalog (milliseconds per lesson). Keeping the
result on disk, keyed by the hash of the source, makes a restart or a reload after editing
one file cheap, and it is safe to share between workers: an entry never changes.

A cold load (an empty cache, e.g. a first deploy of a large catalog) first records what is
missing, renders it on every core, then parses again from the cache: see ``load_catalog``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

from .markdown import LinkRewriter, Rendered, TocEntry, render

# Bump when rendering changes (extensions, sanitizer rules) to invalidate old entries.
RENDER_VERSION = "3"
# Below this many misses, starting worker processes costs more than it saves.
PARALLEL_MIN = 64

Task = tuple[str, str, str, LinkRewriter | None]  # key, digest, text, rewrite
_PLACEHOLDER = Rendered("", ())
_SAFE_SCOPE = re.compile(r"^[a-z0-9-]*$")


def _render_task(task: Task) -> tuple[str, Rendered]:
    key, _digest, text, rewrite = task
    return key, render(text, rewrite)


def cache_key(digest: str, rewrite: LinkRewriter | None) -> str:
    # Links are rewritten relative to the course, so the course is part of the key.
    scope = "-".join(str(a) for a in getattr(rewrite, "args", ()))
    if not _SAFE_SCOPE.match(scope):
        # A case's or quiz's rewriter names a folder and a path prefix: the key is a file name.
        scope = hashlib.sha256(scope.encode()).hexdigest()[:16]
    return f"{RENDER_VERSION}-{digest}" + (f"-{scope}" if scope else "")


class RenderCache:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.memory: dict[str, Rendered] = {}
        self.hits = 0
        self.misses = 0
        self._pending: dict[str, Task] | None = None

    def _file(self, key: str) -> Path | None:
        return self.folder / key[:4] / f"{key}.json" if self.folder else None

    def _from_disk(self, key: str) -> Rendered | None:
        path = self._file(key)
        if path is None or not path.is_file():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return Rendered(raw["html"], tuple(TocEntry(*entry) for entry in raw["toc"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a damaged entry is rendered again and overwritten

    def __call__(self, digest: str, text: str, rewrite: LinkRewriter | None) -> Rendered:
        key = cache_key(digest, rewrite)
        found = self.memory.get(key) or self._from_disk(key)
        if found is not None:
            self.memory[key] = found
            self.hits += 1
            return found
        if self._pending is not None:
            self._pending[key] = (key, digest, text, rewrite)
            return _PLACEHOLDER
        self.misses += 1
        return self._keep(key, render(text, rewrite))

    def _keep(self, key: str, result: Rendered) -> Rendered:
        self.memory[key] = result
        path = self._file(key)
        if path is not None:
            self._store(path, result)
        return result

    @contextmanager
    def recording(self) -> Iterator[dict[str, Task]]:
        """Within the block, misses are recorded instead of rendered (answers are blanks)."""
        self._pending = {}
        try:
            yield self._pending
        finally:
            self._pending = None

    def render_all(self, tasks: dict[str, Task]) -> None:
        """Render recorded misses: on every core when there are many and it is safe to fork."""
        self.misses += len(tasks)
        workers = min(os.cpu_count() or 1, 8)
        # Forking a process that runs other threads (a busy app worker) can copy a held lock
        # into the child; then the misses are rendered here instead.
        if len(tasks) >= PARALLEL_MIN and workers > 1 and threading.active_count() == 1:
            with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
                chunk = max(1, len(tasks) // (workers * 4))
                for key, result in pool.map(_render_task, tasks.values(), chunksize=chunk):
                    self._keep(key, result)
            return
        for task in tasks.values():
            key, result = _render_task(task)
            self._keep(key, result)

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
        except OSError as exc:
            # The cache is an optimisation; a read-only disk must not break loading. Said
            # once per process (e.g. instance/cache made by root): every render misses then.
            if not _unwritable_logged:
                _log_unwritable(path.parent, exc)


_unwritable_logged: list[str] = []


def _log_unwritable(folder: Path, exc: OSError) -> None:
    _unwritable_logged.append(str(folder))
    logging.getLogger(__name__).error(
        "the render cache %s is not writable (%s): lessons are rendered again at every "
        "start; make it the service user's (chown -R trainhub: it)",
        folder,
        exc.strerror or exc,
    )
