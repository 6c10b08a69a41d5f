"""The process's memory allocator: how many malloc arenas its threads may spread over.

glibc gives each thread that allocates an arena of its own, up to eight per core, and memory
freed in one arena is not reused by the others. A harvest runs RocksDB's background threads,
the search build's and reconciliation's query threads: uncapped, a first harvest of 100,000
records peaked at about 700 MB where one of 10,000 peaked at 430 MB. With one arena per core
(at least two) the same harvest peaks near 520 MB (README, Scale).

The cap is set once, at start-up, before any thread allocates; an arena already made stays.
An operator's own ``MALLOC_ARENA_MAX`` wins, and other C libraries (musl, macOS) are left alone.
"""

from __future__ import annotations

import ctypes
import os
import platform

__all__ = ["ARENA_ENV", "M_ARENA_MAX", "arena_cap", "cap_malloc_arenas"]

ARENA_ENV = "MALLOC_ARENA_MAX"
"""glibc's own environment variable for the cap, read when the process starts."""

M_ARENA_MAX = -8
"""``mallopt``'s parameter number for the cap (glibc's ``malloc.h``)."""


def arena_cap(cpus: int | None = None) -> int:
    """The arenas Museion allows: one per core, and never fewer than two."""
    return max(2, cpus if cpus is not None else (os.cpu_count() or 1))


def cap_malloc_arenas(arenas: int | None = None) -> bool:
    """Cap glibc's malloc arenas for this process; True if the cap was set here.

    Nothing is set when the C library is not glibc or the environment already names a cap.
    """
    if os.environ.get(ARENA_ENV) or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return False
    mallopt = libc.mallopt
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    done: int = mallopt(M_ARENA_MAX, arena_cap() if arenas is None else arenas)
    return done == 1
