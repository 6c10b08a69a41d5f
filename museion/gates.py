"""When a staged run may be published (its source's gates), and how failed sources are told.

Kept apart from the pipeline that applies them: these are the rules a partner reads about
(README, "Runs, gates and publishing"), the pipeline is the machinery.
"""

from __future__ import annotations

from museion_core import messages
from museion_core.errors import HarvestError
from publish import HarvestSummary

from .config import SourceConfig

__all__ = ["SourcesFailedError", "gate"]


def gate(summary: HarvestSummary, source: SourceConfig) -> str | None:
    """Why a staged run may not be published, or None when it passes its source's gates."""
    before, after = summary.records_before, summary.records_after
    limit = source.gates.max_record_drop
    if before and (before - after) / before > limit:
        return messages.GATE_RECORD_DROP(
            source=source.name,
            before=before,
            after=after,
            drop=f"{(before - after) / before:.0%}",
            limit=f"{limit:.0%}",
        )
    limit = source.gates.max_quarantined
    if summary.read and summary.rejected / summary.read > limit:
        return messages.GATE_QUARANTINED(
            rejected=summary.rejected,
            read=summary.read,
            share=f"{summary.rejected / summary.read:.0%}",
            limit=f"{limit:.0%}",
        )
    return None


class SourcesFailedError(HarvestError):
    """Sources whose harvest failed; the others were harvested and published all the same.

    One failing partner (a repository that never ends, a server that is down) must not keep
    the rest from being harvested, so the failures are gathered and raised at the end, one line
    each, after the writer lock is released."""

    def __init__(self, failures: list[HarvestError], summaries: list[HarvestSummary]) -> None:
        self.failures = failures
        self.summaries = summaries
        """What the sources that did not fail did."""
        super().__init__(
            "; ".join(f.one_line() for f in failures),
            source=None,
        )
        if len(failures) == 1:
            self.source, self.record = failures[0].source, failures[0].record
