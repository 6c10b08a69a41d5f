"""LIDO mapping throughput against lxml alone, and OAI-PMH harvest memory at two sizes.

    python bench/lido_throughput.py [--rounds N] [--skip-memory]

1. Records/s of the ``lido`` mapping (SourceRecord bytes → parsed → quads) on the LIDO test
   records (La Primavera, Fontana del Moro, twelve DDB records, the minimal record), next to
   parsing the same bytes with lxml alone — the floor no mapping can beat — in the same run,
   the two taking turns and timed in CPU time (the machine may be shared: compare ratios).
   Aim: ≥ 0.3× the floor.
2. Peak memory of a harvest from a real OAI-PMH server on 127.0.0.1 (tests/helpers/oai.py)
   of 10 pages and of 100 pages (20 records a page), each harvest — harvester and mapping of
   every record — in its own process: memory must not grow with the number of pages.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.helpers.oai, the test OAI-PMH server

from benchkit import BASE  # noqa: E402

from harvesters import SourceRecord, safe_parser  # noqa: E402
from mappings import MappingContext, get_mapping  # noqa: E402

LIDO_DIR = ROOT / "tests" / "data" / "lido"
LIDO_NS = "{http://www.lido-schema.org}"


def load_records() -> list[SourceRecord]:
    mapping = get_mapping("lido")
    records = []
    for path in sorted(LIDO_DIR.glob("*.xml")):
        root = etree.parse(str(path)).getroot()
        lidos = [root] if root.tag == LIDO_NS + "lido" else list(root.iter(LIDO_NS + "lido"))
        for lido in lidos:
            payload = etree.tostring(lido, encoding="utf-8")
            records.append(SourceRecord("ddb", mapping.identify(lido), payload, "application/xml"))
    return records


def rates(runs: list[Callable[[], None]], count: int, rounds: int) -> list[float]:
    """Records per second of each run: the best of ``rounds`` rounds, the runs taking turns in
    each round, timed in CPU time of this process. The machine is shared: wall time counts
    the time other processes held the CPU, and runs timed one after the other meet different
    loads; taking turns and CPU time keep the ratio of the runs steady."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for run, spent in zip(runs, times, strict=True):
            started = time.process_time()
            run()
            spent.append(time.process_time() - started)
    return [count / min(spent) for spent in times]


def throughput(rounds: int, repeat: int) -> None:
    records = load_records() * repeat
    mapping = get_mapping("lido")
    context = MappingContext(BASE, "ddb")
    parser = safe_parser()

    def floor() -> None:
        for record in records:
            etree.fromstring(record.payload, parser)

    quads = 0

    def museion() -> None:
        nonlocal quads
        quads = 0
        for record in records:
            quads += len(mapping.map(record, context).quads)

    floor_rate, museion_rate = rates([floor, museion], len(records), rounds)
    size = statistics.mean(len(r.payload) for r in records)
    print(
        f"LIDO records: {len(records)} (mean {size / 1024:.1f} KiB, "
        f"{quads / len(records):.0f} quads each; CPU time, best of {rounds} rounds)"
    )
    print(f"  lxml parse alone (floor): {floor_rate:10.0f} records/s")
    print(f"  lido mapping:             {museion_rate:10.0f} records/s")
    print(f"  ratio to the floor:       {museion_rate / floor_rate:10.3f}  (aim ≥ 0.3)")


CHILD = """
import json, sys, tracemalloc
sys.path.insert(0, sys.argv[3])
import harvesters
from harvesters.oaipmh import OaiOptions
from mappings import MappingContext, get_mapping
tracemalloc.start()
mapping = get_mapping("lido")
context = MappingContext("https://data.example.org/", "ddb")
spec = harvesters.SourceSpec(name="ddb", location=sys.argv[1], options=OaiOptions(),
                             identify=mapping.identify)
harvester = harvesters.create_harvester("oaipmh", spec)
count = quads = 0
for item in harvester:
    assert isinstance(item, harvesters.SourceRecord), item
    quads += len(mapping.map(item, context).quads)
    count += 1
assert count == int(sys.argv[2]), count
peak = tracemalloc.get_traced_memory()[1]
# VmHWM, not ru_maxrss: Linux counts the parent's pages at fork into the child's ru_maxrss.
status = open("/proc/self/status").read()
rss = int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:")))
print(json.dumps({"records": count, "pages": harvester.pages, "peak": peak, "rss_kib": rss}))
"""


def memory(page_size: int = 20) -> None:
    from tests.helpers.oai import Repository, serve_oai

    records = load_records()
    print(f"OAI-PMH harvest memory (harvester + mapping, {page_size} records a page):")
    for pages in (10, 100):
        repository = Repository()
        for n in range(pages * page_size):
            record = records[n % len(records)]
            lido = etree.fromstring(record.payload)
            found = lido.find(LIDO_NS + "lidoRecID")
            assert found is not None
            found.text = f"bench/{n}"
            repository.put(f"oai:bench:{n}", etree.tostring(lido, encoding="utf-8"))
        with serve_oai(page_size=page_size, repository=repository) as server:
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", CHILD, server.url, str(pages * page_size), str(ROOT)],
                capture_output=True,
                text=True,
                check=True,
            )
            seconds = time.perf_counter() - started
        result = json.loads(done.stdout)
        print(
            f"  {result['pages']:4d} pages, {result['records']:5d} records: "
            f"peak Python heap {result['peak'] / 2**20:6.1f} MiB, "
            f"peak RSS {result['rss_kib'] / 1024:6.1f} MiB, {seconds:5.1f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20, help="times the records are repeated")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    throughput(args.rounds, args.repeat)
    if not args.skip_memory:
        memory()


if __name__ == "__main__":
    main()
