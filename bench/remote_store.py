"""The remote store: a harvest into `oxigraph serve` and Virtuoso against the embedded store.

    python bench/remote_store.py [--records N] [--no-virtuoso]

N records (default 2,000) are generated from the bundled samples with fresh ids
(``benchkit.write_feed``, the feed of ``bench/scale.py``), then ``museion harvest`` reads, maps,
loads and publishes them in a child process, once per store, each in a folder of its own:

1. the embedded store (the baseline);
2. ``oxigraph serve`` (PyPI ``oxigraph``) with its Graph Store Protocol endpoint: each record
   graph is one PUT;
3. the same server through SPARQL Update only (no ``graph_store_endpoint``): a batch of
   graphs is one DROP and one INSERT DATA;
4. and 5. the same two against Virtuoso Open Source 7 (Debian's ``virtuoso-opensource-7``,
   which ``make virtuoso`` installs), unless ``--no-virtuoso`` or it is missing.

Each line gives the harvest's wall seconds, records/s, the ratio to the embedded store's
seconds, the harvest's CPU seconds (``wait4``: the harvest and its map workers, not the server)
and its peak RSS. The servers run on 127.0.0.1 beside the harvest, sharing its two cores: the
ratio says what writing through the SPARQL protocols costs on one machine, not on a cluster.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from benchkit import write_config, write_feed
from childproc import Measured, run_measured

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the servers of the tests
from tests.helpers.sparql_servers import (
    SparqlServer,
    oxigraph_serve,
    virtuoso,
)

BIN = Path(sys.executable).parent


def harvest(root: Path, feed: Path, store: str) -> Measured:
    """``museion harvest`` of the feed into a store in ``root`` (``store``: its keys)."""
    root.mkdir(parents=True)
    config = write_config(root, feed, store)
    return run_measured(
        [str(BIN / "museion"), "--config", str(config), "harvest"],
        f"the harvest in {root.name}",
        cwd=root,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--no-virtuoso", action="store_true")
    args = parser.parse_args()
    servers: list[tuple[str, Callable[[Path], AbstractContextManager[SparqlServer]]]] = [
        ("oxigraph serve", oxigraph_serve)
    ]
    if not args.no_virtuoso and shutil.which("virtuoso-t"):
        servers.append(("Virtuoso 7", virtuoso))
    with tempfile.TemporaryDirectory(prefix="museion-remote-bench-") as work:
        root = Path(work)
        feed = root / "feed"
        write_feed(feed, args.records)
        measures = [("embedded store (baseline)", harvest(root / "embedded", feed, ""))]
        for name, server in servers:
            for graph_store in (True, False):
                how = "Graph Store Protocol" if graph_store else "SPARQL Update only"
                slug = f"{name.split()[0].lower()}-{'gsp' if graph_store else 'update'}"
                with server(root / f"{slug}-data") as running:
                    keys = running.store_keys(graph_store=graph_store)
                    measures.append((f"{name}, {how}", harvest(root / slug, feed, keys)))
    report(args.records, measures)


def report(count: int, measures: list[tuple[str, Measured]]) -> None:
    base = measures[0][1].seconds
    print(f"{count:,} records, `museion harvest` (read, map, load, publish) into each store")
    print(f"{'store':<44}{'seconds':>9}{'records/s':>11}{'ratio':>8}{'CPU s':>8}{'peak RSS':>11}")
    for name, measured in measures:
        print(
            f"{name:<44}{measured.seconds:>9.1f}{count / measured.seconds:>11,.0f}"
            f"{measured.seconds / base:>7.2f}×{measured.cpu:>8.1f}"
            f"{measured.peak_rss / 2**20:>8,.0f} MB"
        )


if __name__ == "__main__":
    main()
