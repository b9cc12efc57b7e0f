"""Only store/ knows the kinds of store (issue 17): every other module asks the store what it
can do (Store.indexes_in_process, Store.oxigraph, Store.graph_quads, Store.server_software)
or calls store/ to make one (as_store, in_memory_copy, repository_store), and never tests or
builds a kind itself. The checker reads the source (ast) and is tested on a toy package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "dutygraph"
KINDS = {"Store", "EmbeddedStore", "MemoryStore", "RemoteStore"}
# Modules other engineers own that still decide by kind; each names the store call to use.
KNOWN: dict[str, str] = {}


def _names(node: ast.expr) -> set[str]:
    if isinstance(node, ast.Tuple):
        return set().union(*(_names(e) for e in node.elts))
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    return set()


def kind_checks(root: Path, package: str) -> list[str]:
    """`isinstance(x, <a store kind>)`, `type(x)` compared with one, and a kind built (a call
    of EmbeddedStore, MemoryStore or RemoteStore), outside the package's store/."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(f"{package}/store/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id == "isinstance" and len(node.args) == 2 \
                        and _names(node.args[1]) & KINDS:
                    found.append(f"{rel}:{node.lineno} isinstance")
                elif node.func.id in KINDS - {"Store"}:
                    found.append(f"{rel}:{node.lineno} builds {node.func.id}")
            elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Call) \
                    and isinstance(node.left.func, ast.Name) and node.left.func.id == "type" \
                    and any(_names(c) & KINDS for c in node.comparators):
                found.append(f"{rel}:{node.lineno} type()")
    return found


def test_no_module_outside_the_store_layer_tests_or_builds_a_kind_of_store() -> None:
    left = [f for f in kind_checks(SRC, PACKAGE) if f.split(":")[0] not in KNOWN]
    assert left == []


TOY = {
    "isinstance with a kind": ("x = isinstance(s, EmbeddedStore)\n", ["isinstance"]),
    "isinstance with a tuple of kinds": ("x = isinstance(s, (int, store.MemoryStore))\n",
                                         ["isinstance"]),
    "type() compared with kinds": ("x = type(s) not in (EmbeddedStore, MemoryStore)\n",
                                   ["type()"]),
    "a kind built": ("s = EmbeddedStore(None)\n", ["builds EmbeddedStore"]),
    "a question put to the store": ("x = s.indexes_in_process() and s.oxigraph\n", []),
    "isinstance with a graph": ("x = isinstance(s, Graph)\n", []),
}


@pytest.mark.parametrize("case", sorted(TOY))
def test_the_checker_finds_exactly_the_kind_checks_of_a_package(case: str,
                                                                tmp_path: Path) -> None:
    text, expected = TOY[case]
    (tmp_path / "pkg" / "store").mkdir(parents=True)
    (tmp_path / "pkg" / "mod.py").write_text(text, encoding="utf-8")
    (tmp_path / "pkg" / "store" / "inside.py").write_text(text, encoding="utf-8")
    found = kind_checks(tmp_path, "pkg")
    assert [f.split(" ", 1)[1] for f in found] == expected
    assert all(f.startswith("pkg/mod.py:1 ") for f in found)
