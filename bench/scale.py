"""Scale: harvest + map + load + publish of N records against ``oxigraph load``, in one run.

    python bench/scale.py [--records N ...] [--jobs N] [--keep DIR] [--streamed]

For each N (default 10,000 and 50,000; ``--records 1000000`` for the million-record run):

1. N records are generated from the bundled samples (CMOA and Tate artworks, half each) with
   fresh ids, as one JSON Lines file per partner (``bench/incremental.py``'s feed).
2. ``museion harvest`` reads, maps, loads and publishes them, in a child process.
3. The records of the published snapshot are dumped as N-Quads, each in its graph as the
   mapping made it (its record graph, and what it shares with other records, which Museion
   holds once in an entity graph), and ``oxigraph load`` (PyPI's ``oxigraph`` CLI) loads them
   into a fresh store: the floor for putting the same quads into Oxigraph.
   Then ``oxigraph optimize`` compacts that store, as a harvest's store is compacted before
   it is published: the floor for a compacted store, on a line of its own.
4. ``oxigraph load`` loads the same N-Quads once more with every triple also in the default
   graph: what a store that writes each triple twice (its record graph and a duplicate-free
   default graph, Museion's design until December 2026) paid for the copy, next to the floor.

With ``--streamed`` the same harvest runs first with every run's new records written by one
bulk load (``[store] stream_records = 1``), in a folder of its own, beside the default that
applies each run in batches.

Each line gives seconds, records/s, the ratio to the floor, the CPU seconds (user and system,
the child's and its descendants': less disturbed by a shared machine than the wall seconds)
and their ratio to the floor's, the disk the store uses, the most disk the run took while it
ran (a full compaction needs room beside what it rewrites) and the peak RSS of the child
process (``wait4``'s ``ru_maxrss``: the child and what it waited for). Under each line, its CPU
seconds by what spent them, sampled per thread: the process itself (for a harvest its Python
and the threads Oxigraph's bulk loader starts; for ``oxigraph load`` its loader), RocksDB's
background threads (compactions and flushes) and its child processes (the map workers).
The harvest's RSS (its map workers' included) is also sampled every ``POLL`` seconds into
``rss.tsv`` (seconds, bytes, CPU seconds so far) beside its log, and the bench says when it
peaked: in which stage a harvest's memory goes, and with the log's times where its CPU goes.

Above 100,000 records the default-copy load is left out, the dump is gzipped (``oxigraph
load`` reads it as it is) and Museion's data dir is removed once it is measured and dumped,
before ``oxigraph load`` runs: a million records would not fit on the disk twice. With
``--keep`` the data dir stays, and a run whose floor would not fit beside it stops, saying so.
``--min-free`` sets the free disk (GiB) under which a run (its dump too) stops itself.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, closing
from dataclasses import dataclass
from io import BufferedIOBase, BufferedWriter, RawIOBase
from pathlib import Path
from typing import TYPE_CHECKING

from benchkit import write_config, write_feed
from childproc import thread_cpu, tree_cpu, tree_rss
from pyoxigraph import RdfFormat

from museion import Workspace, load_config
from publish.shared import unpack

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

BIN = Path(sys.executable).parent
MIN_FREE = 20
"""GiB: a run stops itself when the disk it writes to has less free (``--min-free``)."""
POLL = 0.25
"""Seconds between looks at the child (and the free disk): the resolution of the timings."""
FLOOR_PEAK_PER_QUAD = 400
"""Bytes: the most disk ``oxigraph load`` takes per quad while it loads, about twice its
store's at the end (2.9 GB for 7.5 million quads: 1.5 GB once loaded), ``--non-atomic`` too."""
COPIES_UP_TO = 100_000
"""The default-copy load is measured up to this many records (its N-Triples double the dump)."""


@dataclass(frozen=True)
class Child:
    seconds: float
    peak_rss: int
    """Bytes."""
    peak_disk: int
    """Bytes: free disk at the start less the least seen while it ran."""
    peak_rss_at: float
    """Seconds from its start to the first of the highest RSS samples (with its children's)."""
    cpu: float
    """User and system CPU seconds of the child and its descendants (its map workers): on a
    shared machine, less disturbed than the wall seconds by what else runs."""
    cpu_by: dict[str, float]
    """The CPU seconds of its threads as sampled, by what they do (``childproc.thread_cpu``):
    where a harvest's CPU goes beside the floor's. Up to a poll's CPU short for each thread
    that ended between two looks."""


@dataclass(frozen=True)
class Measure:
    what: str
    child: Child
    """The time, peak RSS and peak disk of the step's process."""
    disk: int
    """Bytes: what the step's store holds on disk at the end."""

    @property
    def seconds(self) -> float:
        return self.child.seconds


def run_child(
    args: list[str], log: Path, watch: Path, min_free: int, trace: Path | None = None
) -> Child:
    """Time, peak RSS and peak disk of a child process; its output goes to ``log``, and its
    RSS with its own children's, sampled every ``POLL`` seconds, to ``trace`` (seconds and
    bytes, tab-separated).

    The disk is shared: if its free space falls under ``min_free`` bytes the child is stopped
    and the run ends, saying how far it got (the records the index holds, the disk ``watch``
    uses) rather than filling the disk for everyone else. The peak disk is the fall of the
    disk's free space, looked at every ``POLL`` seconds: other writers to the disk count too.
    """
    started = time.perf_counter()
    free_at_start = least_free = shutil.disk_usage(watch).free
    highest, highest_at = 0, 0.0
    spent: dict[int, float] = {}  # each process's CPU seconds when last seen
    threads: dict[tuple[int, int], tuple[str, float]] = {}  # and each thread's
    with ExitStack() as files:
        out = files.enter_context(log.open("ab"))
        samples = files.enter_context(trace.open("w")) if trace is not None else None
        child = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            rss, at = tree_rss(child.pid)[0] * 1024, time.perf_counter() - started
            spent.update(tree_cpu(child.pid))
            threads.update(thread_cpu(child.pid))
            if rss > highest:
                highest, highest_at = rss, at
            if samples is not None:
                samples.write(f"{at:.2f}\t{rss}\t{sum(spent.values()):.2f}\n")
            free = shutil.disk_usage(watch).free
            least_free = min(least_free, free)
            if free < min_free:
                child.terminate()
                _, status, usage = os.wait4(child.pid, 0)
                stopped(watch, time.perf_counter() - started, usage.ru_maxrss * 1024, min_free)
            time.sleep(POLL)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{args[0]} failed ({child.returncode}); see {log}")
    peak_disk = max(0, free_at_start - least_free)
    # wait4 counts the child and the descendants it waited for; the samples, those it did
    # not wait for too (up to a poll's CPU short for each): the larger of the two.
    cpu = max(usage.ru_utime + usage.ru_stime, sum(spent.values()))
    cpu_by: dict[str, float] = {}
    for what, seconds_spent in threads.values():
        cpu_by[what] = cpu_by.get(what, 0.0) + seconds_spent
    return Child(seconds, usage.ru_maxrss * 1024, peak_disk, highest_at, cpu, cpu_by)


def count_rows(database: Path, table: str) -> int:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def stopped(root: Path, seconds: float, rss: int, min_free: int) -> None:
    """End a run stopped half way, with how far it got: the records mapped and staged, and
    the records loaded (those the index holds)."""
    store = root / "store"
    staged = sum(count_rows(run, "staged") for run in store.glob("runs/*/*/run.sqlite"))
    index = store / "records.sqlite"
    loaded = count_rows(index, "records") if index.exists() else 0
    sys.exit(
        f"stopped after {seconds:,.0f} s: less than {min_free / 2**30:.0f} GiB free on the disk; "
        f"records staged: {staged:,}, loaded: {loaded:,}; disk used: "
        f"{disk_used(root) / 2**30:.1f} GiB; peak RSS: {rss / 2**20:,.0f} MiB"
    )


def check_free(watch: Path, min_free: int) -> None:
    """End the run, outside a child process, when the disk ``watch`` is on has less than
    ``min_free`` bytes free."""
    free = shutil.disk_usage(watch).free
    if free < min_free:
        sys.exit(
            f"stopped while dumping the record graphs: {free / 2**30:.1f} GiB free on the disk, "
            f"less than {min_free / 2**30:.0f} GiB; disk used: {disk_used(watch) / 2**30:.1f} GiB"
        )


def disk_used(path: Path) -> int:
    """Bytes of the files under ``path`` (hard links counted once: snapshots share files)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for file in path.rglob("*"):
        info = file.lstat()
        if file.is_file() and (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            total += info.st_blocks * 512
    return total


class RecordQuads(RawIOBase):
    """The file-like output ``Store.dump`` writes N-Quads to: keeps the lines whose graph is
    one of ``graphs`` (the live record graphs), writes them to ``out`` and (if ``copy``) their
    triples to ``copy``, and counts them.

    Oxigraph writes chunks of a few KiB that end anywhere in a line; the end of one is kept for
    the next. A line's graph is its last IRI, `` <...> .``: an IRI holds no space and no ``<``
    and a literal's line breaks are escaped, so the last `` <`` of a line in a named graph opens
    its graph; a line of the default graph (``s p o .``) whose object happens to be a record
    graph's IRI has one space before it, not two."""

    def __init__(
        self,
        graphs: set[bytes],
        out: BufferedIOBase,
        copy: BufferedIOBase | None,
        watch: Path,
        min_free: int,
    ) -> None:
        super().__init__()
        self.graphs = graphs
        self.out, self.copy = out, copy
        self.watch, self.min_free = watch, min_free
        self.rest = b""
        self.count = 0
        self.dumped = 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        size = len(memoryview(data))
        lines = (self.rest + bytes(data)).split(b"\n")
        self.rest = lines.pop()
        kept, triples = [], []
        for line in lines:
            at = line.rfind(b" <")
            if (
                line.endswith(b"> .")
                and line[at + 2 : -3] in self.graphs
                and line.count(b" ", 0, at) >= 2
            ):
                kept.append(line)
                triples.append(line[:at])
        if kept:
            self.count += len(kept)
            self.out.write(b"\n".join(kept) + b"\n")
            if self.copy is not None:
                self.copy.write(b" .\n".join(triples) + b" .\n")
        before, self.dumped = self.dumped, self.dumped + size
        if before >> 28 != self.dumped >> 28:  # every 256 MiB of the store's dump
            check_free(self.watch, self.min_free)
        return size


def dump_records(
    config: Path, records: Path, copies: Path | None, watch: Path, min_free: int
) -> int:
    """Write the records as the mapping made them, each in its graph, as N-Quads (gzipped if
    ``records`` ends in ``.gz``), and (if ``copies``) their triples as N-Triples (the
    default-graph copies a store writing each triple twice would add); return how many quads.

    A record graph of the published snapshot holds what its record says of its own nodes;
    what it shares with other records (its artist's names) is in an entity graph, once, and
    the record index lists each record's shared statements (``publish.shared``): the dump
    gives each record graph those lines again, so that the floor loads what the mapping made.

    Two passes, each streaming: Oxigraph's writer dumps the whole snapshot once as N-Quads,
    of which ``RecordQuads`` keeps the lines in a live record graph (one ``dump`` per graph
    is a lookup per graph: a million at a million records); then the index gives each record
    its shared lines (N-Triples: a line ends in `` .\n`` and nowhere else, since a literal's
    line breaks are escaped) with its graph name. Stops, as a run does, when the disk
    ``watch`` is on has less than ``min_free`` bytes free."""
    data_dir = load_config(config).data_dir
    published = Workspace(data_dir).open_published()
    with ExitStack() as files:
        files.callback(published.close)
        out: BufferedIOBase
        if records.suffix == ".gz":
            out = files.enter_context(gzip.open(records, "wb", compresslevel=1))
        else:
            out = files.enter_context(records.open("wb"))
        copy = files.enter_context(copies.open("wb")) if copies else None
        index = files.enter_context(closing(sqlite3.connect(data_dir / "records.sqlite")))
        live = "SELECT graph, statements FROM records WHERE deleted_at IS NULL"
        graphs = {graph.encode() for graph, _ in index.execute(live)}
        own = RecordQuads(graphs, out, copy, watch, min_free)
        with BufferedWriter(own, 2**20) as writer:
            published.oxigraph.dump(writer, RdfFormat.N_QUADS)
        if own.rest:
            raise ValueError(f"the dump ends in the middle of a line: {own.rest[:200]!r}")
        del graphs
        count = own.count
        lines = {int(d): bytes(t) for d, t in index.execute("SELECT digest, line FROM statements")}
        for graph, packed in index.execute(live):
            triples = b"".join(lines[d] for d in unpack(packed))
            count += triples.count(b"\n")
            out.write(triples.replace(b" .\n", f" <{graph}> .\n".encode()))
            if copy is not None:
                copy.write(triples)
    return count


def oxigraph_load(
    what: str, root: Path, files: list[Path], min_free: int, *, optimized: str | None = None
) -> list[Measure]:
    """``oxigraph load`` of ``files`` into a fresh store (removed afterwards); with
    ``optimized``, also that load followed by ``oxigraph optimize`` of its store, under that
    name.

    ``oxigraph load`` leaves its store as its bulk loads wrote it, uncompacted (it suggests
    ``oxigraph optimize`` before a read-heavy workload); a harvest publishes a store RocksDB
    has compacted, in its background threads while it writes and once before its snapshot.
    The second line is the floor for a store in that state."""
    oxigraph = shutil.which("oxigraph") or str(BIN / "oxigraph")
    location = root / "oxigraph"
    args = [oxigraph, "load", "--location", str(location), "--file", *map(str, files)]
    child = run_child(args, root / "log.txt", root, min_free)
    measures = [Measure(what, child, disk_used(location))]
    if optimized is not None:
        args = [oxigraph, "optimize", "--location", str(location)]
        then = run_child(args, root / "log.txt", root, min_free)
        both = Child(
            child.seconds + then.seconds,
            max(child.peak_rss, then.peak_rss),
            max(child.peak_disk, then.peak_disk),
            child.peak_rss_at,
            child.cpu + then.cpu,
            {
                key: child.cpu_by.get(key, 0.0) + then.cpu_by.get(key, 0.0)
                for key in {*child.cpu_by, *then.cpu_by}
            },
        )
        measures.append(Measure(optimized, both, disk_used(location)))
    shutil.rmtree(location)
    return measures


def measure(
    count: int, jobs: int, root: Path, min_free: int, *, keep: bool, streamed: bool = False
) -> list[Measure]:
    log = root / "log.txt"
    write_feed(root / "feed", count)
    config = write_config(root, root / "feed")
    harvest = [str(BIN / "museion"), "-c", str(config), "harvest", "--jobs", str(jobs)]
    before = [harvest_streamed(root, jobs, min_free)] if streamed else []
    print(f"  {count:,} records: harvest (log: {log})", flush=True)
    child = run_child(harvest, log, root, min_free, trace=root / "rss.tsv")
    shutil.rmtree(root / "feed")
    museion = Measure("museion harvest + map + load + publish", child, disk(root))
    print(
        f"  {museion.seconds:,.0f} s, its RSS highest {child.peak_rss_at:,.0f} s in "
        f"(samples: {root / 'rss.tsv'}); dumping the record graphs",
        flush=True,
    )
    started = time.perf_counter()
    if count <= COPIES_UP_TO:
        records = root / "records.nq"
        copies: Path | None = root / "copies.nt"
        quads = dump_records(config, records, copies, root, min_free)
    else:
        # The data dir and the floor's store would not fit on the disk together: the dump is
        # gzipped, which oxigraph load reads as it is (by its ending; a plain copy of it would
        # take 30 GB at a million records), and the data dir, measured, is removed first.
        records, copies = root / "records.nq.gz", None
        quads = dump_records(config, records, None, root, min_free)
    print(f"  dumped in {time.perf_counter() - started:,.0f} s", flush=True)
    if copies is None:
        make_room(load_config(config).data_dir, quads, museion, keep, min_free)
    print(f"  {quads:,} quads in record graphs; oxigraph load", flush=True)
    floor, compacted = oxigraph_load(
        "oxigraph load, record graphs",
        root,
        [records],
        min_free,
        optimized="oxigraph load + optimize, record graphs",
    )
    measures = [museion, floor, compacted, *before]
    if copies is not None:
        measures += oxigraph_load(
            "oxigraph load, records + default copies", root, [records, copies], min_free
        )
        copies.unlink()
    records.unlink()
    return measures


def make_room(data_dir: Path, quads: int, museion: Measure, keep: bool, min_free: int) -> None:
    """Remove Museion's data dir before the floor's load, unless ``keep``; say so if
    ``oxigraph load`` would bring the free disk under ``min_free`` bytes at its peak (and stop,
    with the harvest's time, if ``keep`` is the cause)."""
    if not keep:
        shutil.rmtree(data_dir)
    need = quads * FLOOR_PEAK_PER_QUAD
    free = shutil.disk_usage(data_dir.parent).free
    if free - need >= min_free:
        return
    fit = (
        f"oxigraph load takes about {need / 2**30:.0f} GiB at its peak for {quads:,} quads; "
        f"{free / 2**30:.0f} GiB are free and --min-free is {min_free / 2**30:.0f} GiB"
    )
    if keep:
        sys.exit(
            f"--keep: {fit}, beside the kept data dir {data_dir} "
            f"({museion.disk / 2**30:.0f} GiB). The harvest took {museion.seconds:,.0f} s; "
            "run without --keep to measure the floor."
        )
    print(f"  {fit}: the load may stop itself", flush=True)


def harvest_streamed(root: Path, jobs: int, min_free: int) -> Measure:
    """The same harvest with every run's new records written by one bulk load (``[store]
    stream_records = 1``), in a folder of its own, removed once measured."""
    folder = root / "streamed"
    folder.mkdir()
    config = write_config(folder, root / "feed", "stream_records = 1\n")
    harvest = [str(BIN / "museion"), "-c", str(config), "harvest", "--jobs", str(jobs)]
    print(f"  the same harvest, new records streamed (log: {folder / 'log.txt'})", flush=True)
    child = run_child(harvest, folder / "log.txt", root, min_free, trace=folder / "rss.tsv")
    measured = Measure("museion, stream_records = 1", child, disk(folder))
    shutil.rmtree(folder / "store")
    return measured


def disk(root: Path) -> int:
    """The working store and its published snapshots (what a deployment keeps on disk)."""
    return disk_used(root / "store")


def report(count: int, measures: list[Measure]) -> None:
    floor, floor_cpu = measures[1].seconds, measures[1].child.cpu
    print(f"\n{count:,} records")
    print(
        f"  {'':42} {'seconds':>9} {'records/s':>10} {'ratio':>6} {'CPU s':>8} {'ratio':>6} "
        f"{'disk':>9} {'peak disk':>10} {'peak RSS':>9}"
    )
    for m in measures:
        print(
            f"  {m.what:42} {m.seconds:9.1f} {count / m.seconds:10,.0f} "
            f"{m.seconds / floor:5.2f}× {m.child.cpu:8.1f} {m.child.cpu / floor_cpu:5.2f}× "
            f"{m.disk / 2**20:7,.0f} M {m.child.peak_disk / 2**20:8,.0f} M "
            f"{m.child.peak_rss / 2**20:7,.0f} M"
        )
        by = sorted(m.child.cpu_by.items(), key=lambda item: -item[1])
        print("      CPU s: " + " · ".join(f"{what} {spent:,.1f}" for what, spent in by))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="work in DIR and keep it (else a temp dir)")
    parser.add_argument(
        "--min-free",
        type=float,
        default=MIN_FREE,
        help=f"GiB: stop when the disk has less free (default {MIN_FREE})",
    )
    parser.add_argument(
        "--streamed",
        action="store_true",
        help="also harvest with each run's new records in one bulk load (stream_records = 1)",
    )
    args = parser.parse_args()
    min_free = int(args.min_free * 2**30)
    results = []
    for count in args.records:
        if args.keep:
            root = args.keep / str(count)
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            results.append(
                (
                    count,
                    measure(count, args.jobs, root, min_free, keep=True, streamed=args.streamed),
                )
            )
        else:
            with tempfile.TemporaryDirectory() as tmp:
                measured = measure(
                    count, args.jobs, Path(tmp), min_free, keep=False, streamed=args.streamed
                )
                results.append((count, measured))
        report(*results[-1])
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = last[1][0].child.peak_rss / first[1][0].child.peak_rss
        print(f"\npeak RSS, {last[0]:,} against {first[0]:,} records: {growth:.2f}×")


if __name__ == "__main__":
    main()
