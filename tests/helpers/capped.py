"""Run the ``museion`` command line under an address-space cap and report its peak RSS.

``python -m tests.helpers.capped LIMIT_MB RSS_FILE ARGS...``: a regression that makes memory
grow fails with a MemoryError (or is killed) at the cap instead of eating the machine, and the
peak resident set size (what the kernel saw, libxml2 and Oxigraph included, unlike tracemalloc)
is written to RSS_FILE in KiB when the process ends.
"""

from __future__ import annotations

import atexit
import resource
import sys
from pathlib import Path


def _write_peak(path: Path) -> None:
    path.write_text(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss), encoding="utf-8")


def run(argv: list[str]) -> None:
    limit_mb, rss_file, *args = argv
    cap = int(limit_mb) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    atexit.register(_write_peak, Path(rss_file))
    from museion.cli import main

    main(args, prog_name="museion")


if __name__ == "__main__":
    run(sys.argv[1:])
