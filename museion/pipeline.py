"""harvest → map → stage → gates → apply → publish, one writer at a time, crash-safe.

A run is staged first (``stage``), then judged by its source's quality gates, then applied to
the working store (``apply``) and published as an immutable snapshot. A process killed at any
point leaves a state ``recover`` completes or rolls back: a staging run resumes from its last
batch, an interrupted apply is applied again, an interrupted publish is published again, and a
half-copied snapshot is removed. Queries read published snapshots only.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import harvesters
from harvesters import SourceRecord
from mappings import Minter
from museion_core import messages
from museion_core.errors import ConfigError, HarvestError, MuseionError
from publish import (
    HarvestSummary,
    Progress,
    PublishSettings,
    RecordIndex,
    Run,
    RunStatus,
    Workspace,
    apply_run,
    new_id,
    now,
    run_row,
    search_basis,
    stage,
)
from reconcile import ReconcileReport, reconciliation_graph
from search import Basis
from store import Store

from .config import Config, SourceConfig
from .gates import PublishFailedError, SourcesFailedError, field_loss, gate
from .mapper import Mapper, default_jobs
from .memory import release_free_memory
from .report import clear_failure, note_edits, note_failure, write_report
from .stages import publishing, reconcile_store

__all__ = ["HarvestSummary", "Pipeline", "PublishFailedError", "SourcesFailedError", "gate"]

SOURCES_AT_ONCE = 8
"""Sources harvested at once when there is more than one job (their waits overlap)."""


_Staged = tuple[HarvestSummary, Path, dict[str, Any]]
"""A staged run: its summary, its directory and the harvester's checkpoint after it."""


@dataclass
class Writer:
    store: Store
    index: RecordIndex


class Pipeline:
    """Everything that changes a data directory. Open one ``writer()`` at a time."""

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
            store = self.workspace.open_writer()
            index = RecordIndex(self.workspace.index_path)
            try:
                self._check_base(index)
                writer = Writer(store, index)
                self.recover(writer)
                yield writer
            finally:
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
            self._publish(writer, pending)

    # -- harvesting ----------------------------------------------------------------------
    def harvest(
        self, names: tuple[str, ...] = (), records: tuple[str, ...] = ()
    ) -> list[HarvestSummary]:
        """Harvest the named sources (all by default). ``records``: fetch only these records,
        by the identifier the source's protocol knows them by (OAI-PMH ``GetRecord``)."""
        sources = [self.config.source(n) for n in names] if names else self.config.sources
        if not sources:
            raise ConfigError("no [[sources]] to harvest", file=str(self.config.path))
        if records and (len(sources) != 1 or sources[0].kind != "oaipmh"):
            kind = (
                f"; {sources[0].name!r} is of kind {sources[0].kind}" if len(sources) == 1 else ""
            )
            raise ConfigError(
                f"--record fetches single records from one source of kind oaipmh{kind}"
            )
        summaries = []
        failures: list[HarvestError] = []
        with self.writer() as writer, Mapper(self.jobs) as mapper, ExitStack() as opened:
            done: list[tuple[SourceConfig, Run]] = []
            for source, staged in self._stage_sources(writer, sources, records, mapper):
                if isinstance(staged, HarvestError):
                    failures.append(staged)  # its run stays "staging": the next harvest resumes
                    self._note_feed(source, staged, records)
                    continue
                summary, directory, checkpoint = staged
                run = Run.open(directory)
                opened.callback(run.close)  # closed even when an interrupt stops the harvest
                summary = self._judge(writer, source, run, summary)
                self._note_feed(source, None, records)
                if summary.status == RunStatus.APPLIED and not records:
                    self.workspace.save_source_state(source.name, checkpoint=checkpoint)
                summaries.append(summary)
                if summary.status == RunStatus.APPLIED:
                    done.append((source, run))
                else:
                    run.close()
            if done:
                try:
                    self._publish(writer, done)
                except (MuseionError, OSError) as exc:  # OSError: the disk is full
                    raise PublishFailedError(exc, summaries, failures) from exc
                for summary in summaries:
                    if summary.status == RunStatus.APPLIED:
                        summary.status = RunStatus.PUBLISHED
        if failures:
            raise SourcesFailedError(failures, summaries)
        return summaries

    def _note_feed(
        self, source: SourceConfig, failure: HarvestError | None, records: tuple[str, ...]
    ) -> None:
        """Note on the partner's page that its feed failed, or clear that note once the feed
        was read and its run judged (not for a harvest of single records)."""
        if records:
            return
        if failure is None:
            clear_failure(self.workspace.reports_dir, source.name)
        else:
            note_failure(self.workspace.reports_dir, source, failure, self.config.path)

    def _stage_sources(
        self,
        writer: Writer,
        sources: list[SourceConfig],
        records: tuple[str, ...],
        mapper: Mapper,
    ) -> Iterator[tuple[SourceConfig, _Staged | HarvestError]]:
        """Stage the sources, yielding each (in config order) for the writer to judge and apply.

        With more than one job, up to ``SOURCES_AT_ONCE`` sources are harvested at once, each
        in a thread of its own with its own index connection: partners are slow servers, and
        one waiting on a page should not keep the others waiting. Their records share the
        map workers; the store is written only here, by the caller, one run at a time."""
        if self.jobs == 1 or len(sources) == 1:
            for source in sources:
                try:
                    yield source, self._stage_source(writer.index, source, records, mapper)
                except HarvestError as exc:
                    yield source, exc
            return

        def staged(source: SourceConfig) -> _Staged:
            index = RecordIndex(self.workspace.index_path)
            try:
                return self._stage_source(index, source, records, mapper)
            finally:
                index.close()

        with ThreadPoolExecutor(min(len(sources), SOURCES_AT_ONCE), "harvest") as threads:
            futures = [(source, threads.submit(staged, source)) for source in sources]
            try:
                for source, future in futures:
                    try:
                        yield source, future.result()
                    except HarvestError as exc:
                        yield source, exc
            finally:
                for _, future in futures:
                    future.cancel()

    def _stage_source(
        self,
        index: RecordIndex,
        source: SourceConfig,
        records: tuple[str, ...],
        mapper: Mapper,
    ) -> _Staged:
        """Harvest and map one source into its run; the run is closed, to be judged by the
        writer (an SQLite connection stays in the thread that opened it)."""
        run = self._resumable_run(source) or self._new_run(source)
        try:  # on a HarvestError the run stays "staging": the next harvest resumes it
            resume = run.info().get("checkpoint") or self.workspace.source_state(source.name).get(
                "checkpoint", {}
            )
            harvester = self._harvester(source, resume, records)
            if records:  # its checkpoint is not the feed's: it read only these records
                run.set_info(selected=True)
            summary = self._stage_feed(source, index, run, harvester, mapper, complete=not records)
            return summary, run.directory, dict(harvester.checkpoint)
        finally:
            run.close()

    def harvest_upload(
        self, name: str, location: Path, upload_id: str, report_dir: Path, wait: float = 0
    ) -> HarvestSummary:
        """Harvest a partner's uploaded files (``location``) as a run of source ``name``, under
        the upload's id: staged, judged by the gates, published or held like any harvest. The
        run's report is also written to ``report_dir`` (the upload's own folder)."""
        source = replace(self.config.source(name), location=str(location))
        with self.writer(wait) as writer, Mapper(self.jobs) as mapper:
            run = self._new_run(source, self.workspace.runs_dir / source.name / upload_id)
            run.set_info(upload=upload_id, report_dir=str(report_dir))
            try:
                harvester = self._harvester(source, {})
                summary = self._stage_feed(source, writer.index, run, harvester, mapper)
            except HarvestError:
                run.discard()  # never resumed by a harvest of the source's own location
                raise
            return self._judge_and_publish(writer, source, run, summary)

    def _harvester(
        self, source: SourceConfig, checkpoint: Mapping[str, Any], records: tuple[str, ...] = ()
    ) -> harvesters.Harvester:
        return harvesters.create_harvester(
            source.kind,
            harvesters.SourceSpec(
                name=source.name,
                location=source.location,
                options=source.options,
                identify=source.mapping.identify,
                checkpoint=checkpoint,
                records=records,
                skip=(self.config.data_dir.resolve(),),
            ),
        )

    def _stage_feed(
        self,
        source: SourceConfig,
        index: RecordIndex,
        run: Run,
        harvester: harvesters.Harvester,
        mapper: Mapper,
        *,
        complete: bool = True,
    ) -> HarvestSummary:
        return stage(
            self.settings,
            publishing(source),
            index,
            run,
            harvester,
            mapper=mapper,
            checkpoint=lambda: dict(harvester.checkpoint),
            complete=complete and harvester.complete_snapshot,
            unread=lambda: harvester.unread,
            progress=self.progress,
        )

    def _resumable_run(self, source: SourceConfig) -> Run | None:
        return self.workspace.resumable_run(source.name, publishing(source).mapping_id)

    def _new_run(self, source: SourceConfig, directory: Path | None = None) -> Run:
        mapping = publishing(source).mapping_id
        return self.workspace.new_run(source.name, mapping, now(), directory)

    def _judge(
        self, writer: Writer, source: SourceConfig, run: Run, summary: HarvestSummary
    ) -> HarvestSummary:
        """Finish staging, apply the gates, and apply the run if it passes."""
        summary.records_before = writer.index.count(source.name)
        summary.records_after = summary.records_before + summary.new - summary.deleted
        note_edits(writer.index, run, source.name)  # while the index has the records' last versions
        reason = gate(summary, source) or field_loss(writer.index, run, source)
        run.set_info(
            status=RunStatus.STAGED,
            ended=now(),
            counts=summary.counts(),
            seconds=summary.seconds,
            reason=reason,
        )
        self.workspace.supersede_held(source.name, keep=run)  # a newer run replaces any held one
        if reason is not None:
            run.set_info(status=RunStatus.HELD)
            writer.index.record_run(run_row(source.name, run, RunStatus.HELD))
            summary.status, summary.reason = RunStatus.HELD, reason
            write_report(self.workspace.reports_dir, source, writer.index, run)
            return summary
        failure = self._apply(writer, source, run)
        if failure is not None:
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
            self._publish(writer, [(source, run)])
            summary.status = RunStatus.PUBLISHED
        else:
            run.close()
        return summary

    def _apply(
        self, writer: Writer, source: SourceConfig, run: Run, *, again: bool = False
    ) -> str | None:
        """Apply ``run``; if it cannot be applied, mark it failed and say why (None: applied).

        The batches written before the fault stay in the working store, consistent with the
        index, so the store and the runs after this one remain usable."""
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
        return None

    def _publish(self, writer: Writer, runs: list[tuple[SourceConfig, Run]]) -> Path:
        release_free_memory()  # what the runs' bulk loads freed, before the store is read
        for source, run in runs:  # VoID's "last harvest" of each source, in the manifest
            self.workspace.save_source_state(source.name, harvested=run.info().get("ended"))
        if any(run.info().get("store_refused") for _, run in runs):
            self.workspace.forget_search_documents()
        if any(run.info().get("entities_changed", True) for _, run in runs):
            self._reconcile(writer.store)
        else:
            self._reconcile(writer.store, only_if_settings_changed=True)
        release_free_memory()  # and what reconciling freed, before the compaction
        snapshot = self.workspace.publish(
            writer.store,
            self.config.base_iri,
            basis=self._search_basis(writer),
            compact=self._wrote_most(writer, runs),
        )
        for source, run in runs:
            run.set_info(status=RunStatus.PUBLISHED, snapshot=snapshot.name)
            writer.index.record_run(run_row(source.name, run, RunStatus.PUBLISHED))
            write_report(self.workspace.reports_dir, source, writer.index, run)
            run.close()
            self.workspace.prune_runs(source.name)
        return snapshot

    def _wrote_most(self, writer: Writer, runs: list[tuple[SourceConfig, Run]]) -> bool:
        """Whether ``runs`` wrote (added, changed or withdrew) as many records as half of those
        the store now holds, as a first harvest or a remap of every record does: the store is
        then compacted before its snapshot (``Workspace.publish``)."""
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
            report = self._reconcile(writer.store, force=True)
            assert report is not None
            self.workspace.publish(
                writer.store, self.config.base_iri, basis=self._search_basis(writer)
            )
            return report

    def _search_basis(self, writer: Writer) -> Basis:
        """What the search documents are made from, so the next publish may reuse them."""
        base = self.config.base_iri
        return search_basis(
            writer.store, writer.index, base, aggregates=[reconciliation_graph(base)]
        )

    # -- held runs, remapping, dry runs ---------------------------------------------------
    def publish_held(self, name: str, *, force: bool) -> HarvestSummary:
        """Apply and publish the source's held run; only with ``force`` (a person decided)."""
        source = self.config.source(name)
        with self.writer() as writer:
            for directory in reversed(self.workspace.run_dirs(source.name)):
                run = Run.open(directory)
                if run.status != RunStatus.HELD:
                    run.close()
                    continue
                summary = HarvestSummary.of_run(source.name, run)
                if not force:
                    run.close()
                    raise HarvestError(
                        f"run {run.run_id} is held: {summary.reason}; publish it "
                        "anyway with --force",
                        source=source.name,
                    )
                run.set_info(reason=messages.PUBLISHED_BY_FORCE(reason=summary.reason))
                failure = self._apply(writer, source, run)
                if failure is not None:
                    run.close()
                    raise HarvestError(failure, source=source.name)
                info = run.info()
                if not any(info.get(k) for k in ("selected", "upload", "remap")):
                    # As a harvest that passed its gates would: the next one goes on from here
                    # (an OAI-PMH harvest "from" this run's date), not from the run before.
                    self.workspace.save_source_state(source.name, checkpoint=summary.checkpoint)
                self._publish(writer, [(source, run)])
                summary.status = RunStatus.PUBLISHED
                return summary
        raise HarvestError("has no held run to publish", source=source.name)

    def remap(self, name: str) -> HarvestSummary:
        """Rebuild a source's graphs from the stored payloads, without harvesting."""
        source = self.config.source(name)
        with self.writer() as writer, Mapper(self.jobs) as mapper:
            if not writer.index.count(source.name):  # an empty run would publish nothing
                raise HarvestError(
                    "has no stored records to map again: harvest it first", source=source.name
                )
            run = self._new_run(source)
            try:
                return self._remap(writer, mapper, source, run)
            except BaseException:
                run.close()  # a failed remap (a map worker died) leaves the run unfinished
                raise

    def _remap(
        self, writer: Writer, mapper: Mapper, source: SourceConfig, run: Run
    ) -> HarvestSummary:
        """Stage the stored payloads of ``source`` into ``run`` and publish it."""
        run.set_info(remap=True)
        records = (
            SourceRecord(
                source=source.name,
                local_id=r.local_id,
                payload=payload,
                media_type=r.media_type,
                datestamp=r.datestamp,
                origin=r.origin or "",
            )
            for r, payload in writer.index.payloads(source.name)
        )
        summary = stage(
            self.settings,
            publishing(source),
            writer.index,
            run,
            records,
            mapper=mapper,
            force=True,
            progress=self.progress,
        )
        return self._judge_and_publish(writer, source, run, summary)

    @contextmanager
    def check(self, name: str) -> Iterator[tuple[HarvestSummary, Run]]:
        """A dry run: harvest and map into a scratch run, judge it, change nothing."""
        source = self.config.source(name)
        self.workspace.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.workspace.data_dir, prefix="check-") as tmp:
            run = self._new_run(source, Path(tmp) / new_id())
            index = RecordIndex(self.workspace.index_path)
            try:
                checkpoint = self.workspace.source_state(source.name).get("checkpoint", {})
                harvester = self._harvester(source, checkpoint)
                with Mapper(self.jobs) as mapper:
                    summary = self._stage_feed(source, index, run, harvester, mapper)
                summary.records_before = index.count(source.name)
                summary.records_after = summary.records_before + summary.new - summary.deleted
                summary.reason = gate(summary, source) or field_loss(index, run, source)
                summary.status = RunStatus.CHECKED
                run.set_info(
                    status=RunStatus.CHECKED,
                    ended=now(),
                    counts=summary.counts(),
                    reason=summary.reason,
                )
                yield summary, run
            finally:
                run.close()
                index.close()
