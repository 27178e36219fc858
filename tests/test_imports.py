"""The package's structure, read from the source: imports point one way and no modules import each other.

Every import that runs counts, a function-level one too (it is a dependency all the same); an import
under `if TYPE_CHECKING:` does not (it never runs: annotations only).
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "extractor"
# The bottom layer: pure functions, the record types, the registry and errors. They import nothing
# from the package but each other.
BOTTOM = ("extractor.normalize", "extractor.records", "extractor.registry", "extractor.errors",
          "extractor.segment", "extractor.textpatterns")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _runtime_imports(tree: ast.AST):
    for node in ast.iter_child_nodes(tree):
        if _is_type_checking(node):
            yield from (n for child in node.orelse for n in _runtime_imports_of(child))
            continue
        yield from _runtime_imports_of(node)


def _runtime_imports_of(node: ast.AST):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    else:
        yield from _runtime_imports(node)


def import_graph() -> dict[str, set[str]]:
    """module -> the package's modules it imports."""
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        deps: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = here[: len(here) - node.level + 1] if node.level else []
                module = ".".join(base + ([node.module] if node.module else []))
                # `from .pkg import mod` imports the module mod; `from .mod import name`, the module.
                targets = [f"{module}.{alias.name}" for alias in node.names] + [module]
            found = next((t for t in targets if t in paths and t != name), None)
            if found:
                deps.add(found)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for dep in graph[node]:
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_imports_no_two_modules_import_each_other():
    assert cycles(import_graph()) == []


def test_imports_the_bottom_layer_imports_nothing_above_it():
    upward = {name: sorted(d for d in deps if not d.startswith(BOTTOM))
              for name, deps in import_graph().items() if name.startswith(BOTTOM)}
    assert {name: deps for name, deps in upward.items() if deps} == {}


def test_imports_engines_and_job_point_one_way():
    graph = import_graph()
    assert "extractor.cli" not in {d for deps in graph.values() for d in deps}  # nothing imports the CLI
    assert not {d for d in graph["extractor.job"] if d.startswith("extractor.engines")}
    assert "extractor.engines.dask" not in graph["extractor.engines.local"]
    assert "extractor.engines.local" not in graph["extractor.engines.dask"]


def test_imports_the_checker_finds_a_cycle(tmp_path):
    """The checker itself: a cycle made by hand is found, a chain is not."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
