"""The writer beneath every ``Pipeline`` operation: what becomes of a run once it is staged.

A ``Pipeline`` operation (``museion.pipeline``: a harvest, an upload, a remap, a held run
published) decides what to stage; this is what they share. ``writer()`` takes the data
directory's one writer lock, refuses a directory harvested under another base IRI, and repairs
what a killed process left (``recover``). A staged run is then judged by its source's quality
gates (``_judge``), applied to the working store (``_apply``) and published as a snapshot
(``_publish``), reconciled first (``_reconcile``, and ``reconcile`` on its own).
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mappings import Minter
from museion_core.errors import ConfigError, MuseionError
from museion_core.malloc import release_free_memory
from publish import (
    HarvestSummary,
    Progress,
    PublishSettings,
    RecordIndex,
    Run,
    RunKind,
    RunStatus,
    Workspace,
    apply_run,
    now,
    run_row,
    search_basis,
    search_basis_published,
    standing_quarantine,
    writes_nothing,
)
from reconcile import ReconcileReport, reconciliation_graph
from search import Basis
from store import Store, compact

from .config import Config, SourceConfig
from .gates import field_loss, gate
from .mapper import default_jobs
from .report import clear_failure, note_edits, write_report
from .stages import publishing, reconcile_store, reconciliation_due

__all__ = ["Writer", "Writing"]


@dataclass
class Writer:
    store: Store
    index: RecordIndex


@dataclass(frozen=True)
class Published:
    """What a publish (``Writing._publish``) left readers with."""

    snapshot: Path
    new: bool
    """``snapshot`` was published now; false: no run wrote, and the current one stayed."""

    def record(self, summary: HarvestSummary) -> HarvestSummary:
        """Say in ``summary`` that its run is published, and in which snapshot."""
        summary.status = RunStatus.PUBLISHED
        summary.snapshot, summary.new_snapshot = self.snapshot.name, self.new
        return summary


def _held_as_unchanged(counts: dict[str, int]) -> dict[str, int]:
    """The counts of a run that writes nothing: the records it staged as changed are each
    what the store holds already (a remap whose mapping gave the same output), so they are
    unchanged, and no triple was written. Said as changed, the command line, the report and
    its list of runs told of 24 records changed and 3,020 triples written by a remap that
    changed nothing."""
    changed = int(counts.get("changed", 0))
    return {
        **counts,
        "changed": 0,
        "unchanged": int(counts.get("unchanged", 0)) + changed,
        "quads": 0,
    }


class Writing:
    """The data directory's writer and what it does to a staged run (``Pipeline`` is one)."""

    def __init__(
        self, config: Config, progress: Progress | None = None, *, jobs: int | None = None
    ) -> None:
        self.config = config
        self.jobs = jobs or config.jobs or default_jobs()
        """Processes that map records (``--jobs``, ``[store] jobs``, else one per CPU)."""
        self.workspace = Workspace(config.data_dir, config.remote)
        self.settings = PublishSettings(
            config.base_iri,
            config.batch_size,
            write_bytes=config.write_mb * 2**20,
            stream_records=config.stream_records,
        )
        self.progress = progress
        self.reconciliation: ReconcileReport | None = None
        """What the last reconciliation of this pipeline did."""

    @contextmanager
    def writer(self, wait: float = 0) -> Iterator[Writer]:
        """Lock the data directory (waiting up to ``wait`` seconds for another writer), open
        store and index, and repair an interrupted run."""
        with self.workspace.lock(wait):
            store = self.workspace.open_writer(self.config.base_iri)
            index = RecordIndex(self.workspace.index_path)
            try:
                self._check_base(index)
                writer = Writer(store, index)
                self.recover(writer)
                yield writer
            except BaseException:
                # What stopped the work is what to tell: on a full disk, closing the store
                # (a flush) fails too, and its error replaced the one naming the source.
                with contextlib.suppress(OSError, MuseionError, sqlite3.Error):
                    index.close()
                with contextlib.suppress(OSError, MuseionError):
                    store.close()
                raise
            index.close()
            store.close()

    def _check_base(self, index: RecordIndex) -> None:
        """Refuse to write a data directory harvested under another base IRI: every record
        would be minted again under the new one while the old graphs stayed published, each
        object twice, and ``stats`` counted only the new ones."""
        for source in self.config.sources:
            found = index.first_record(source.name)
            if found is None:
                continue
            local_id, graph = found
            base = self.config.base_iri
            minted = Minter(base, source.name).record_graph(local_id).value
            if graph == minted:
                continue
            old = graph.removesuffix(minted[len(base) :])
            raise ConfigError(
                f"the data was harvested under the base IRI {old}: set base_iri back, or use "
                "a new [store] path (each record would be published again beside its old IRIs)",
                file=str(self.config.path),
                key="publish.base_iri",
            )

    # -- recovery ------------------------------------------------------------------------
    def recover(self, writer: Writer) -> None:
        self.workspace.discard_unfinished_snapshots()
        pending: list[tuple[SourceConfig, Run]] = []
        for source in self.config.sources:
            for directory in self.workspace.run_dirs(source.name):
                run = Run.open(directory)
                status = run.status
                if status == RunStatus.APPLYING:
                    # A run that cannot be applied again is failed, not retried forever: it
                    # would otherwise block every later harvest, remap and publish.
                    if self._apply(writer, source, run, again=True) is None:
                        pending.append((source, run))
                    else:
                        run.close()
                elif status == RunStatus.APPLIED:
                    pending.append((source, run))
                elif status == RunStatus.STAGED:
                    run.discard()  # staged but not judged: the next harvest redoes it
                else:
                    run.close()
        if pending:
            harvested = {s.name for s, r in pending if RunKind.of_info(r.info()) == RunKind.HARVEST}
            self._publish(writer, pending)
            # a harvest whose publish failed was noted failed on its partner's page: published
            # now, its report is the latest, and the note is stale
            for name in sorted(harvested):
                clear_failure(self.workspace.reports_dir, name)

    # -- judging, applying, publishing ---------------------------------------------------
    def _judge(
        self, writer: Writer, source: SourceConfig, run: Run, summary: HarvestSummary
    ) -> HarvestSummary:
        """Finish staging, apply the gates, and apply the run if it passes."""
        summary.records_before = writer.index.count(source.name)
        summary.records_after = summary.records_before + summary.new - summary.deleted
        note_edits(writer.index, run, source.name)  # while the index has the records' last versions
        # What earlier runs quarantined and this one leaves there, for its report to list with
        # its own: a partial run (a remap, an incremental harvest) does not replace the whole.
        run.note_standing(
            standing_quarantine(self.settings, publishing(source), run, writer.store, writer.index)
        )
        reason = gate(summary, source) or field_loss(writer.index, run, source)
        run.set_info(
            status=RunStatus.STAGED,
            ended=now(),
            counts=summary.counts(),
            seconds=summary.seconds,
            reason=reason,
        )
        # a newer run replaces any held one, in its folder and in the index's list of runs
        self.workspace.supersede_held(source.name, keep=run, index=writer.index)
        if reason is not None:
            run.set_info(status=RunStatus.HELD)
            writer.index.record_run(run_row(source.name, run, RunStatus.HELD))
            summary.status, summary.reason = RunStatus.HELD, reason
            write_report(self.workspace.reports_dir, source, writer.index, run)
            return summary
        if self.workspace.mirrored(source.name) and writes_nothing(
            self.settings, publishing(source), run, writer.store, writer.index
        ):
            # Not applied: it would write only its own provenance, and that would make the
            # working store differ from the snapshot that serves the very same data (a feed
            # that did not change, a remap whose mapping gave the same output). (Applied
            # if a remote server missed a write of the source's last run: the working store,
            # which writes_nothing compares with, holds it, and applying sends it again.)
            counts = _held_as_unchanged(run.info().get("counts", {}))
            run.set_info(status=RunStatus.APPLIED, wrote_nothing=True, counts=counts)
            writer.index.record_run(run_row(source.name, run, RunStatus.APPLIED))
        elif (failure := self._apply(writer, source, run)) is not None:
            summary.status, summary.reason = RunStatus.FAILED, failure
            return summary
        # Records the store refused while applying are in the run's quarantine now.
        summary = dataclasses.replace(
            HarvestSummary.of_run(source.name, run),
            warnings=summary.warnings,
            local_terms=summary.local_terms,
            unparsed=summary.unparsed,
            seconds=summary.seconds,
            checkpoint=summary.checkpoint,
        )
        summary.status = RunStatus.APPLIED
        return summary

    def _judge_and_publish(
        self, writer: Writer, source: SourceConfig, run: Run, summary: HarvestSummary
    ) -> HarvestSummary:
        """Judge one staged run alone and publish it if it passes (an upload, a remap)."""
        summary = self._judge(writer, source, run, summary)
        if summary.status == RunStatus.APPLIED:
            self._publish(writer, [(source, run)]).record(summary)
        else:
            run.close()
        return summary

    def _apply(
        self, writer: Writer, source: SourceConfig, run: Run, *, again: bool = False
    ) -> str | None:
        """Apply ``run``; if it cannot be applied, mark it failed and say why (None: applied).

        The batches written before the fault stay in the working store, consistent with the
        index, so the store and the runs after this one remain usable."""
        self.workspace.note_writes()  # published by the next harvest, even one that writes nothing
        self.workspace.note_mirroring(source.name)  # and sent again by it, if the server failed
        try:
            apply_run(self.settings, publishing(source), run, writer.store, writer.index)
        except (MuseionError, OSError, MemoryError, sqlite3.Error) as exc:
            cause = exc.cause if isinstance(exc, MuseionError) else f"{type(exc).__name__}: {exc}"
            self.workspace.forget_search_documents()  # some batches may be in the store only
            when = "applying it again after an interruption" if again else "applying it"
            reason = f"the run could not be applied ({when}): {cause}"
            run.set_info(status=RunStatus.FAILED, reason=reason, ended=run.info().get("ended"))
            writer.index.record_run(run_row(source.name, run, RunStatus.FAILED))
            return reason
        self.workspace.note_mirrored(source.name)
        return None

    def _publish(self, writer: Writer, runs: list[tuple[SourceConfig, Run]]) -> Published:
        """Publish the applied ``runs`` as a new snapshot, and record them as published in it.

        Runs that wrote nothing (``writes_nothing``: a feed that did not change) publish no
        snapshot of their own: they are recorded as published in the current one, which holds
        their data, unless another run wrote, or the working store holds what no snapshot has
        (``_publish_due``). Their own provenance is then not in the store either."""
        wrote = [(source, run) for source, run in runs if not run.info().get("wrote_nothing")]
        current = self.workspace.published_path()
        if wrote or current is None or self._publish_due(writer):
            published = Published(self._snapshot(writer, wrote), new=True)
        else:  # the same data: no backup, no search build, no new version
            published = Published(current, new=False)
        for source, run in runs:
            run.set_info(
                status=RunStatus.PUBLISHED,
                snapshot=published.snapshot.name,
                new_snapshot=published.new,
            )
            writer.index.record_run(run_row(source.name, run, RunStatus.PUBLISHED))
            write_report(self.workspace.reports_dir, source, writer.index, run)
            run.close()
            self.workspace.prune_runs(source.name)
        return published

    def _publish_due(self, writer: Writer) -> bool:
        """Whether readers must be given a new snapshot though no run of this publish wrote:
        the working store was written since the last publish (a run failed part-way, a
        publish failed), reconciliation's settings changed, or a remote server is to be sent
        the store."""
        return (
            self.workspace.unpublished_writes()
            or writer.store.mirror_pending()
            or reconciliation_due(self.config, self.workspace)
        )

    def _snapshot(self, writer: Writer, runs: list[tuple[SourceConfig, Run]]) -> Path:
        """Reconcile the working store and publish it as a new snapshot, with ``runs``."""
        self.workspace.note_writes()  # reconciling writes: a publish that fails is done again
        release_free_memory()  # what the runs' bulk loads freed, before the store is read
        for source, run in runs:  # VoID's "last updated" of each source, in the manifest
            info = run.info()  # "harvested": the key kept, whatever the run (its kind beside)
            kind = str(RunKind.of_info(info))
            self.workspace.save_source_state(source.name, harvested=info.get("ended"), kind=kind)
        if any(run.info().get("store_refused") for _, run in runs):
            self.workspace.forget_search_documents()
        if self._wrote_most(writer, runs):
            compact(writer.store)  # before reconciliation and the search build read all of it
        if any(run.info().get("entities_changed", True) for _, run in runs):
            self._reconcile(writer.store)
        else:
            self._reconcile(writer.store, only_if_settings_changed=True)
        release_free_memory()  # and what reconciling freed, before the search build
        return self._publish_with_search(writer)

    def _wrote_most(self, writer: Writer, runs: list[tuple[SourceConfig, Run]]) -> bool:
        """Whether ``runs`` wrote (added, changed or withdrew) as many records as half of those
        the store now holds, as a first harvest or a remap of every record does: the store is
        then compacted before it is read whole (``store.compact``)."""
        written = 0
        for _, run in runs:
            counts = run.info().get("counts", {})
            written += sum(int(counts.get(change, 0)) for change in ("new", "changed", "deleted"))
        held = sum(writer.index.count(source.name) for source in self.config.sources)
        return written > 0 and 2 * written >= held

    # -- reconciliation -------------------------------------------------------------------
    def _reconcile(
        self, store: Store, *, force: bool = False, only_if_settings_changed: bool = False
    ) -> ReconcileReport | None:
        """Reconcile before a publish (``stages.reconcile_store``); keep what it did."""
        report = reconcile_store(
            self.config, self.workspace, store, force=force, only_if=only_if_settings_changed
        )
        if report is not None:
            self.reconciliation = report
        return report

    def reconcile(self) -> ReconcileReport:
        """``museion reconcile``: reconcile the working store now and publish it."""
        with self.writer() as writer:
            self.workspace.note_writes()
            report = self._reconcile(writer.store, force=True)
            assert report is not None
            self._publish_with_search(writer)
            return report

    def _publish_with_search(self, writer: Writer) -> Path:
        """Publish the working store with its search documents (reusing what the basis
        allows), and tell the index the basis was used."""
        snapshot = self.workspace.publish(
            writer.store, self.config.base_iri, basis=self._search_basis(writer)
        )
        search_basis_published(writer.index, self.config.base_iri)
        return snapshot

    def _search_basis(self, writer: Writer) -> Basis:
        """What the search documents are made from, so the next publish may reuse them."""
        base = self.config.base_iri
        return search_basis(
            writer.store, writer.index, base, aggregates=[reconciliation_graph(base)]
        )
