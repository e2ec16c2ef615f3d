"""The index of the current catalog, built once per catalog version in each worker."""

from __future__ import annotations

import threading

from ..catalog import Catalog
from .documents import catalog_documents, is_visible
from .index import Hit, Index, build_index

_lock = threading.Lock()
# The index of each catalog seen, keyed by its fingerprint: one per language the readers read
# (a catalog in a language has a fingerprint of its own). Derived from the files like the
# catalog itself, so every worker builds the same ones and none needs sharing. A new version
# of the files makes new fingerprints; the old indexes are dropped once there are too many.
_built: dict[str, Index] = {}
MAX_INDEXES = 8


def index_of(catalog: Catalog) -> Index:
    found = _built.get(catalog.fingerprint)
    if found is None:
        with _lock:
            found = _built.get(catalog.fingerprint)
            if found is None:
                found = build_index(list(catalog_documents(catalog)))
                if len(_built) >= MAX_INDEXES:
                    _built.clear()
                _built[catalog.fingerprint] = found
    return found


def search_content(
    catalog: Catalog, query: str, *, role: str, track: str | None, limit: int = 50
) -> list[Hit]:
    index = index_of(catalog)
    visible = (
        n
        for n, document in enumerate(index.documents)
        if is_visible(document, role=role, track=track)
    )
    return index.search(query, visible, limit=limit)
