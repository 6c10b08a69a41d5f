"""publish/ is a stage: importing it loads no part of the application shell (ARCHITECTURE §9)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import publish
shell = sorted(m for m in sys.modules if m == "museion" or m.startswith("museion."))
print(" ".join(shell))
"""


def test_publish_never_imports_the_shell() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout.strip() == ""
