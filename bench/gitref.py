"""Files as a git commit had them: the baseline a benchmark runs beside today's code.

Apart from ``benchkit`` so that a measured child process that needs only these imports
nothing else (``benchkit`` loads the harvesters and mappings).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["file_at", "files_at"]

REPOSITORY = Path(__file__).resolve().parent.parent


def file_at(ref: str, path: str) -> bytes:
    """The file at ``path`` (from the repository's root) as git commit ``ref`` had it: the
    baseline a benchmark runs beside today's code."""
    return subprocess.run(
        ["git", "show", f"{ref}:{path}"], cwd=REPOSITORY, check=True, capture_output=True
    ).stdout


def files_at(ref: str, folder: str) -> list[str]:
    """The names of the files in ``folder`` at git commit ``ref``."""
    return subprocess.run(
        ["git", "ls-tree", "--name-only", f"{ref}:{folder}"],
        cwd=REPOSITORY,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
