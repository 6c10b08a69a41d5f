"""The source tree keeps its boundaries: IRIs come from the closed vocabulary, packages meet at
their ``__init__``, and dependencies point one way (stages → museion_core, shell → stages).

These read the source (``ast``), so a violation fails here, naming file and line, before it can
mint a mistyped IRI or tie two packages' internals together.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import museion_core
from museion_core.vocab import CRM_NS, DIG_NS, LA_NS, MUSEION_NS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(
    p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"
)
"""Museion's top-level packages (the shell ``museion``, the leaf ``museion_core``, the stages)."""
SCANNED = [*PACKAGES, "bench", "scripts"]
"""Where Python code may write IRIs: the packages and the command-line tools beside them."""

VOCABULARY = {"museion_core/vocab.py"}
"""The one module that writes the closed vocabularies' IRIs."""
NAMESPACES = (CRM_NS, LA_NS.removesuffix("terms/"), DIG_NS, MUSEION_NS)
CURIE = re.compile(r"(?<![\w:#./-])(crm|la|dig):[A-Za-z]")
"""A hand-written CIDOC-CRM, Linked Art or CRMdig prefixed name (``crm:P2_has_type``)."""


@dataclass(frozen=True)
class Found:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


def modules(roots: list[str]) -> Iterator[tuple[str, ast.Module]]:
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            yield relative, ast.parse(path.read_text(encoding="utf-8"), relative)


def docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes: prose may name ``crm:P2_has_type``; code may not."""
    found: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for statement in body:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                found.add(id(statement.value))
    return found


def hand_written_iris(path: str, tree: ast.Module) -> Iterator[Found]:
    prose = docstrings(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in prose:
            continue
        text = node.value
        if any(ns in text for ns in NAMESPACES) or CURIE.search(text):
            yield Found(path, node.lineno, text.strip()[:80])


TEXT = {
    "sparql/queries": "*.rq",
    "harvesters": "**/*.rq",
    "sparql/templates": "**/*",
    "museion/templates": "**/*",
    "mappings/data": "*.toml",
    "sparql/static": "**/*",
    "sparql/data": "**/*",
}
"""What users read besides Python: SPARQL files (their loaders add the ``PREFIX`` lines),
templates, mapping tables and the files served as they are."""
VOCABULARY_DATA = {"sparql/data/linked-art-context.json", "sparql/static/yasgui/yasgui.min.js"}
"""Published files copied whole: the Linked Art context (vocabulary data, with its licence) and
YASGUI (a third-party asset)."""


def text_files() -> Iterator[tuple[str, str]]:
    for folder, pattern in TEXT.items():
        for path in sorted((ROOT / folder).glob(pattern)):
            relative = path.relative_to(ROOT).as_posix()
            if path.is_file() and relative not in VOCABULARY_DATA:
                try:
                    yield relative, path.read_text(encoding="utf-8")
                except UnicodeDecodeError:  # an image
                    continue


def namespace_iris(path: str, text: str) -> Iterator[Found]:
    for number, line in enumerate(text.splitlines(), start=1):
        if any(ns in line for ns in NAMESPACES):
            yield Found(path, number, line.strip()[:80])


def imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Every absolute module a file imports (``from a.b import c`` gives ``a.b``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def test_no_hand_written_crm_or_linked_art_iri_outside_the_vocabulary() -> None:
    found = [
        str(hit)
        for path, tree in modules(SCANNED)
        if path not in VOCABULARY
        for hit in hand_written_iris(path, tree)
    ]
    assert not found, "IRIs or CURIEs written by hand; use museion_core.vocab:\n" + "\n".join(found)


def test_no_namespace_iri_in_queries_templates_or_data() -> None:
    """Issue 15: ``grep`` finds no CRM, Linked Art, CRMdig or Museion namespace IRI outside the
    vocabulary module (and test data, and the two published files copied whole)."""
    found = [str(hit) for path, text in text_files() for hit in namespace_iris(path, text)]
    assert not found, "namespace IRIs outside museion_core.vocab:\n" + "\n".join(found)


def test_packages_meet_at_their_init() -> None:
    """``from store.snapshots import manifest`` in sparql/ ties sparql to store's layout; the
    package's ``__init__`` (its ``__all__``) is the contract. ``museion_core``'s public modules
    are the contract of the leaf package."""
    public = {f"museion_core.{name}" for name in museion_core.PUBLIC_MODULES}
    found = []
    for path, tree in modules(PACKAGES):
        own = path.split("/", 1)[0]
        for line, module in imports(tree):
            top = module.split(".", 1)[0]
            if top in PACKAGES and top != own and "." in module and module not in public:
                found.append(f"{path}:{line}: imports {module}")
    assert not found, "imports past a package's __init__:\n" + "\n".join(found)


@pytest.mark.parametrize("package", [p for p in PACKAGES if p != "museion"])
def test_dependencies_point_one_way(package: str) -> None:
    """No stage imports the application shell; the leaf imports no Museion package at all."""
    forbidden = {p for p in PACKAGES if p != package} if package == "museion_core" else {"museion"}
    found = [
        f"{path}:{line}: imports {module}"
        for path, tree in modules([package])
        for line, module in imports(tree)
        if module.split(".", 1)[0] in forbidden
    ]
    assert not found, f"{package} must not import {sorted(forbidden)}:\n" + "\n".join(found)


def test_the_scan_sees_what_it_should() -> None:
    """The checks above would pass vacuously if the scan found nothing to check."""
    assert {"museion", "museion_core", "sparql", "store", "mappings"} <= set(PACKAGES)
    sample = ast.parse('X = "crm:P2_has_type"\nY = "' + CRM_NS + 'E21_Person"\n')
    assert len(list(hand_written_iris("sample.py", sample))) == 2
    assert not list(hand_written_iris("sample.py", ast.parse('"""See crm:P2_has_type."""')))
    scanned = {path for path, _ in text_files()}
    assert {"sparql/templates/object.html", "mappings/data/tate.toml"} <= scanned
    assert {"sparql/queries/01-objects-per-partner.rq", "sparql/static/ui.js"} <= scanned
    assert "harvesters/sparql/queries/construct.rq" in scanned
    assert not scanned & VOCABULARY_DATA
    assert len(list(namespace_iris("x.rq", f"PREFIX crm: <{CRM_NS}>\nPREFIX la: <{LA_NS}>"))) == 2
