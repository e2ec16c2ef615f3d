"""The import rules of the README's architecture, read from the source (no import needed):

- imports run one way: ``views -> forms, service, permissions -> models -> db``;
- ``catalog`` imports no feature, and the cross-cutting modules (``access``, ``permissions``,
  ``db``, ``mail``, ``language``) import none either;
- no cycle between packages, and no import inside a function.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import trainhub

ROOT = Path(trainhub.__file__).parent
# Top-level packages that are features (each a folder); the rest are shared modules.
FEATURES = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} - {"catalog"}
# Shared modules that every feature may use, so they may use no feature.
FOUNDATION = {"access", "permissions", "db", "extensions", "mail", "language", "routing", "forms"}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return (ROOT.parent / name.replace(".", "/") / "__init__.py").exists()


def _imports(name: str, tree: ast.Module) -> set[str]:
    """The trainhub modules that ``name`` imports, resolved to absolute names."""
    package = name if _is_package(name) else name.rsplit(".", 1)[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if not module.startswith("trainhub"):
                continue
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                targets.add(sub if sub in MODULES else module)
        elif isinstance(node, ast.Import):
            targets |= {a.name for a in node.names if a.name.startswith("trainhub")}
    return targets


GRAPH = {name: _imports(name, tree) for name, tree in MODULES.items()}


def _top(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def _leaf(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def test_no_import_inside_a_function() -> None:
    inside = [
        f"{name}: {ast.unparse(node)}"
        for name, tree in MODULES.items()
        for func in ast.walk(tree)
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(func)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert inside == []


def test_no_cycle_between_packages() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for name, targets in GRAPH.items():
        for target in targets:
            if _top(name) and _top(target) and _top(name) != _top(target):
                edges[_top(name)].add(_top(target))

    def reaches(start: str, goal: str) -> list[str] | None:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in edges[node]:
                if nxt == goal:
                    return [*path, nxt]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
        return None

    cycles = [reaches(package, package) for package in sorted(edges)]
    assert [c for c in cycles if c] == []


def test_catalog_and_the_foundation_import_no_feature() -> None:
    wrong = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if _top(name) == "catalog" or _top(name) in FOUNDATION
        for target in targets
        if _top(target) in FEATURES
    ]
    assert wrong == []


def test_models_import_only_models_and_db() -> None:
    wrong = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if _leaf(name) == "models" and name != "trainhub.models"
        for target in targets
        if _leaf(target) not in {"models", "db"}
    ]
    assert wrong == []


def test_services_and_forms_import_no_views() -> None:
    wrong = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if _leaf(name) != "views" and name != "trainhub"
        for target in targets
        if _leaf(target) == "views"
    ]
    assert wrong == []


def test_no_view_imports_another_features_views_or_cli() -> None:
    wrong = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if name != "trainhub"
        for target in targets
        if _leaf(target) in {"views", "cli"} and _top(target) != _top(name)
    ]
    assert wrong == []


def test_services_take_no_request_or_signed_in_user() -> None:
    """Services take ``session``, ``actor`` and ``now`` as arguments (STYLE.md)."""
    request_bound = {"request", "current_user", "session", "g"}
    wrong = [
        f"{name}: {ast.unparse(node)}"
        for name, tree in MODULES.items()
        if _leaf(name) == "service"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module in {"flask", "flask_login"}
        and {a.name for a in node.names} & request_bound
    ]
    assert wrong == []
