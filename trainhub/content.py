"""The current catalog, for views: the one place that reaches into the app's catalog store."""

from __future__ import annotations

from flask import current_app

from .catalog import Catalog, CatalogStore


def store() -> CatalogStore:
    found: CatalogStore = current_app.extensions["trainhub.catalog"]
    return found


def catalog() -> Catalog:
    return store().get()
