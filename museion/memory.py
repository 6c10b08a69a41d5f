"""The process's memory allocator: how many malloc arenas its threads may spread over.

glibc gives each thread that allocates an arena of its own, up to eight per core, and memory
freed in one arena is not reused by the others. A harvest runs RocksDB's and the bulk
loader's threads, and the search build's and reconciliation's query threads: uncapped, a
first harvest of 100,000 records peaked at 654 and 664 MB where one of 10,000 peaked at about
430 MB. With two arenas the same harvest peaked at 510 and 533 MB, and took about a tenth
longer; with four, at 703 and 777 MB (README, Scale). So the cap is two, however many cores:
an operator who would rather spend memory than time sets ``MALLOC_ARENA_MAX`` (to 8 times the
cores, glibc's own default).

The cap is set once, at start-up, before any thread allocates; an arena already made stays.
An operator's own ``MALLOC_ARENA_MAX`` wins, and other C libraries (musl, macOS) are left alone.
Giving freed pages back to the system is ``museion_core.malloc.release_free_memory``.
"""

from __future__ import annotations

import ctypes
import os

from museion_core.malloc import glibc

__all__ = ["ARENAS", "ARENA_ENV", "M_ARENA_MAX", "cap_malloc_arenas"]

ARENA_ENV = "MALLOC_ARENA_MAX"
"""glibc's own environment variable for the cap, read when the process starts."""

ARENAS = 2
"""The arenas Museion allows its process, unless the environment says otherwise."""

M_ARENA_MAX = -8
"""``mallopt``'s parameter number for the cap (glibc's ``malloc.h``)."""


def cap_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process; True if the cap was set here.

    Nothing is set when the C library is not glibc or the environment already names a cap.
    """
    libc = glibc()
    if libc is None or os.environ.get(ARENA_ENV):
        return False
    mallopt = libc.mallopt
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    done: int = mallopt(M_ARENA_MAX, arenas)
    return done == 1
