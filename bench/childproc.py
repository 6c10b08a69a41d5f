"""One measured step of a benchmark, run in a child process: its wall seconds, CPU seconds,
peak RSS and what it printed.

Peak RSS is ``wait4``'s ``ru_maxrss`` of the child (tracemalloc does not see Oxigraph or
lxml). Standard library only: what the child imports is part of what it measures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu: float
    """User and system CPU seconds: less disturbed than wall seconds by a shared machine."""
    peak_rss: int
    """Bytes."""
    output: str


def run_measured(args: list[str], what: str, cwd: Path | None = None) -> Measured:
    """Run ``args``, wait for it and measure it; exit saying ``what`` failed if it fails."""
    started = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.PIPE, cwd=cwd)
    assert child.stdout is not None
    output = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if child.returncode:
        sys.exit(f"{what} failed")
    return Measured(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, output)
