"""Print the import graph between Museion's top-level packages, as the README shows it.

    python scripts/import_graph.py           # print the graph
    python scripts/import_graph.py --write   # rewrite the README's copy (between its markers)

The packages are the top-level ones pyproject lists; an edge A → B means some module of A
imports B (at any depth, also under TYPE_CHECKING). tests/museion/test_readme.py checks that
the README's copy is what this prints, so the documented layout cannot drift from the code.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BEGIN = "<!-- import graph: python scripts/import_graph.py --write -->"
END = "<!-- end of import graph -->"


def packages() -> list[str]:
    """The top-level import packages of the distribution, from pyproject."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = data["tool"]["setuptools"]["packages"]
    return sorted({name.split(".")[0] for name in listed})


def imported(path: Path) -> set[str]:
    """The top-level names a module imports absolutely (relative imports stay inside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def graph() -> dict[str, list[str]]:
    """Package → the other top-level packages it imports, both sorted."""
    known = packages()
    edges: dict[str, list[str]] = {}
    for package in known:
        used: set[str] = set()
        for path in (ROOT / package).rglob("*.py"):
            used |= imported(path)
        edges[package] = sorted(used & set(known) - {package})
    return edges


def render() -> str:
    """The graph as the README's fenced block: leaves last, one line per package."""
    edges = graph()
    width = max(map(len, edges))
    order = sorted(edges, key=lambda p: (-len(edges[p]), p))
    lines = [f"{p.ljust(width)} → {', '.join(edges[p]) or '(nothing: a leaf)'}" for p in order]
    return "```text\n" + "\n".join(lines) + "\n```"


def write() -> None:
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, found, tail = rest.partition(END)
    if not rest or not found:
        raise SystemExit(f"README.md has no {BEGIN!r} … {END!r} markers")
    README.write_text(f"{head}{BEGIN}\n{render()}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        print(render())
