"""The package's layers, checked over its import graph (issue 17).

A newcomer reads the layers bottom-up: each module may import its own layer and those below,
never one above, never the developer tools, never a dev-only package, and no two modules may
import each other, directly or round a longer circle. The table below is the architecture; a
new top-level module or package must be placed in it (the test names any that is not).

Every import counts, also one inside a function: a lazy import still ties the two modules
together, it only hides the tie from the reader.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "dutygraph"

# Bottom to top. A module may import its own layer and the layers listed before it.
# The SPARQL guard and text helpers sit below the store, which refuses through them what no
# store may run; the limits (time, memory, workers, cache) wrap a store, so sit above it.
LAYERS: list[tuple[str, set[str]]] = [
    ("foundations", {"errors", "namespaces", "paths"}),
    ("reading RDF", {"rdfio", "terms", "datasets"}),
    ("SPARQL text", {"sparql"}),
    ("store", {"store"}),
    ("limits", {"limits"}),
    ("questions and checks", {"queries", "search", "validation", "amendments", "ask",
                              "workbook"}),
    ("interfaces", {"cli", "web"}),
]

# Top-level packages outside the product that no product module may import: the developer
# tools, and what only they (or only the tests) need.
FORBIDDEN = {"tools", "tests", "psutil", "matplotlib", "pyrudof", "pytest", "hypothesis",
             "selenium", "schemathesis"}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, dotted
    target: str  # the imported module, dotted (a package's __init__ is the package's name)
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package under root, by dotted name."""
    return {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}


def _absolute(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = name.split(".") if is_package else name.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(root: Path, package: str) -> Iterator[Import]:
    """Each import in the package, resolved to the module it loads (a `from package import
    submodule` names the submodule, a `from package import name` the package)."""
    known = modules(root, package)
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(name, alias.name, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                target = _absolute(node, name, is_package)
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    yield Import(name, sub if sub in known else target, node.lineno)


def top(name: str, package: str) -> str | None:
    """The top-level module or package of a dotted product name (None: the package itself)."""
    parts = name.split(".")
    return parts[1] if parts[0] == package and len(parts) > 1 else None


def layer_of(name: str, package: str, layers: list[tuple[str, set[str]]]) -> int | None:
    head = top(name, package)
    for index, (_, members) in enumerate(layers):
        if head in members:
            return index
    return None


def unplaced(root: Path, package: str, layers: list[tuple[str, set[str]]]) -> list[str]:
    """Top-level modules and packages the layer table does not name."""
    heads = {top(name, package) for name in modules(root, package)} - {None}
    placed = set().union(*(members for _, members in layers))
    return sorted(h for h in heads if h is not None and h not in placed)


def upward(root: Path, package: str, layers: list[tuple[str, set[str]]]) -> list[str]:
    """Imports of a layer above the importer's, one line each."""
    found = set()
    for imp in imports(root, package):
        low, high = layer_of(imp.source, package, layers), layer_of(imp.target, package, layers)
        if low is not None and high is not None and high > low:
            found.add(f"{imp.source}:{imp.line} ({layers[low][0]}) imports {imp.target} "
                      f"({layers[high][0]})")
    return sorted(found)


def forbidden(root: Path, package: str, names: set[str]) -> list[str]:
    return sorted({f"{imp.source}:{imp.line} imports {imp.target}"
                   for imp in imports(root, package) if imp.target.split(".")[0] in names})


def circles(root: Path, package: str) -> list[list[str]]:
    """Each import circle among the package's modules (a strongly connected component of more
    than one module, or a module importing itself), found with Tarjan's algorithm."""
    graph: dict[str, set[str]] = {name: set() for name in modules(root, package)}
    for imp in imports(root, package):
        if imp.target in graph:
            graph[imp.source].add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
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
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


# --- the product ---------------------------------------------------------------------------

def test_every_top_level_module_of_the_package_has_a_place_in_the_layer_table() -> None:
    assert unplaced(SRC, PACKAGE, LAYERS) == []


def test_no_module_imports_a_layer_above_its_own() -> None:
    assert upward(SRC, PACKAGE, LAYERS) == []


def test_no_module_imports_the_developer_tools_or_a_dev_only_package() -> None:
    assert forbidden(SRC, PACKAGE, FORBIDDEN) == []


def test_no_modules_import_each_other_round_a_circle() -> None:
    assert circles(SRC, PACKAGE) == []


# --- the checker itself, on small invented packages ----------------------------------------

def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


TOY_LAYERS: list[tuple[str, set[str]]] = [("low", {"low"}), ("mid", {"mid"}),
                                          ("high", {"high"})]
BASE = {"__init__.py": "", "low.py": "", "mid/__init__.py": "", "mid/a.py": "",
        "high.py": "from . import mid\n"}

UPWARD_CASES = {
    "an absolute import at the top": ({"low.py": "import pkg.high\n"}, ["pkg.low:1"]),
    "a relative import inside a function": (
        {"mid/a.py": "def f():\n    from ..high import x\n"}, ["pkg.mid.a:2"]),
    "a submodule named through its package": (
        {"low.py": "from .mid import a\n"}, ["pkg.low:1"]),
    "nothing: downward and sideways imports only": (
        {"mid/a.py": "from .. import low\nfrom . import b\n", "mid/b.py": ""}, []),
}


@pytest.mark.parametrize("case", list(UPWARD_CASES))
def test_the_checker_reports_exactly_the_upward_imports_of_a_package(case: str,
                                                                      tmp_path: Path) -> None:
    files, expected = UPWARD_CASES[case]
    root = _package(tmp_path, {**BASE, **files})
    assert [line.split(" ")[0] for line in upward(root, "pkg", TOY_LAYERS)] == expected


CIRCLE_CASES = {
    "two modules, one import lazy": (
        {"mid/a.py": "from . import b\n", "mid/b.py": "def f():\n    from . import a\n"},
        [["pkg.mid.a", "pkg.mid.b"]]),
    "three modules round a ring": (
        {"mid/a.py": "from . import b\n", "mid/b.py": "from . import c\n",
         "mid/c.py": "from .a import x\n"}, [["pkg.mid.a", "pkg.mid.b", "pkg.mid.c"]]),
    "a chain is not a circle": (
        {"mid/a.py": "from . import b\n", "mid/b.py": "from .. import low\n"}, []),
}


@pytest.mark.parametrize("case", list(CIRCLE_CASES))
def test_the_checker_finds_exactly_the_import_circles_of_a_package(case: str,
                                                                   tmp_path: Path) -> None:
    files, expected = CIRCLE_CASES[case]
    root = _package(tmp_path, {**BASE, **files})
    assert circles(root, "pkg") == expected


def test_the_checker_names_a_module_the_table_leaves_out_and_a_forbidden_import(
        tmp_path: Path) -> None:
    root = _package(tmp_path, {**BASE, "extra.py": "import tools.bench\nimport os\n"})
    assert unplaced(root, "pkg", TOY_LAYERS) == ["extra"]
    assert forbidden(root, "pkg", {"tools"}) == ["pkg.extra:1 imports tools.bench"]
