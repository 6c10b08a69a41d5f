"""Work spread over the CPUs this process may use, for stages whose time is spent in Oxigraph.

pyoxigraph lets go of the GIL while it evaluates a query, so several queries over one store run
at once in threads of one process: no second copy of the store's caches, no pickling of rows.
``gathered`` runs a few such producers and hands their output to one consumer (the thread that
writes, since an SQLite connection stays in the thread that opened it), through a short queue:
memory holds a few chunks, never a query's whole answer.
"""

from __future__ import annotations

import os
import queue
import threading
import traceback
from collections.abc import Callable, Generator, Iterable
from itertools import islice
from typing import TypeVar

__all__ = ["gathered", "usable_cpus"]

T = TypeVar("T")
R = TypeVar("R")

_DEPTH = 4
"""Chunks waiting per producer before it pauses for the consumer."""


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class _Done:
    """A producer's last word: it has no more tasks (``error``: it stopped on this one)."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def gathered(
    tasks: Iterable[T], produce: Callable[[T], Iterable[R]], threads: int
) -> Generator[R, None, None]:
    """What ``produce`` makes of each task, taken up by up to ``threads`` threads at once.

    Each task is produced by one thread, so its items come in their own order; the items of
    different tasks interleave. A producer's exception is raised here, in the consumer, and
    stops the others at their next item; so does the consumer's leaving early. With one
    thread (or one task) nothing is started: the tasks are produced here, one after another.
    """
    pending = iter(tasks)
    if threads <= 1:
        for task in pending:
            yield from produce(task)
        return
    lock = threading.Lock()
    stop = threading.Event()
    out: queue.Queue[R | _Done] = queue.Queue(maxsize=_DEPTH * threads)

    def work() -> None:
        try:
            while not stop.is_set():
                with lock:
                    task = list(islice(pending, 1))
                if not task:
                    break
                for item in produce(task[0]):
                    if stop.is_set():
                        break
                    out.put(item)
        except BaseException as exc:  # handed to the consumer, which raises it: a Rust
            # panic in pyoxigraph is a BaseException, and a producer that left without its
            # last word would keep the consumer waiting for ever.
            # Its frames' locals go here, on this thread: a producer's frame may hold a
            # pyoxigraph iterator, which may only be dropped on the thread that made it, and
            # the consumer would drop it with the error ("… is unsendable").
            traceback.clear_frames(exc.__traceback__)
            out.put(_Done(exc))
            return
        out.put(_Done())

    workers = [threading.Thread(target=work, name=f"gathered-{n}") for n in range(threads)]
    for worker in workers:
        worker.start()
    running = len(workers)
    try:
        while running:
            item = out.get()
            if not isinstance(item, _Done):
                yield item
                continue
            running -= 1
            if item.error is not None:
                raise item.error
    finally:
        stop.set()
        while running:  # let every producer past a full queue, then wait for it
            if isinstance(out.get(), _Done):
                running -= 1
        for worker in workers:
            worker.join()
