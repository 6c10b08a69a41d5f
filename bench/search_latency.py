"""Search latency and index build time, against SPARQL CONTAINS/REGEX over labels in Oxigraph.

    python bench/search_latency.py [--sizes 10000 100000] [--repeat 5]

(Named ``search_latency.py``, not ``search.py``: a script called ``search.py`` in ``bench/``
would shadow the ``search`` package it measures.)

For each size, the bundled CMOA and Tate samples repeated with fresh ids are harvested into a
fresh data directory (which publishes, and so builds the search index once); then:

1. the index is built again from the published snapshot, timed, as a share of the harvest
   (aim: at most 20%);
2. a mix of curator questions (words, folded names, facets, date and size ranges) is asked
   ``--repeat`` times through ``search.Searcher``: p50/p95 latency (aim: p95 ≤ 50 ms at 100k);
3. the same words as SPARQL over object and maker labels (``CONTAINS(LCASE(...))`` and
   ``REGEX(..., "i")``), count and first page, in the same published Oxigraph store.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from museion import Pipeline, Workspace, load_config
from museion.demo import examples_dir
from search import Searcher, build_snapshot_index, parse_facets
from store import Store

BASE = "https://data.example.org/"
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


def write_feed(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    cmoa = [json.loads(p.read_bytes()) for p in sorted((examples_dir() / "cmoa").glob("*.json"))]
    tate = [
        json.loads(p.read_bytes())
        for p in sorted((examples_dir() / "tate" / "artworks").glob("*.json"))
    ]
    with (folder / "cmoa.jsonl").open("w") as a, (folder / "tate.jsonl").open("w") as b:
        for n in range(count):
            if n % 2:
                record = dict(cmoa[n % len(cmoa)], id=f"cmoa:things/copy-{n}")
                a.write(json.dumps(record) + "\n")
            else:
                b.write(json.dumps(dict(tate[n % len(tate)], acno=f"X{n:07d}")) + "\n")


def write_config(folder: Path, feed: Path) -> Path:
    path = folder / "museion.toml"
    sources = "".join(
        f'[[sources]]\nname = "{name}"\nkind = "files"\nlocation = "{feed / (name + ".jsonl")}"\n'
        f'mapping = "{name}"\n[sources.partner]\nlabel = "{name}"\n'
        for name in ("cmoa", "tate")
    )
    path.write_text(f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n{sources}')
    return path


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):8.1f} ms   p95 {p95:8.1f} ms   (n={len(ms)})"


def sparql_questions(word: str, regex: bool) -> list[str]:
    test = f'REGEX(?l, "{word}", "i")' if regex else f'CONTAINS(LCASE(STR(?l)), "{word}")'
    where = (
        "?o <http://www.cidoc-crm.org/cidoc-crm/P50_has_current_keeper> ?k . "
        "{ ?o <http://www.w3.org/2000/01/rdf-schema#label> ?l } UNION "
        "{ ?o <http://www.cidoc-crm.org/cidoc-crm/P108i_was_produced_by>/"
        "<http://www.cidoc-crm.org/cidoc-crm/P14_carried_out_by>/"
        f"<http://www.w3.org/2000/01/rdf-schema#label> ?l }} FILTER({test})"
    )
    return [
        f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {where} }}",
        f"SELECT DISTINCT ?o WHERE {{ {where} }} LIMIT 20",
    ]


def run(size: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_feed(root / "feed", size)
        config = load_config(write_config(root, root / "feed"))
        started = time.perf_counter()
        Pipeline(config).harvest()
        harvest = time.perf_counter() - started
        workspace = Workspace(config.data_dir)
        snapshot = workspace.published_path()
        assert snapshot is not None
        started = time.perf_counter()
        objects = build_snapshot_index(snapshot, BASE)
        build = time.perf_counter() - started
        searcher = Searcher(workspace.published_dir)
        fts: list[float] = []
        for _ in range(repeat):
            for text, facets in MIX:
                started = time.perf_counter()
                searcher.search(parse_facets(facets, text=text))
                fts.append(time.perf_counter() - started)
        store = Store(snapshot, read_only=True)
        timings: dict[str, list[float]] = {"contains": [], "regex": []}
        for _ in range(max(1, repeat // 2)):
            for word in SPARQL_WORDS:
                for kind, samples in timings.items():
                    started = time.perf_counter()
                    for question in sparql_questions(word, kind == "regex"):
                        list(store.select(question))
                    samples.append(time.perf_counter() - started)
        store.close()
    print(f"\n== {size} records ({objects} objects indexed)")
    print(f"harvest (incl. one index build at publish) {harvest:8.1f} s")
    print(f"index build from the snapshot              {build:8.1f} s")
    print(
        f"index build / harvest without it = {build / max(harvest - build, 1e-9):.1%} (aim <= 20%)"
    )
    print(f"search (FTS5, count + page + facets)   {percentiles(fts)}")
    print(f"SPARQL CONTAINS over labels (count+page) {percentiles(timings['contains'])}")
    print(f"SPARQL REGEX over labels (count+page)    {percentiles(timings['regex'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for size in args.sizes:
        run(size, args.repeat)


if __name__ == "__main__":
    main()
