"""The package's import graph: no cycles, and arrows only down the pipeline.

Every ``import`` of a ``shapecheck`` module counts, at module level or inside
a function (a lazy import is still a dependency); only imports under
``if TYPE_CHECKING:`` are left out, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Packages from the top of the pipeline to the bottom: a module may import
# its own package and the ones listed after it, never one listed before it.
LAYERS = ["app", "confirm", "checking", "rules", "report", "overlays", "engine", "shapes", "tables"]
# Where a layer may reach past the order above: (importing layer, imported module) and the reason.
ALLOWED_UPWARD = {
    ("rules", "shapecheck.checking.rule"): "the interface every rule implements",
    ("report", "shapecheck.confirm.outcome"): "a finding's confirmation is part of what is reported",
}


def _module_name(path: Path) -> str:
    if path.is_relative_to(ROOT / "rules"):
        parts = ["shapecheck", "rules", *path.relative_to(ROOT / "rules").with_suffix("").parts]
    else:
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    files = list((ROOT / "shapecheck").rglob("*.py")) + list((ROOT / "rules").glob("*.py"))
    return {_module_name(p): p for p in files}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str, path: Path, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def add(target: str) -> None:
        while target and target not in modules:
            target = target.rsplit(".", 1)[0] if "." in target else ""
        if target and target != name:
            found.add(target)

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                if f"{module}.{alias.name}" in modules:
                    add(f"{module}.{alias.name}")
                else:
                    add(module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    sources = _sources()
    modules = set(sources)
    return {name: _imports(name, path, modules) for name, path in sources.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if state.get(nxt) is None:
                found = walk(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None:
            found = walk(node)
            if found:
                return found
    return None


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_no_import_cycles() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_imports_only_point_down_the_pipeline() -> None:
    wrong = []
    for module, targets in _graph().items():
        here = _layer(module)
        for target in targets:
            there = _layer(target)
            if here is None or there is None or here == there:
                continue
            if LAYERS.index(there) < LAYERS.index(here) and (here, target) not in ALLOWED_UPWARD:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports against the pipeline:\n" + "\n".join(sorted(wrong))


def test_the_graph_is_not_empty() -> None:
    """The walk must see the real imports (a broken walk would pass the tests above)."""
    graph = _graph()
    assert "shapecheck.engine.values" in graph["shapecheck.engine.interpreter"]
    assert _cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
