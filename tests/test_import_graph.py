"""The package's modules import each other without a cycle.

The graph is read from the source with ``ast``, not from ``sys.modules``: an import inside a
function is an edge too (it is how a cycle hides from a plain ``import``). An import under
``if TYPE_CHECKING:`` is not: it never runs, and naming in an annotation the class that calls
you (``relay`` and ``RunStream``) is what that block is for. Relative imports are resolved; a
parent package's ``__init__``, which Python runs before any of its modules, is not an edge, or
every module would form a cycle with its package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import stateless_client

PACKAGE = Path(stateless_client.__file__).parent
ROOT = "stateless_client"


def _module_files() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for file in sorted(PACKAGE.rglob("*.py")):
        parts = (ROOT, *file.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = file
    return found


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _run_time_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` but those that only a type checker reads."""
    found, pending = [], [tree]
    while pending:
        node = pending.pop()
        found.append(node)
        if isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
        else:
            pending.extend(ast.iter_child_nodes(node))
    return found


def _imports(name: str, file: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``name`` imports when it runs, at module level or in a function."""
    is_package = file.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    targets: set[str] = set()
    for node in _run_time_nodes(ast.parse(file.read_text(encoding="utf-8"), str(file))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                # ``from pkg import mod`` imports the module; ``from mod import name`` the module.
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in modules else base)
    return {target for target in targets if target in modules and target != name}


def import_graph() -> dict[str, set[str]]:
    """Module name -> the package's modules it imports."""
    files = _module_files()
    return {name: _imports(name, file, set(files)) for name, file in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as ``[a, b, ..., a]``, or ``None`` if the graph is acyclic."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path = [start]
        on_path = {start}
        pending = [iter(sorted(graph[start]))]
        while pending:
            target = next(pending[-1], None)
            if target is None:
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                pending.pop()
                continue
            if target in on_path:
                return [*path[path.index(target):], target]
            if target not in done:
                path.append(target)
                on_path.add(target)
                pending.append(iter(sorted(graph[target])))
    return None


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert f"{ROOT}._exceptions" in graph and f"{ROOT}._http.transport" in graph  # the walk found the package
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def test_the_cycle_finder_names_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_function_local_and_relative_imports_are_edges_type_checking_ones_are_not(tmp_path: Path) -> None:
    source = ("from typing import TYPE_CHECKING\nfrom .b import f\nif TYPE_CHECKING:\n    from . import d\n\n"
              "def g():\n    from .. import top\n    import pkg.sub.c\n")
    file = tmp_path / "a.py"
    file.write_text(source)
    modules = {"pkg", "pkg.top", "pkg.sub", "pkg.sub.a", "pkg.sub.b", "pkg.sub.c", "pkg.sub.d"}
    assert _imports("pkg.sub.a", file, modules) == {"pkg.sub.b", "pkg.top", "pkg.sub.c"}
