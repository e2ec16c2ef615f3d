"""Content as code: files -> frozen dataclasses -> problems -> an in-memory catalog.

This package imports no feature package; features import it.
"""

from .load import Catalog, load_catalog
from .problems import Problem
from .store import CatalogStore

__all__ = ["Catalog", "CatalogStore", "Problem", "load_catalog"]
