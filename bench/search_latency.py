"""Search latency and index build time, against SPARQL CONTAINS/REGEX over labels in Oxigraph.

    python bench/search_latency.py [--sizes 10000 100000] [--harvest-max 10000] [--repeat 5]

(Named ``search_latency.py``, not ``search.py``: a script called ``search.py`` in ``bench/``
would shadow the ``search`` package it measures.)

For each size up to ``--harvest-max``, the bundled CMOA and Tate samples repeated with fresh
ids are harvested into a fresh data directory (which publishes, and so builds the search index
once); then:

1. the index is built again from the published snapshot, timed, as a share of the harvest
   (aim: at most 20%);
2. a mix of curator questions (words, folded names, facets, date and size ranges) is asked
   ``--repeat`` times through ``search.Searcher``: p50/p95 latency (aim: p95 ≤ 50 ms at 100k);
3. the same words as SPARQL over object and maker labels (``CONTAINS(LCASE(...))`` and
   ``REGEX(..., "i")``), count and first page, in the same published Oxigraph store.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from benchkit import BASE, feed_and_config

from museion import Pipeline, Workspace, load_config
from museion_core.vocab import CRM, RDFS
from search import FtsEngine, Searcher, build_snapshot_index, parse_facets
from search.extract import ObjectDoc, extract_objects
from store import Store

MIX: list[tuple[str, list[str]]] = [
    ("picasso", []),
    ("Durer", []),
    ("turner watercolour", []),
    ("paper", []),
    ("landscape", ["partner=tate"]),
    ("", ["partner=cmoa", "date=1900..1950"]),
    ("portrait", ["longest_side_cm<=50"]),
    ("", ["has_image=yes", "material=ink"]),
    ("photograph", ["date=1930..1960"]),
    ("bridge", []),
]
SPARQL_WORDS = ["picasso", "durer", "watercolour", "paper", "landscape", "portrait", "bridge"]


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):8.1f} ms   p95 {p95:8.1f} ms"


def latency(searcher: Searcher, repeat: int) -> None:
    wall: list[float] = []
    cpu: list[float] = []
    slowest: dict[str, float] = {}
    for _ in range(repeat):
        for text, facets in MIX:
            started, used = time.perf_counter(), time.process_time()
            result = searcher.search(parse_facets(facets, text=text))
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
            name = f"{text!r} {' '.join(facets)} ({result.total})"
            slowest[name] = min(slowest.get(name, 1e9), cpu[-1])
    print(f"search, wall time (n={len(wall)})       {percentiles(wall)}")
    print(f"search, CPU time                     {percentiles(cpu)}")
    for name, seconds in sorted(slowest.items(), key=lambda x: -x[1])[:3]:
        print(f"   slowest (CPU, best of {repeat}): {seconds * 1000:6.1f} ms  {name}")


def sparql_questions(word: str, regex: bool) -> list[str]:
    test = f'REGEX(?l, "{word}", "i")' if regex else f'CONTAINS(LCASE(STR(?l)), "{word}")'
    where = (
        f"?o {CRM.P50_has_current_keeper} ?k . "
        f"{{ ?o {RDFS.label} ?l }} UNION "
        f"{{ ?o {CRM.P108i_was_produced_by}/"
        f"{CRM.P14_carried_out_by}/"
        f"{RDFS.label} ?l }} FILTER({test})"
    )
    return [
        f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {where} }}",
        f"SELECT DISTINCT ?o WHERE {{ {where} }} LIMIT 20",
    ]


def run(size: int, repeat: int) -> list[ObjectDoc]:
    """Harvest ``size`` records, time the index build and the searches; the objects."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = load_config(feed_and_config(root, size))
        started = time.perf_counter()
        Pipeline(config).harvest()
        harvest = time.perf_counter() - started
        workspace = Workspace(config.data_dir)
        snapshot = workspace.published_path()
        assert snapshot is not None
        started = time.perf_counter()
        objects = build_snapshot_index(snapshot, BASE)
        build = time.perf_counter() - started
        print(f"\n== {size} records ({objects} objects indexed)")
        print(f"harvest (incl. one index build at publish) {harvest:8.1f} s")
        print(f"index build from the snapshot              {build:8.1f} s")
        share = build / max(harvest - build, 1e-9)
        print(f"index build / harvest without it = {share:.1%} (aim <= 20%)")
        latency(Searcher(workspace.published_dir), repeat)
        store = Store(snapshot, read_only=True)
        docs = list(extract_objects(store))
        timings: dict[str, list[float]] = {"contains": [], "regex": []}
        for _ in range(max(1, repeat // 2)):
            for word in SPARQL_WORDS:
                for kind, samples in timings.items():
                    started = time.perf_counter()
                    for question in sparql_questions(word, kind == "regex"):
                        list(store.select(question))
                    samples.append(time.perf_counter() - started)
        store.close()
    n = len(timings["contains"])
    print(f"SPARQL CONTAINS over labels, wall (n={n}) {percentiles(timings['contains'])}")
    print(f"SPARQL REGEX over labels, wall (n={n})    {percentiles(timings['regex'])}")
    return docs


def synthetic(size: int, docs: list[ObjectDoc], repeat: int) -> None:
    """The harvested objects repeated with fresh IRIs up to ``size``: index and latency."""
    copies = [
        dataclasses.replace(doc, iri=f"{doc.iri}/copy-{n}")
        for n in range(size // len(docs) + 1)
        for doc in docs
    ][:size]
    with tempfile.TemporaryDirectory() as tmp:
        published = Path(tmp) / "published"
        snapshot = published / "synthetic"
        snapshot.mkdir(parents=True)
        (published / "CURRENT").write_text("synthetic\n")
        started = time.perf_counter()
        FtsEngine().write(copies, published / "synthetic.search.sqlite", BASE)
        written = time.perf_counter() - started
        print(f"\n== {size} objects (synthetic: {len(docs)} harvested objects repeated)")
        print(f"index writing (without the SPARQL extraction) {written:8.1f} s")
        latency(Searcher(published), repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--harvest-max", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    docs: list[ObjectDoc] = []
    for size in sorted(args.sizes):
        if size <= args.harvest_max or not docs:
            docs = run(size, args.repeat)
        else:
            synthetic(size, docs, args.repeat)


if __name__ == "__main__":
    main()
