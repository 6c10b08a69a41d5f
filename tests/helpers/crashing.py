"""A mapping that fails on one chosen record: it raises, or kills the process mapping it.

It wraps a real mapping and is picklable (a module-level dataclass), so map workers receive it
like any shipped mapping. It never kills the process that made it (the test's own): there it
raises instead, so a mistake in a test cannot take pytest down.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from typing import Any

from harvesters import SourceRecord
from mappings import Mapping, MappingContext, MappingResult


@dataclass
class CrashingMapping:
    inner: Mapping
    crash_on: str
    """The local id of the record it fails on."""
    kill: bool = False
    """Kill the worker process (SIGKILL) rather than raise."""
    parent: int = field(default_factory=os.getpid)

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def version(self) -> str:
        return self.inner.version

    def identify(self, record: Any) -> str:
        return self.inner.identify(record)

    def map(self, record: SourceRecord, context: MappingContext) -> MappingResult:
        if record.local_id == self.crash_on:
            if self.kill and os.getpid() != self.parent:
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError(f"cannot cope with {record.local_id}")
        return self.inner.map(record, context)
