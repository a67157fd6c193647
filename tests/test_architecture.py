"""The import layering of grader/ and db/: the data path submit → sandbox → judge → db → render reads
top-down. A module may import its own layer or a lower one, never a higher one; only grader/cli
imports click; only db/ imports SQLAlchemy and Alembic; no two modules import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# lowest first; a module belongs to the longest prefix that names it
LAYERS = [
    ("grader", "grader.errors", "grader.results"),
    ("grader.course",),
    ("grader.engine",),
    ("db",),
    ("grader.service",),
    ("grader.render",),
    ("grader.reports",),
    ("grader.server",),
    ("grader.cli", "grader.__main__"),
]
MAX_LINES = 320


def _modules() -> dict[str, Path]:
    found = {}
    for package in ("grader", "db"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path, name: str) -> set[str]:
    """Every module `name` imports, at the top or inside a function (absolute names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES}
    return found


def _layer(module: str) -> int | None:
    best, best_len = None, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    return best


GRAPH = {name: _imports(path, name) for name, path in MODULES.items()}


def test_every_module_has_a_layer():
    assert [name for name in MODULES if _layer(name) is None] == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_upward(name):
    upward = [
        target for target in GRAPH[name] if target in MODULES or (_layer(target) is not None and target != "grader")
    ]
    bad = [t for t in upward if _layer(t) is not None and _layer(t) > _layer(name)]
    assert bad == [], f"{name} (layer {LAYERS[_layer(name)][0]}) imports upward: {bad}"


def test_only_the_cli_imports_click():
    users = sorted(n for n, imports in GRAPH.items() if any(i.split(".")[0] == "click" for i in imports))
    assert all(n.startswith("grader.cli") for n in users), users


def test_only_db_imports_sqlalchemy():
    users = sorted(
        n for n, imports in GRAPH.items() if any(i.split(".")[0] in ("sqlalchemy", "alembic") for i in imports)
    )
    assert users and all(n == "db" or n.startswith("db.") for n in users), users


def test_no_import_cycles():
    edges = {name: {t for t in targets if t in MODULES and t != name} for name, targets in GRAPH.items()}
    # a package's __init__ importing its own modules (re-export) is not a cycle of ideas
    cycles = []
    for start in edges:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in edges[node]:
                if nxt == start and len(path) > 1:
                    cycles.append(" → ".join([*path, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name):
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(ROOT)} has {lines} lines: split it by idea"
