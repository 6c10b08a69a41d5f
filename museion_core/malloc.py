"""Giving the pages glibc's malloc holds free back to the system (``malloc_trim``).

Freed memory stays in malloc's heaps, where the next allocations of the same arena may
reuse it, or not: the search build's query threads free what each query's evaluation
allocated, and RSS kept it. ``museion.memory`` caps the arenas; this is the one trim, which
the pipeline (``museion.writing``) and the packages below it call. Other C libraries (musl,
macOS) are left alone.
"""

from __future__ import annotations

import ctypes
import platform

__all__ = ["glibc", "release_free_memory"]


def release_free_memory() -> bool:
    """Give the pages malloc holds free back to the system; True if any went back.

    A run's bulk loads free what they built in the middle of the heaps, where malloc keeps
    it: capped, a 100,000-record harvest held 530 MB through the compaction and the search
    build after its last load, and 400 MB trimmed (README, Scale)."""
    libc = glibc()
    if libc is None:
        return False
    trim = libc.malloc_trim
    trim.argtypes = (ctypes.c_size_t,)
    trim.restype = ctypes.c_int
    released: int = trim(0)
    return released == 1


def glibc() -> ctypes.CDLL | None:
    """glibc, if it is this process's C library."""
    if platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None
