"""harvest → map → stage → gates → apply → publish, one writer at a time, crash-safe.

A run is staged first (``stage``), then judged by its source's quality gates, then applied to
the working store (``apply``) and published as an immutable snapshot. A process killed at any
point leaves a state ``recover`` completes or rolls back: a staging run resumes from its last
batch, an interrupted apply is applied again, an interrupted publish is published again, and a
half-copied snapshot is removed. Queries read published snapshots only.

This module is the operations: what each stages (a harvest of the configured sources, several
at once, an upload, a remap of the stored payloads, a dry run) and the held runs a person
publishes. The writer they share, with the recovery, the gates' judgement, applying,
publishing and the reconciliation before it, is ``museion.writing`` (``Pipeline`` is a
``Writing``).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import harvesters
from harvesters import SourceRecord
from museion_core import messages
from museion_core.errors import (
    ConfigError,
    HarvestError,
    MuseionError,
    StoreError,
    StoreFaultError,
    WriterBusyError,
    system_refusal,
)
from publish import (
    HarvestSummary,
    QuarantinedRecord,
    RecordIndex,
    Run,
    RunStatus,
    drop_held,
    new_id,
    now,
    stage,
    standing_quarantine,
)

from .config import SourceConfig
from .gates import (
    PublishFailedError,
    SourcesFailedError,
    WriterFailedError,
    field_loss,
    gate,
)
from .mapper import Mapper
from .report import clear_failure, note_failure
from .stages import publishing
from .writing import Writer, Writing

__all__ = ["HarvestSummary", "Pipeline", "PublishFailedError", "SourcesFailedError", "gate"]

SOURCES_AT_ONCE = 8
"""Sources harvested at once when there is more than one job (their waits overlap)."""


_Staged = tuple[HarvestSummary, Path, dict[str, Any]]
"""A staged run: its summary, its directory and the harvester's checkpoint after it."""


@dataclass
class _Harvest:
    """What a harvest did so far: each source's summary, the feeds that failed, the sources
    whose runs were written (judged, applied), and whether only closing the writer is left."""

    summaries: list[HarvestSummary] = field(default_factory=list)
    failures: list[HarvestError] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    closing: bool = False


@contextmanager
def _writing(source: SourceConfig) -> Iterator[None]:
    """A fault of the disk or of the store while ``source``'s run is written (staged, judged,
    applied) names the source: a full disk stopped a harvest with one line naming a store file
    (``000008.log``) or an SQLite error, and nothing said which partner was being written."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        why = system_refusal(exc) if isinstance(exc, OSError) else str(exc)
        raise StoreError(f"stopped while its run was written: {why}", source=source.name) from exc
    except StoreError as exc:
        if exc.source is not None or type(exc) not in (StoreError, StoreFaultError):
            raise
        raise type(exc)(exc.cause, source=source.name) from exc


class Pipeline(Writing):
    """Everything that changes a data directory. Open one ``writer()`` at a time."""

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
        did = _Harvest()
        try:
            self._harvest(sources, records, did)
        except (StoreError, OSError) as exc:
            if not did.closing or isinstance(exc, PublishFailedError):
                self._note_store_failure(exc, sources, did, records)
                raise
            raise WriterFailedError(exc, did.summaries, did.failures, did.written) from exc
        if did.failures:
            raise SourcesFailedError(did.failures, did.summaries)
        return did.summaries

    def _harvest(
        self, sources: list[SourceConfig], records: tuple[str, ...], did: _Harvest
    ) -> None:
        """``harvest``'s work, under the writer; ``did`` says what each source did."""
        summaries, failures = did.summaries, did.failures
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
                did.written.append(source.name)
                with _writing(source):
                    summary = self._judge(writer, source, run, summary)
                # only applying fails a judged run: the store refused it, not the feed
                failed = summary.status == RunStatus.FAILED
                self._note_feed(source, messages.HARVEST_NOT_WRITTEN() if failed else None, records)
                if summary.status == RunStatus.APPLIED and not records:
                    self.workspace.save_source_state(source.name, checkpoint=checkpoint)
                summaries.append(summary)
                if summary.status == RunStatus.APPLIED:
                    done.append((source, run))
                else:
                    run.close()
            if done:
                try:
                    published = self._publish(writer, done)
                except (MuseionError, OSError) as exc:  # OSError: the disk is full
                    raise PublishFailedError(exc, summaries, failures) from exc
                for summary in summaries:
                    if summary.status == RunStatus.APPLIED:
                        published.record(summary)
            did.closing = True  # what fails now is the writer's closing, after every source

    def _note_feed(
        self, source: SourceConfig, failure: HarvestError | str | None, records: tuple[str, ...]
    ) -> None:
        """Note on the partner's page that its harvest failed (its feed's error, or a message
        that says why), or clear that note once the feed was read and its run judged and
        applied (not for a harvest of single records)."""
        if records:
            return
        if failure is None:
            clear_failure(self.workspace.reports_dir, source.name)
        else:
            note_failure(self.workspace.reports_dir, source, failure, self.config.path)

    def _note_store_failure(
        self,
        exc: StoreError | OSError,
        sources: list[SourceConfig],
        did: _Harvest,
        records: tuple[str, ...],
    ) -> None:
        """Note on the partners' pages that their harvest failed on the store or its disk
        (``HARVEST_NOT_WRITTEN``), which only the operator read (the error names a path, the
        store's address): the source whose run was written when it failed, or, when the
        publish failed, each whose run was applied for it; when the store could not be opened
        at all, each source of the harvest. Not when another process held the writer lock: it
        is writing, and this harvest did not start; nor when the data directory is no directory
        (a file, or under one) or not writable: the notes would be written there, and the one
        error line the command prints already says why."""
        if isinstance(exc, WriterBusyError):
            return
        where = self.workspace.data_dir
        if not where.is_dir() or not os.access(where, os.W_OK | os.X_OK):
            return  # the data directory itself is unusable (the error says so): no note there
        if isinstance(exc, PublishFailedError):
            names = {s.source for s in did.summaries if s.status == RunStatus.APPLIED}
        elif isinstance(exc, StoreError) and exc.source is not None:
            names = {exc.source}
        elif not did.written:  # before any source was written: the store or its directory
            names = {s.name for s in sources}
        else:
            names = set()
        for source in sources:
            if source.name in names:
                self._note_feed(source, messages.HARVEST_NOT_WRITTEN(), records)

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
        with _writing(source):
            run = self._resumable_run(source) or self._new_run(source)
            try:  # on a HarvestError the run stays "staging": the next harvest resumes it
                resume = run.info().get("checkpoint")
                if not resume:
                    resume = self.workspace.source_state(source.name).get("checkpoint", {})
                harvester = self._harvester(source, resume, records)
                if records:  # its checkpoint is not the feed's: it read only these records
                    run.set_info(selected=True)
                summary = self._stage_feed(
                    source, index, run, harvester, mapper, complete=not records
                )
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
        with self.writer(wait) as writer, Mapper(self.jobs) as mapper, _writing(source):
            run = self._new_run(source, self.workspace.runs_dir / source.name / upload_id)
            run.set_info(upload=upload_id, report_dir=str(report_dir))
            try:
                harvester = self._harvester(source, {}, uploaded=True)
                summary = self._stage_feed(source, writer.index, run, harvester, mapper)
            except HarvestError:
                run.discard()  # never resumed by a harvest of the source's own location
                raise
            return self._judge_and_publish(writer, source, run, summary)

    def _harvester(
        self,
        source: SourceConfig,
        checkpoint: Mapping[str, Any],
        records: tuple[str, ...] = (),
        *,
        uploaded: bool = False,
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
                uploaded=uploaded,
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
                return self._publish(writer, [(source, run)]).record(summary)
        raise HarvestError("has no held run to publish", source=source.name)

    def remap(self, name: str) -> HarvestSummary | None:
        """Rebuild a source's graphs from the stored payloads, without harvesting. None: the
        source holds no record (its feed left none), so there is nothing to remap, and no run
        nor snapshot is made (``messages.NOTHING_TO_REMAP``); a source never harvested is an
        error, which says to harvest it first."""
        source = self.config.source(name)
        with self.writer() as writer, Mapper(self.jobs) as mapper:
            if not writer.index.count(source.name):  # an empty run would publish nothing
                if writer.index.runs(source.name):
                    return None
                raise HarvestError(
                    "has no stored records to map again: harvest it first", source=source.name
                )
            run = self._new_run(source)
            try:
                return self._remap(writer, mapper, source, run)
            except BaseException:
                run.discard()  # a failed remap (a map worker died) is run again, not resumed
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
        if self.workspace.mirrored(source.name):
            # A record its mapping gave the same output for is unchanged, as a harvest's
            # record whose payload did not change is, and nothing of it is written. (If a
            # remote server missed a write, every record is sent again: applying the run
            # is what mends the server.)
            same, statements = drop_held(
                self.settings, publishing(source), run, writer.store, writer.index
            )
            summary.changed -= same
            summary.unchanged += same
            summary.quads -= statements
        return self._judge_and_publish(writer, source, run, summary)

    def _published_quarantine(
        self, source: SourceConfig, run: Run, index: RecordIndex
    ) -> list[QuarantinedRecord]:
        """What a check's report lists beside its own quarantine, as a harvest's does: the
        entries earlier runs left in the source's quarantine that a run like the check's
        would leave there (an incremental feed read from where the last harvest ended does
        not read their records again; none after a complete feed, whose quarantine replaces
        the source's). Read from the published snapshot, which a check may read while a
        harvest or the server holds the working store: what the partner's readers see."""
        if run.info().get("complete") or self.workspace.published_path() is None:
            return []
        store = self.workspace.open_published()
        try:
            return standing_quarantine(self.settings, publishing(source), run, store, index)
        finally:
            store.close()

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
                run.note_standing(self._published_quarantine(source, run, index))
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
