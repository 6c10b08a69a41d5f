"""Incremental sync and bulk load, each against a baseline measured in the same run.

    python bench/incremental.py [--records N] [--load-records M]

1. A re-harvest in which 1% of the records changed, as a share of a full harvest of the same
   feed (aim: under 10%). The feed is the bundled CMOA and Tate samples repeated with fresh ids
   into one JSON Lines file per partner. Then two more re-harvests, each against the one
   before: 1% more records added (more of the samples' artworks with fresh ids: artists,
   places and terms the store already names), then 1% of the first records withdrawn.
2. Harvest + map + load of M records (default 50,000), next to ``oxigraph load`` (the
   ``oxigraph`` command from PyPI) of the N-Quads those records produce: the floor for putting
   the same quads into Oxigraph (aim: at most 2×).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchkit import feed_and_config, write_feed
from pyoxigraph import NamedNode, RdfFormat, serialize

from museion import Pipeline, Workspace, load_config


def timed_harvest(config_path: Path) -> float:
    config = load_config(config_path)
    started = time.perf_counter()
    Pipeline(config).harvest()
    return time.perf_counter() - started


def incremental(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = feed_and_config(root, count)
        full = timed_harvest(config)
        changed = frozenset(range(0, count, 100))  # 1%
        write_feed(root / "feed", count, changed)
        again = timed_harvest(config)
        grown = count + len(changed)
        write_feed(root / "feed", grown, changed)
        added = timed_harvest(config)
        withdrawn = frozenset(range(1, count, 100))
        write_feed(root / "feed", grown, changed, withdrawn)
        gone = timed_harvest(config)
    print(f"records: {count}; changed in the second harvest: {len(changed)} (1%)")
    print(f"full harvest             {full:8.2f} s")
    print(f"re-harvest, 1% changed   {again:8.2f} s   {again / full:6.1%} of the full harvest")
    print(f"re-harvest, 1% added     {added:8.2f} s   {added / full:6.1%}")
    print(f"re-harvest, 1% withdrawn {gone:8.2f} s   {gone / full:6.1%}")
    print(f"re-harvest / full = {again / full:.1%}  (aim < 10%)")


def bulk(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config_path = feed_and_config(root, count)
        seconds = timed_harvest(config_path)
        config = load_config(config_path)
        store = Workspace(config.data_dir).open_published()
        dump = root / "records.nq"
        with dump.open("wb") as out:
            quads = [
                q
                for q in store.oxigraph
                if isinstance(q.graph_name, NamedNode) and "/record/" in q.graph_name.value
            ]
            serialize(quads, out, format=RdfFormat.N_QUADS)
        count_quads = len(quads)
        store.close()
        oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        location = root / "floor"
        started = time.perf_counter()
        subprocess.run(
            [oxigraph, "load", "--location", str(location), "--file", str(dump)],
            check=True,
            capture_output=True,
        )
        floor = time.perf_counter() - started
    print(f"records: {count}; quads in their record graphs: {count_quads:,}")
    print(f"museion harvest + map + load + publish {seconds:8.2f} s")
    print(f"oxigraph load of the same N-Quads      {floor:8.2f} s")
    print(f"museion / oxigraph load = {seconds / floor:.2f}×  (aim ≤ 2×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--load-records", type=int, default=50_000)
    args = parser.parse_args()
    incremental(args.records)
    print()
    bulk(args.load_records)


if __name__ == "__main__":
    main()
