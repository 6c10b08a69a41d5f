"""Failure injection for crash tests: kill this process at a named point, the hard way.

``MUSEION_FAILPOINT=name:N`` makes the N-th time the code reaches ``failpoint("name")`` send
SIGKILL to its own process — no cleanup, no finally blocks, exactly like a power cut or the
OOM killer. Unset (always, outside tests) it costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

__all__ = ["failpoint"]

_hits: Counter[str] = Counter()


def failpoint(name: str) -> None:
    spec = os.environ.get("MUSEION_FAILPOINT")
    if not spec:
        return
    target, _, count = spec.partition(":")
    if target != name:
        return
    _hits[name] += 1
    if _hits[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
