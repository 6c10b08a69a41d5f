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


def tree_rss(root: int) -> tuple[int, int]:
    """(sum of VmRSS over ``root`` and its descendants, their count), in KiB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    total, count, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        count += 1
        except OSError:
            continue
    return total, count


def tree_cpu(root: int) -> dict[int, float]:
    """User and system CPU seconds of ``root`` and each of its descendants, by pid (each
    process's own, not its reaped children's: summed over samples taken while they run, a
    process is counted once)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    spent: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        spent[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        if pid in spent:
            found[pid] = spent[pid]
    return found


def thread_cpu(root: int) -> dict[tuple[int, int], tuple[str, float]]:
    """User and system CPU seconds of each thread of ``root`` and its descendants, by (pid,
    thread id), with what the thread does: ``ROCKSDB`` (RocksDB's background compactions and
    flushes, named ``rocksdb:…``), ``MAIN`` (any other thread of ``root``: Python's, and those
    Oxigraph's loader starts) or ``CHILDREN`` (a descendant's: the map workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[tuple[int, int], tuple[str, float]] = {}
    for pid in tree_cpu(root):
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat") as handle:
                    stat = handle.read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat.rsplit(")", 1)[1].split()
            what = ROCKSDB if name.startswith("rocksdb") else MAIN if pid == root else CHILDREN
            found[(pid, int(tid))] = (what, (int(fields[11]) + int(fields[12])) / ticks)
    return found


ROCKSDB = "RocksDB background"
MAIN = "the process"
CHILDREN = "its child processes"
