"""``museion`` run as a user runs it: a child process, its output captured as text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def museion(
    *args: str, cwd: Path | None = None, columns: int = 200, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``python -m museion ARGS`` in a child process, without colours and ``columns`` wide
    (a table's cells and a message's line whole), not raising on a non-zero exit."""
    return subprocess.run(
        [sys.executable, "-m", "museion", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"},
        timeout=timeout,
        check=False,
    )
