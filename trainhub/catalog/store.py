"""The live catalog of one worker process, reloaded when the files change.

Nothing here is shared state that matters: every worker derives the same catalog from the same
files, so several workers or hosts stay consistent without talking to each other.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from .cache import RenderCache
from .load import (
    DEFAULT_LANGUAGE,
    LESSON_MAX_KB,
    Catalog,
    LinkSettings,
    fingerprint,
    load_catalog,
)

log = logging.getLogger(__name__)


class CatalogStore:
    def __init__(
        self,
        root: Path,
        check_interval: float = 2.0,
        cache_dir: Path | None = None,
        default_language: str = DEFAULT_LANGUAGE,
        languages: tuple[str, ...] = (),
        lesson_max_kb: int = LESSON_MAX_KB,
        links: LinkSettings | None = None,
    ):
        self.root = Path(root)
        self.default_language = default_language
        self.languages = languages
        self.lesson_max_kb = lesson_max_kb
        self.links = links or LinkSettings()
        self.check_interval = check_interval
        self.cache = RenderCache(cache_dir)
        self._lock = threading.Lock()
        self._catalog: Catalog | None = None
        self._checked_at = 0.0

    def _load(self) -> Catalog:
        started = time.perf_counter()
        catalog = load_catalog(
            self.root,
            self.cache,
            self.default_language,
            self.languages,
            lesson_max_kb=self.lesson_max_kb,
            links=self.links,
        )
        log.info(
            "catalog loaded in %.0f ms: %d courses, %d tracks, %d quizzes, %d cases, %d problems",
            (time.perf_counter() - started) * 1000,
            len(catalog.courses),
            len(catalog.tracks),
            len(catalog.quizzes),
            len(catalog.roleplays),
            len(catalog.errors),
        )
        for problem in catalog.errors:
            log.warning("content problem: %s", problem)
        return catalog

    def get(self) -> Catalog:
        now = time.monotonic()
        catalog = self._catalog
        if catalog is not None and now - self._checked_at < self.check_interval:
            return catalog
        with self._lock:
            if self._catalog is not None and now - self._checked_at < self.check_interval:
                return self._catalog
            if self._catalog is None or fingerprint(self.root) != self._catalog.fingerprint:
                self._catalog = self._load()
            self._checked_at = time.monotonic()
            return self._catalog

    def reload(self) -> Catalog:
        with self._lock:
            self._catalog = self._load()
            self._checked_at = time.monotonic()
            return self._catalog
