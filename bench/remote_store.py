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

The write check (``store.held``: after each batch, the server is asked what it holds of the
graphs written, dropped and the metadata's subjects updated) is timed twice on each remote
store: the checked harvest sums the seconds its check queries take (their count too), and the
same harvest is run again, on a fresh server, with the check turned off (``store.held.unheld``
replaced, in the harvest's own process, by one that finds everything held: a switch for this
bench only), for the ratio of the two runs.
"""

from __future__ import annotations

import argparse
import re
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


CHECKED = """
import atexit, sys, time
import store.held
from museion.cli import main

if sys.argv[1] == "checked":  # the check's queries timed
    counted, spent = store.held._counted, [0.0, 0]

    def timed(*args, **options):
        started = time.perf_counter()
        try:
            return counted(*args, **options)
        finally:
            spent[0] += time.perf_counter() - started
            spent[1] += 1

    store.held._counted = timed
    atexit.register(lambda: print(f"write check: {spent[0]:.6f} s in {spent[1]} queries"))
else:  # the check turned off: every batch found held
    store.held.unheld = lambda *args, **options: []
main(sys.argv[2:], prog_name="museion")
"""
"""The harvest of a remote store, in a child process: ``checked`` (its check's queries timed,
the sum printed at exit) or ``unchecked``, then ``museion``'s own arguments."""


def harvest(root: Path, feed: Path, store: str, check: str = "") -> Measured:
    """``museion harvest`` of the feed into a store in ``root`` (``store``: its keys);
    ``check``: "checked" or "unchecked", for a remote store (see ``CHECKED``)."""
    root.mkdir(parents=True)
    config = write_config(root, feed, store)
    command = [sys.executable, "-c", CHECKED, check] if check else [str(BIN / "museion")]
    return run_measured(
        [*command, "--config", str(config), "harvest"], f"the harvest in {root.name}", cwd=root
    )


def check_seconds(measured: Measured) -> tuple[float, int]:
    """(seconds, queries) of the write check, as the checked harvest printed them."""
    found = re.search(r"^write check: ([0-9.]+) s in ([0-9]+) queries$", measured.output, re.M)
    if found is None:
        sys.exit("the checked harvest did not say what its write check took")
    return float(found[1]), int(found[2])


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
        checks: list[tuple[str, Measured, Measured]] = []
        for name, server in servers:
            for graph_store in (True, False):
                how = "Graph Store Protocol" if graph_store else "SPARQL Update only"
                slug = f"{name.split()[0].lower()}-{'gsp' if graph_store else 'update'}"
                runs = {}
                for check in ("checked", "unchecked"):
                    with server(root / f"{slug}-{check}-data") as running:
                        keys = running.store_keys(graph_store=graph_store)
                        runs[check] = harvest(root / f"{slug}-{check}", feed, keys, check)
                measures += [
                    (f"{name}, {how}", runs["checked"]),
                    ("  the same, write check off", runs["unchecked"]),
                ]
                checks.append((f"{name}, {how}", runs["checked"], runs["unchecked"]))
    report(args.records, measures)
    report_checks(checks)


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


def report_checks(checks: list[tuple[str, Measured, Measured]]) -> None:
    print("\nwrite check: its queries' seconds in the checked harvest, and that harvest's")
    print("seconds against the same harvest with the check off")
    print(f"{'store':<44}{'check s':>9}{'queries':>9}{'share':>8}{'checked/off':>13}")
    for name, checked, unchecked in checks:
        seconds, queries = check_seconds(checked)
        print(
            f"{name:<44}{seconds:>9.2f}{queries:>9,}{seconds / checked.seconds:>8.1%}"
            f"{checked.seconds / unchecked.seconds:>12.2f}×"
        )


if __name__ == "__main__":
    main()
