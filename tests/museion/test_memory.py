"""The malloc arena cap the CLI sets before a command starts its threads (museion.memory).

glibc's ``malloc_stats`` prints one "Arena N:" block per arena, so a child process that runs
the CLI's group callback and then has eight threads allocate at once shows how many arenas
they were spread over: eight or more without the cap, at most the cap with it. And the trim
the pipeline calls once a run is applied gives freed pages back to the system.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import textwrap

import pytest

from museion.memory import ARENAS

pytestmark = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's"
)

THREADS = 8

CHILD = textwrap.dedent(
    f"""
    import ctypes, threading
    from museion.cli import main

    # A command run as the CLI runs it; its config is missing, so it stops once it has begun.
    try:
        main(["-c", "no-such-museion.toml", "stats"], standalone_mode=False)
    except (Exception, SystemExit):
        pass

    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = (ctypes.c_size_t,)
    barrier = threading.Barrier({THREADS})
    def allocate() -> None:
        barrier.wait()  # all threads alive at once, so none inherits a freed arena
        libc.malloc(64 * 1024)
        barrier.wait()
    threads = [threading.Thread(target=allocate) for _ in range({THREADS})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    libc.malloc_stats()
    """
)


def _arenas(env: dict[str, str]) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=True
    )
    return len(re.findall(r"^Arena \d+:", done.stderr, re.MULTILINE))


def test_the_cli_caps_the_arenas_its_threads_spread_over() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    assert 1 <= _arenas(env) <= ARENAS


def test_an_operators_own_cap_wins() -> None:
    env = dict(os.environ, MALLOC_ARENA_MAX="1")
    assert _arenas(env) == 1


RELEASE = textwrap.dedent(
    """
    import ctypes
    from museion_core.malloc import release_free_memory

    def rss() -> int:
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmRSS")) * 1024

    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = (ctypes.c_size_t,)
    libc.free.argtypes = (ctypes.c_void_p,)
    libc.memset.argtypes = (ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t)
    blocks = [libc.malloc(4096) for _ in range(50_000)]  # 200 MB in small blocks
    for block in blocks:
        libc.memset(block, 1, 4096)
    for block in blocks[:-1]:  # the last one stays: malloc cannot just lower its heap's top
        libc.free(block)
    before = rss()
    release_free_memory()
    print(before - rss())
    """
)


def test_free_memory_goes_back_to_the_system() -> None:
    """What a bulk load freed in the middle of a heap stays in the process until trimmed."""
    done = subprocess.run(
        [sys.executable, "-c", RELEASE], capture_output=True, text=True, check=True
    )
    assert int(done.stdout) > 150 * 2**20


def test_the_trim_has_one_home() -> None:
    """``museion.memory`` wrapped the leaf package's trim (and its glibc lookup) under the same
    names: two places to change for one function. The pipeline calls the leaf's own."""
    import museion.memory
    import museion.writing
    import museion_core.malloc

    assert not hasattr(museion.memory, "release_free_memory")
    assert not hasattr(museion.memory, "_glibc")
    trim = vars(museion.writing)["release_free_memory"]  # the name the pipeline calls
    assert trim is museion_core.malloc.release_free_memory
