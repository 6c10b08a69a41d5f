"""No code of the project imports a standard-library module that a newer Python removed.

Python 3.12 removed ``distutils``, ``imp``, ``asynchat``, ``asyncore`` and ``smtpd``; 3.13
removed the "dead batteries" of PEP 594 (``cgi``, ``imghdr``, ``telnetlib`` and the rest) and
``lib2to3``. The suite runs on 3.11, where they still import, so only reading the imports tells
whether the code would run on 3.13 (``make test-newest`` runs the suite there).
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

ROOT = Path(__file__).parents[2]
# fmt: off
REMOVED = frozenset({
    "aifc", "asynchat", "asyncore", "audioop", "cgi", "cgitb", "chunk", "crypt", "distutils",
    "imghdr", "imp", "lib2to3", "mailcap", "msilib", "nis", "nntplib", "ossaudiodev", "pipes",
    "smtpd", "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib",
})
# fmt: on
SKIP = {".venv", ".venv-newest", ".git", "node_modules", "build", "dist"}


def imported_modules(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (  # importlib.import_module("name") and __import__("name")
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and ast.unparse(node.func) in ("importlib.import_module", "import_module", "__import__")
        ):
            names.add(node.args[0].value.split(".")[0])
    return names


def project_sources() -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in SKIP and not d.startswith(".")]
        found += [Path(folder) / name for name in files if name.endswith(".py")]
    return sorted(found)


def test_no_module_removed_in_python_3_12_or_3_13_is_imported() -> None:
    sources = project_sources()
    assert len(sources) > 100  # the whole project was read, not an empty folder
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in sources
        for name in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if name in REMOVED
    }
    assert not found, f"modules removed from newer Pythons: {sorted(found)}"


def test_the_check_sees_each_kind_of_import() -> None:
    tree = ast.parse(
        "import cgi.x\nfrom imghdr import what\nimport importlib\nimportlib.import_module('uu')"
    )
    assert {"cgi", "imghdr", "uu"} <= imported_modules(tree)
