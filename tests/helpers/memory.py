"""Peak memory of work done in a subprocess: its resident set's high-water mark (``VmHWM``).

``tracemalloc`` sees only Python's own allocations: libxml2's trees, pyoxigraph's and every
other C library's memory are invisible to it — a LIDO reader that kept every element passed a
tracemalloc test while growing by 1.45 GB. The kernel's count of the process's pages sees
everything, and a fresh process measures one piece of work, not what the test run did before.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

__all__ = ["MIB", "peak_rss"]

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024

_REPORT = """
import json as _json, re as _re
with open("/proc/self/status") as _status:
    _peak = int(_re.search(r"VmHWM:\\s+(\\d+) kB", _status.read()).group(1)) * 1024
print("\\n" + _json.dumps({"peak": _peak, "result": result}))
"""


def peak_rss(script: str, *args: str, timeout: float = 600) -> tuple[object, int]:
    """Run ``script`` (Python source that sets ``result`` to something JSON can hold) with
    ``args`` as ``sys.argv[1:]`` in a new interpreter; return ``result`` and the process's peak
    RSS in bytes. A failing script fails with its stderr."""
    done = subprocess.run(
        [sys.executable, "-c", script + "\n" + _REPORT, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"the measured script failed ({done.returncode}):\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["result"], int(report["peak"])
