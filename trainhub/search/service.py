"""The index of the current catalog, built once per catalog version in each worker."""

from __future__ import annotations

import threading

from ..catalog import Catalog
from .documents import catalog_documents, is_visible
from .index import Hit, Index, build_index

_lock = threading.Lock()
# One slot: the index of the newest catalog seen, keyed by its fingerprint. Derived from the
# files like the catalog itself, so every worker builds the same one and none needs sharing.
_built: dict[str, Index] = {}


def index_of(catalog: Catalog) -> Index:
    found = _built.get(catalog.fingerprint)
    if found is None:
        with _lock:
            found = _built.get(catalog.fingerprint)
            if found is None:
                found = build_index(list(catalog_documents(catalog)))
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
