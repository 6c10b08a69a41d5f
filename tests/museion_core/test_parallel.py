"""``museion_core.parallel.gathered``: producers in threads, one consumer. Each test would hang
or fail if the producers ran one after another, lost an item or order, swallowed an error, or
were left running when the consumer stops."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from museion_core.parallel import gathered, usable_cpus

WAIT = 30.0
"""Seconds a barrier waits for the other producer (a failure, never a timing)."""


def _running() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("gathered-")]


def test_every_item_comes_once_and_each_task_keeps_its_order() -> None:
    def produce(task: str) -> Iterator[tuple[str, int]]:
        for n in range(500):
            yield task, n

    items = list(gathered(["a", "b", "c", "d", "e"], produce, threads=3))
    assert len(items) == 2_500
    for task in "abcde":
        assert [n for t, n in items if t == task] == list(range(500))
    assert not _running()


def test_the_producers_run_at_once() -> None:
    together = threading.Barrier(2, timeout=WAIT)  # broken unless two tasks are produced at once

    def produce(task: int) -> Iterator[int]:
        together.wait()
        yield task

    assert sorted(gathered([1, 2], produce, threads=2)) == [1, 2]


def test_one_thread_produces_in_the_caller() -> None:
    caller = threading.current_thread()

    def produce(task: int) -> Iterator[threading.Thread]:
        yield threading.current_thread()

    assert list(gathered([1, 2, 3], produce, threads=1)) == [caller] * 3


class _Endless:
    """A producer of far more items than the queue holds, counting what it made."""

    def __init__(self) -> None:
        self.made = 0
        self.lock = threading.Lock()

    def __call__(self, _task: object) -> Iterator[int]:
        for n in range(1_000_000):
            with self.lock:
                self.made += 1
            yield n


def test_a_producers_error_is_raised_to_the_consumer_and_stops_the_others() -> None:
    endless = _Endless()

    def produce(task: str) -> Iterator[int]:
        if task == "bad":
            raise ValueError("the query failed")
        return endless(task)

    with pytest.raises(ValueError, match="the query failed"):
        list(gathered(["endless", "bad", "endless"], produce, threads=3))
    assert not _running()
    assert endless.made < 100_000  # stopped, not run to the end and thrown away


class _Panic(BaseException):
    """What pyo3 raises for a Rust panic (``pyo3_runtime.PanicException``): not an Exception."""


def test_a_producers_error_leaves_its_query_results_on_its_own_thread() -> None:
    """pyoxigraph's results may be dropped only on the thread that made them. A producer's
    error reached the consumer with its frames, and the consumer dropped the results they
    held ("QuerySolutions is unsendable, but is being dropped on another thread")."""
    from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, Store

    store = Store()
    node = NamedNode("https://x.example/s")
    store.add(Quad(node, node, Literal("o")))

    def produce(task: str) -> Iterator[str]:
        results = store.query("SELECT ?s WHERE { ?s ?p ?o }")
        assert isinstance(results, QuerySolutions)
        for _row in results:
            raise ValueError(f"{task} failed")
        yield task

    gc.collect()
    gc.disable()  # what is left alive by reference, not what a collection would free
    try:
        with pytest.raises(ValueError, match="failed"):
            list(gathered(["a", "b"], produce, threads=2))
        left = [o for o in gc.get_objects() if isinstance(o, QuerySolutions)]
    finally:
        gc.enable()
    assert left == []


def test_a_producer_that_panics_fails_the_consumer_rather_than_hanging_it() -> None:
    def produce(task: int) -> Iterator[int]:
        if task == 1:
            raise _Panic("called `Option::unwrap()` on a `None` value")
        yield from range(100_000)

    raised: list[BaseException] = []

    def consume() -> None:
        try:
            list(gathered(range(3), produce, threads=3))
        except _Panic as exc:
            raised.append(exc)

    consumer = threading.Thread(target=consume, daemon=True)  # a hang fails, not blocks
    consumer.start()
    consumer.join(WAIT)
    assert not consumer.is_alive(), "the consumer still waits for the producer that panicked"
    assert len(raised) == 1


def test_a_consumer_that_leaves_early_stops_the_producers() -> None:
    endless = _Endless()
    items = gathered([1, 2], endless, threads=2)
    assert next(items) == 0
    items.close()  # what a break out of a for loop does
    assert not _running()
    assert endless.made < 1_000  # a queue's worth, not a million


def test_usable_cpus_is_at_least_one() -> None:
    assert usable_cpus() >= 1
