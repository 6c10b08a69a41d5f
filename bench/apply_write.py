"""Applying a staged run (``publish.apply_run``) against one ``bulk_load`` of the same quads.

    python bench/apply_write.py --from DIR       # a kept scale run: bench/scale.py --keep DIR
    python bench/apply_write.py --records N      # harvest N records first (into a temp dir)

Issue 14 (scale) found the apply to be most of a harvest's time and the working store and its
snapshot several times the disk ``oxigraph load`` needs. This bench isolates that phase: the
staged runs of a harvest (their ``run.sqlite``, copied) are applied into a fresh working store
and record index, in a child process, and then snapshotted as a publish does (a backup: hard
links). Beside it, in the same run, the floor: the same record graphs with their
default-graph copies, written to one N-Quads file and loaded by one ``Store.bulk_load`` into a
fresh store. The apply is measured in batches (each batch of new records one bulk load) and
with the new records of each run streamed into one bulk load (``[store] stream_records``).
Each line gives seconds, the disk the store uses (after the snapshot: store and
snapshot together, hard links counted once) and the child's peak RSS (``wait4``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from contextlib import closing
from pathlib import Path

from benchkit import feed_and_config
from childproc import run_measured
from pyoxigraph import NamedNode, RdfFormat
from pyoxigraph import Store as OxStore
from scale import disk_used

from museion import load_config
from museion.stages import publishing
from publish import PublishSettings, RecordIndex, Run, apply_run
from store import Store
from store.oxigraph import without_graph_name

BIN = Path(sys.executable).parent


def staged_runs(data_dir: Path) -> list[Path]:
    """The run folders (holding ``run.sqlite``) of a harvested data directory."""
    return sorted(p.parent for p in (data_dir / "runs").glob("*/*/run.sqlite"))


def child(args: list[str]) -> tuple[float, int, dict[str, float]]:
    """Run this script with ``args`` in a child; its wall seconds, peak RSS (bytes) and the
    figures it printed as its last line (JSON), with its CPU seconds (user and system: less
    disturbed than wall seconds by other work on a shared machine) as ``cpu``."""
    run = run_measured([sys.executable, __file__, *args], f"the child {args}")
    figures: dict[str, float] = json.loads(run.output.strip().splitlines()[-1])
    figures["cpu"] = run.cpu
    return run.seconds, run.peak_rss, figures


def do_apply(
    config_path: Path,
    runs: list[Path],
    work: Path,
    optimize: bool,
    write_mb: float | None,
    *,
    stream: bool = False,
) -> None:
    """(Child) Apply ``runs`` (copied into ``work``) into a fresh store and index; snapshot.
    ``stream``: the new records of every run by one streamed bulk load (``stream_records``
    1), else in batches (0)."""
    config = load_config(config_path)
    settings = PublishSettings(base_iri=config.base_iri, stream_records=1 if stream else 0)
    if write_mb is not None:
        settings = dataclasses.replace(settings, write_bytes=int(write_mb * 2**20))
    sources = {s.name: s for s in config.sources}
    store = Store(work / "store" / "working")
    index = RecordIndex(work / "records.sqlite")
    figures: dict[str, float] = {}
    started = time.perf_counter()
    for folder in runs:
        copy = work / "runs" / folder.parent.name / folder.name
        copy.mkdir(parents=True)
        with (
            closing(sqlite3.connect(folder / "run.sqlite")) as src,
            closing(sqlite3.connect(copy / "run.sqlite")) as dst,
        ):
            src.backup(dst)  # with what its write-ahead log holds
        run = Run.open(copy)
        apply_run(settings, publishing(sources[folder.parent.name]), run, store, index)
        run.close()
    figures["apply"] = time.perf_counter() - started
    if optimize:
        started = time.perf_counter()
        store.optimize()
        figures["optimize"] = time.perf_counter() - started
    store.flush()
    figures["quads"] = len(store)
    figures["working"] = disk_used(work / "store" / "working")
    started = time.perf_counter()
    store.backup(work / "store" / "snapshot")
    figures["backup"] = time.perf_counter() - started
    store.close()
    index.close()
    figures["disk"] = disk_used(work / "store")  # hard links counted once
    print(json.dumps(figures))


def do_floor(runs: list[Path], work: Path) -> None:
    """(Child) One ``bulk_load`` of the staged record graphs and their default copies."""
    text = work / "all.nq"
    with text.open("wb") as out:
        for folder in runs:
            with closing(sqlite3.connect(f"file:{folder / 'run.sqlite'}?mode=ro", uri=True)) as db:
                for graph, packed in db.execute("SELECT graph, quads FROM staged"):
                    quads = zlib.decompress(packed)
                    out.write(quads)
                    out.write(without_graph_name(NamedNode(graph), quads))
    started = time.perf_counter()
    store = OxStore(str(work / "floor"))
    store.bulk_load(path=str(text), format=RdfFormat.N_QUADS)
    store.flush()
    seconds = time.perf_counter() - started
    count = len(store)
    del store
    text.unlink()
    used = disk_used(work / "floor")
    print(json.dumps({"apply": seconds, "quads": count, "working": used, "disk": used}))


def harvest(count: int, root: Path) -> Path:
    """Harvest ``count`` generated records into ``root`` (a child ``museion harvest``)."""
    config = feed_and_config(root, count)
    print(f"  harvesting {count:,} records into {root} ...", flush=True)
    subprocess.run(
        [str(BIN / "museion"), "-c", str(config), "harvest"],
        check=True,
        cwd=root.parent,
        stdout=subprocess.DEVNULL,
    )
    return config


def measure(config: Path, rounds: int, optimize: bool, budgets: list[float]) -> None:
    data_dir = load_config(config).data_dir
    runs = staged_runs(data_dir)
    records = 0
    for folder in runs:
        with closing(sqlite3.connect(f"file:{folder / 'run.sqlite'}?mode=ro", uri=True)) as db:
            records += int(db.execute("SELECT COUNT(*) FROM staged").fetchone()[0])
    print(f"{records:,} staged records in {len(runs)} runs of {data_dir}")
    print(
        f"  {'':34} {'wall s':>7} {'cpu s':>7} {'write s':>8} {'quads':>10} {'store':>8} "
        f"{'+snapshot':>10} {'peak RSS':>9}"
    )
    names = [str(r) for r in runs]
    for _ in range(rounds):
        lines = [("one bulk_load (floor)", ["--floor", *names])]
        apply = ["--apply", str(config), *names]
        lines.append(("apply_run, in batches", apply))
        lines.append(("apply_run, new records streamed", ["--stream", *apply]))
        for mb in budgets:
            lines.append((f"apply_run, writes of {mb:g} MB", ["--write-mb", str(mb), *apply]))
        if optimize:
            lines.append(("apply_run + optimize", ["--optimize", *apply]))
            lines.append(("apply_run streamed + optimize", ["--optimize", "--stream", *apply]))
        for what, args in lines:
            with tempfile.TemporaryDirectory() as tmp:
                seconds, rss, f = child(["--work", tmp, *args])
            print(
                f"  {what:34} {seconds:7.1f} {f['cpu']:7.1f} {f['apply']:8.1f} "
                f"{int(f['quads']):10,} {f['working'] / 2**20:6,.0f} M {f['disk'] / 2**20:8,.0f} M "
                f"{rss / 2**20:7,.0f} M"
                + (f"  (optimize {f['optimize']:.1f} s)" if "optimize" in f else ""),
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", type=Path, help="a kept bench/scale.py folder")
    parser.add_argument("--records", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--optimize", action="store_true", help="also measure Store.optimize()")
    parser.add_argument(
        "--write-mb",
        type=float,
        nargs="*",
        default=[],
        help="also apply with these write budgets (PublishSettings.write_bytes, in MiB)",
    )
    parser.add_argument("--stream", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--apply", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--floor", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.apply:
        budget = args.write_mb[0] if args.write_mb else None
        runs = [Path(p) for p in args.apply[1:]]
        do_apply(Path(args.apply[0]), runs, args.work, args.optimize, budget, stream=args.stream)
    elif args.floor:
        do_floor([Path(p) for p in args.floor], args.work)
    elif args.source:
        measure(args.source / "museion.toml", args.rounds, args.optimize, args.write_mb)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "bench"
            root.mkdir()
            measure(harvest(args.records, root), args.rounds, args.optimize, args.write_mb)


if __name__ == "__main__":
    main()
