"""The readiness rules stay pure: they import no models, no database and no Flask.

(Their words are ``messages.Text``, which asks Flask whether there is a request only when a
template shows it.) Read from the source rather than from ``sys.modules``: importing any
``trainhub`` module runs the package's ``__init__``, which builds the whole app. That
``catalog`` (hence ``step_threshold``) imports no feature is test_layering's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "trainhub"
PURE = ["readiness/rules.py", "readiness/facts.py", "readiness/results.py", "catalog/tracks.py"]
FORBIDDEN = ("flask", "sqlalchemy", "trainhub.db", "trainhub.extensions")


def imported(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    package = ["trainhub", *path.relative_to(PACKAGE).parent.parts]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            names.add(".".join([*base, *(node.module or "").split(".")]).strip("."))
    return names


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_no_models_no_database_no_flask(module: str):
    names = imported(PACKAGE / module)
    assert not {n for n in names if n.startswith(FORBIDDEN) or n.endswith(".models")}
