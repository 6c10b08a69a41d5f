"""When a staged run may be published (its source's gates), and how failed sources are told.

Kept apart from the pipeline that applies them: these are the rules a partner reads about
(README, "Runs, gates and publishing"), the pipeline is the machinery.
"""

from __future__ import annotations

from collections import Counter

from museion_core import messages
from museion_core.errors import HarvestError, MuseionError, StoreError, system_refusal
from publish import HarvestSummary, RecordIndex, Run

from .config import SourceConfig
from .coverage import fields_read_by

__all__ = ["FIELD_LOSS_MIN", "PublishFailedError", "SourcesFailedError", "field_loss", "gate"]

FIELD_LOSS_MIN = 10
"""Changed records that must have lost a field before ``gates.max_field_loss`` holds a run: a
partner who clears a note in a few records is editing, not losing a column."""


_GONE = {
    (False, False): messages.GATE_RECORDS_GONE,
    (False, True): messages.GATE_RECORDS_GONE_ONE_NEW,
    (True, False): messages.GATE_RECORD_GONE,
    (True, True): messages.GATE_RECORD_GONE_ONE_NEW,
}
"""The reason for records gone while new ones came in, by (one gone, one new): its English
agrees with its counts ("1 record ... is", "1 new one came in")."""


def gate(summary: HarvestSummary, source: SourceConfig) -> str | None:
    """Why a staged run may not be published, or None when it passes its source's gates."""
    before, after = summary.records_before, summary.records_after
    limit, least = source.gates.max_record_drop, source.gates.min_records
    if before and (before - after) / before > limit and _many(before - after, before, least):
        dropped = messages.GATE_RECORD_DROP_TO_ONE if after == 1 else messages.GATE_RECORD_DROP
        return dropped(
            source=source.name,
            before=before,
            after=after,
            drop=f"{(before - after) / before:.0%}",
            limit=f"{limit:.0%}",
        )
    gone = summary.absent
    if before and gone / before > limit and summary.new and _many(gone, before, least):
        # As many new records as are gone: the net count hides a feed whose ids were renumbered
        # ("MG-1890-001" to "MG.1890.001"), which would leave every IRI a tombstone.
        return _GONE[summary.absent == 1, summary.new == 1](
            source=source.name,
            gone=summary.absent,
            before=before,
            new=summary.new,
            share=f"{summary.absent / before:.0%}",
            limit=f"{limit:.0%}",
        )
    limit = source.gates.max_quarantined
    # Of the source's records, not of those an incremental harvest read: one broken record
    # among the three a partner changed today is not two thirds of its feed.
    total = max(summary.read, after)
    if total and summary.rejected / total > limit and _many(summary.rejected, total, least):
        one = summary.rejected == 1
        return (messages.GATE_QUARANTINED_ONE if one else messages.GATE_QUARANTINED)(
            rejected=summary.rejected,
            read=total,
            share=f"{summary.rejected / total:.0%}",
            limit=f"{limit:.0%}",
        )
    if _nothing_read(summary):
        return messages.GATE_NOTHING_READ()
    return None


def _nothing_read(summary: HarvestSummary) -> bool:
    """Whether the run read nothing: every part of its feed could not be read at all (an
    upload whose only file is a PDF, empty, or undecodable), and no record came of the rest.
    One such file is one quarantined "record", too small a share of a source of 50 records for
    the quarantine gate, and the run was published: "published", with nothing in it. An
    incremental harvest whose one changed record is quarantined read a record: it passes."""
    if not summary.read or summary.rejected < summary.read:
        return False
    held = messages.WITHDRAWALS_HELD.pattern()
    return any(held.fullmatch(text) for text in summary.warnings)


def _many(count: int, whole: int, least: int) -> bool:
    """Whether ``count`` records of ``whole`` are enough for a share gate to hold a run: at
    least ``gates.min_records``, or every one of them (a feed that would leave the source
    empty, or of which no record could be read). A share of a tiny source is one row: 1 of 9
    quarantined is 11%, 1 of 8 withdrawn 12.5%, and neither is a broken export."""
    return count >= least or count == whole


def field_loss(index: RecordIndex, run: Run, source: SourceConfig) -> str | None:
    """Why ``run`` may not be published if its changed records leave empty a field the mapping
    reads, which more than ``gates.max_field_loss`` of the source's records that filled it
    filled (and at least ``FIELD_LOSS_MIN``), else None. A column renamed in a partner's
    export ("Title" for "title") changes every record and empties every title; the other
    gates let that through, as no record is lost or quarantined. A partner clearing a field
    in a few records (all of the run's changes, in an incremental harvest) is not held."""
    had: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    for batch in run.changed_fields():
        before = index.fields_of(source.name, [local_id for local_id, _ in batch])
        for local_id, fields in batch:
            filled = set(before.get(local_id, "").split("\n")) - {""}
            had.update(filled)
            lost.update(filled - set(fields.split("\n")))
    read = fields_read_by(source.mapping, lost)
    if read is None:  # a mapping that does not list what it reads: every field counts
        read = set(lost)
    limit = source.gates.max_field_loss
    worst = []
    for name, n in lost.items():
        if name not in read or n < FIELD_LOSS_MIN or n / had[name] <= limit:
            continue  # cheap tests first: the count below reads the source's records
        holding = max(had[name], index.count_filling(source.name, name))
        if n / holding > limit:
            worst.append((n / holding, n, holding, name))
    if not worst:
        return None
    share, n, holding, name = max(worst)
    return messages.GATE_FIELD_LOSS(
        lost=n, had=holding, field=name, share=f"{share:.0%}", limit=f"{limit:.0%}"
    )


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


class PublishFailedError(StoreError):
    """The runs were applied to the working store, but their publish failed (the store or the
    disk refused the compaction, the snapshot or the switch). What each source did is kept in
    ``summaries``, so the harvest says it before the error, not one line alone; a run applied
    and not published is published by the next command that writes (``Pipeline.recover``)."""

    def __init__(
        self,
        error: MuseionError | OSError,
        summaries: list[HarvestSummary],
        failures: list[HarvestError],
    ) -> None:
        self.summaries = summaries
        """What the sources harvested and applied, none of it published yet."""
        self.failures = failures
        """The sources whose harvest failed before the publish."""
        if isinstance(error, MuseionError):
            why = error.one_line()
        else:  # a full disk, a folder the system refuses
            why = f"cannot publish: {system_refusal(error)}"
        super().__init__(
            f"{why}; what was applied is not published yet: the next harvest publishes it"
        )


class WriterFailedError(PublishFailedError):
    """Every source was written, and then closing the working store failed (a full disk
    refuses the store's last flush): what each source did is said first, as for a failed
    publish, and the line names the sources whose writes the store was closing on."""

    def __init__(
        self,
        error: MuseionError | OSError,
        summaries: list[HarvestSummary],
        failures: list[HarvestError],
        sources: list[str],
    ) -> None:
        self.summaries = summaries
        self.failures = failures
        why = error.one_line() if isinstance(error, MuseionError) else system_refusal(error)
        written = ", ".join(repr(name) for name in sources)
        StoreError.__init__(self, f"the store could not be closed after writing {written}: {why}")
