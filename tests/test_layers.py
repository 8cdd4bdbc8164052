"""The package's layers, kept by walking every module's imports (also the ones inside functions).

declarations (errors, atomic file writes, problems, schema, reference, layout) import nothing
above them; builders import declarations and builders; loading imports declarations and
loading, never builders; only the entry points (the CLI, `conflictkit.api`, the package's lazy
namespace) join them. And no two modules import each other, directly or round a loop.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "conflictkit"

DECLARATIONS = {"errors", "atomic", "problems", "schema", "reference", "layout"}
LAYERS: dict[str, set[str]] = {
    "declarations": DECLARATIONS,
    "builders": DECLARATIONS | {"builders"},
    "loading": DECLARATIONS | {"loading"},
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _target(name: str) -> str | None:
    """The package module an imported name refers to (its longest module prefix)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(module: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "conflictkit") and node.level == 0:
            for alias in node.names:
                target = _target(f"{node.module}.{alias.name}")
                if target and target != module:
                    found.add(target)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                target = _target(alias.name) if alias.name.startswith("conflictkit") else None
                if target and target != module:
                    found.add(target)
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def _part(module: str) -> str:
    """The top-level part of the package a module belongs to ("" for the package itself)."""
    return module.split(".")[1] if "." in module else ""


def _layer(module: str) -> str | None:
    part = _part(module)
    if part in DECLARATIONS:
        return "declarations"
    if part in ("builders", "loading"):
        return part
    return None  # cli, console, api, __init__, __main__: the entry points, free to join them


def test_every_part_of_the_package_has_a_layer_or_is_an_entry_point() -> None:
    parts = {_part(m) for m in MODULES}
    entry_points = {"cli", "console", "api", "__main__", ""}
    assert parts <= DECLARATIONS | {"builders", "loading"} | entry_points, parts


def test_layers_import_only_downwards() -> None:
    violations = []
    for module, targets in GRAPH.items():
        layer = _layer(module)
        if layer is None:
            continue
        for target in targets:
            # the package itself ("") gives plain facts such as the version
            if _part(target) not in LAYERS[layer] | {""}:
                violations.append(f"{module} ({layer}) imports {target}")
    assert not violations, "\n".join(sorted(violations))


def test_no_import_cycles() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            visit(module)
    assert not cycles, cycles


def test_the_walk_sees_lazy_imports() -> None:
    """The checks above would pass vacuously if function-level imports were missed."""
    assert "conflictkit.builders.importers.registry" in GRAPH["conflictkit.api"]
    assert "conflictkit.loading.read" in GRAPH["conflictkit.api"]
