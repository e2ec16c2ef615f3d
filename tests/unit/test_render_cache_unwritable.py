"""Finding 7: a render cache the service user cannot write (instance/cache made by root) was
ignored in silence; now it is said once per process, and the catalog still loads."""

from __future__ import annotations

import logging

from tests.conftest import PROJECT_ROOT
from trainhub.catalog import CatalogStore
from trainhub.catalog import cache as cache_module


def test_an_unwritable_render_cache_is_logged_once(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(cache_module, "_unwritable_logged", [])
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")  # root writes anywhere, so the cache sits under a plain file
    with caplog.at_level(logging.ERROR, logger="trainhub.catalog"):
        for _ in range(2):
            store = CatalogStore(PROJECT_ROOT, check_interval=0.0, cache_dir=blocker / "render")
            assert store.get().courses  # served all the same
    said = [r for r in caplog.records if "is not writable" in r.getMessage()]
    assert len(said) == 1 and "render" in said[0].getMessage()
