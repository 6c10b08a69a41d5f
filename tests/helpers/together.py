"""A real Oxigraph store (in memory) whose next queries, once armed, each wait for the other:
a test that asks for them with the code under test fails (a broken barrier) unless that code
asks them at once, in threads."""

from __future__ import annotations

import threading
from typing import Any

from store import QueryResult, Store

WAIT = 30.0
"""Seconds a query waits for the other: a failure when they do not run at once, never a
timing the test depends on."""


class TwoAtOnce(Store):
    """``arm()``: the next two queries (``query`` or ``select``) must be running together."""

    def __init__(self) -> None:
        super().__init__()
        self.together = threading.Barrier(2, timeout=WAIT)
        self.armed = 0
        self.lock = threading.Lock()

    def arm(self) -> None:
        self.together.reset()
        self.armed = 2

    def query(self, sparql: str, **options: Any) -> QueryResult:
        with self.lock:
            wait, self.armed = self.armed > 0, max(0, self.armed - 1)
        if wait:
            self.together.wait()
        return super().query(sparql, **options)
