"""Mapping throughput against two baselines in the same run, and harvest memory at two sizes.

    python bench/map_throughput.py [--rounds N] [--skip-memory]

1. Records/s of Museion's mapping (SourceRecord → quads, the reference path; and → N-Quads
   text, the compiled path) and of the whole map stage (``map_record``: mapping, coverage
   flags, payload fields, entity signature) by either path, on the bundled Tate and CMOA
   samples, next to
   - the same records built as Linked Art with ``cromulent`` (the reference implementation)
     and serialised to RDF (JSON-LD → N-Triples with rdflib, the context loaded locally), and
   - ``json.loads`` of the same payloads alone: the floor no mapping can beat.
   Aims: ≥ 20× the cromulent path, ≥ 0.2× the floor.
2. Peak memory of a whole harvest (files → map → Oxigraph) of 400 and of 4,000 records (the
   samples repeated with fresh ids), each in its own process: it must not grow with the count.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchkit import BASE, sample_records

from mappings import CompiledMapping, MappingContext, ReferencePath, get_mapping, nquads
from museion.coverage import LINKS
from museion.demo import examples_dir
from museion.mapper import map_record

# -- the cromulent path ---------------------------------------------------------------------


def cromulent_builder() -> Callable[[str, dict[str, Any]], str]:
    """A record (Tate or CMOA JSON) built as Linked Art with cromulent, as N-Triples."""
    return _Cromulent().build


def _year(value: Any) -> str:
    """An xsd:dateTime year ("-0105" for CMOA's 105 BCE: "-105"[:4] was "-105-01-01")."""
    year = int(str(value).strip()[:5].rstrip("-") or 0)
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


class _Cromulent:
    """The Tate and CMOA records as the reference implementation would build them: the same
    objects, names, statements, productions, images and pages Museion's mappings write."""

    def __init__(self) -> None:
        from cromulent import model, vocab
        from cromulent.model import factory

        factory.auto_assign_id = True
        # rdflib cannot hold a BCE xsd:dateTime as a Python datetime and logs a traceback for
        # each (the literal itself is kept): the baseline's output, not this bench's
        logging.getLogger("rdflib.term").setLevel(logging.ERROR)
        self.model, self.vocab, self.factory = model, vocab, factory
        self.context = factory.context_json["@context"]

    def build(self, source: str, record: dict[str, Any]) -> str:
        import rdflib

        obj = self.tate(record) if source == "tate" else self.cmoa(record)
        data = self.factory.toJSON(obj)
        data["@context"] = self.context
        graph = rdflib.Graph().parse(data=json.dumps(data), format="json-ld")
        return graph.serialize(format="nt")

    def span(self, begin: Any, end: Any, text: Any) -> Any:
        ts = self.model.TimeSpan()
        if begin:
            ts.begin_of_the_begin = f"{_year(begin)}-01-01T00:00:00Z"
        if end:
            ts.end_of_the_end = f"{_year(end)}-12-31T23:59:59Z"
        if text:
            ts.identified_by = self.model.Name(content=str(text))
        return ts

    def person(self, ident: Any, name: Any, born: Any = None, died: Any = None) -> Any:
        model = self.model
        who = model.Person(ident=f"{BASE}person/{ident}", label=str(name))
        who.identified_by = self.vocab.PrimaryName(content=str(name))
        if born:
            birth = model.Birth()
            birth.timespan = self.span(born, born, None)
            who.born = birth
        if died:
            death = model.Death()
            death.timespan = self.span(died, died, None)
            who.died = death
        return who

    def image(self, obj: Any, url: str) -> None:
        """A visual item of the object, digitally shown by the image at ``url``."""
        image = self.model.VisualItem()
        digital = self.vocab.DigitalImage()
        digital.access_point = self.model.DigitalObject(ident=url)
        image.digitally_shown_by = digital
        obj.representation = image

    def tate(self, record: dict[str, Any]) -> Any:
        model, vocab = self.model, self.vocab
        if "acno" not in record:
            return self.person(record["id"], record["fc"], record.get("birthYear"))
        obj = vocab.Painting(ident=f"{BASE}tate/object/{record['acno']}", label=record["title"])
        obj.identified_by = vocab.PrimaryName(content=record["title"])
        obj.identified_by = vocab.AccessionNumber(content=record["acno"])
        if record.get("medium"):
            obj.referred_to_by = vocab.MaterialStatement(content=record["medium"])
        if record.get("dimensions"):
            obj.referred_to_by = vocab.DimensionStatement(content=record["dimensions"])
        obj.referred_to_by = vocab.CreditStatement(content=record["creditLine"])
        production = model.Production()
        dates = record.get("dateRange") or {}
        production.timespan = self.span(
            dates.get("startYear"), dates.get("endYear"), record.get("dateText")
        )
        for c in record["contributors"]:
            production.carried_out_by = self.person(c["id"], c["fc"], c.get("birthYear"))
        obj.produced_by = production
        if record.get("thumbnailUrl"):
            self.image(obj, record["thumbnailUrl"])
        page = model.LinguisticObject()
        web = vocab.WebPage()
        web.access_point = model.DigitalObject(ident=record["url"])
        page.digitally_carried_by = web
        obj.subject_of = page
        obj.current_owner = model.Group(ident=f"{BASE}partner/tate", label="Tate")
        return obj

    def cmoa(self, record: dict[str, Any]) -> Any:
        model, vocab = self.model, self.vocab
        obj = vocab.HumanMadeObject(
            ident=f"{BASE}cmoa/object/{record['id'][12:]}", label=record["title"]
        )
        obj.identified_by = vocab.PrimaryName(content=record["title"])
        obj.identified_by = vocab.AccessionNumber(content=record["accession_number"])
        if record.get("medium"):
            obj.referred_to_by = vocab.MaterialStatement(content=record["medium"])
        obj.referred_to_by = vocab.CreditStatement(content=record["credit_line"])
        for kind, key in (
            (vocab.Height, "item_height"),
            (vocab.Width, "item_width"),
            (vocab.Depth, "item_depth"),
        ):
            if record.get(key):
                dim = kind(value=record[key])
                dim.unit = vocab.instances["inches"]
                obj.dimension = dim
        production = model.Production()
        production.timespan = self.span(
            record.get("creation_date_earliest"),
            record.get("creation_date_latest"),
            record.get("creation_date"),
        )
        for c in record["creator"]:
            production.carried_out_by = self.person(
                c["artist_id"][13:], c["full_name"], c.get("birth_date"), c.get("death_date")
            )
        obj.produced_by = production
        for found in record.get("images") or []:
            self.image(obj, found["image_url"])
        obj.current_owner = model.Group(ident=f"{BASE}partner/cmoa", label="CMOA")
        return obj


# -- timing ---------------------------------------------------------------------------------


def rates(paths: dict[str, Callable[[], None]], count: int, rounds: int) -> dict[str, float]:
    """Records per second of each path: the best of ``rounds`` runs, in CPU time of this
    process. The rounds are interleaved (each round runs every path once), so on a shared
    machine the load of other processes falls on every path alike: the ratios hold even when
    the absolute figures move. Each run starts with an empty IRI cache, as records it has not
    seen would (a feed's records are all new; only the IRIs they share are met again)."""
    best = dict.fromkeys(paths, math.inf)
    for _ in range(rounds):
        for name, run in paths.items():
            nquads.iri.cache_clear()
            started = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - started)
    return {name: count / seconds for name, seconds in best.items()}


def throughput(rounds: int) -> None:
    records = sample_records({"tate": "", "cmoa": ""})
    mappings = {s: get_mapping(s) for s in ("tate", "cmoa")}
    contexts = {s: MappingContext(BASE, s) for s in ("tate", "cmoa")}
    payloads = [r.payload for _, r in records]

    def floor() -> None:
        for payload in payloads:
            json.loads(payload)

    def museion() -> None:
        for source, record in records:
            mappings[source].map(record, contexts[source])

    compiled = {s: m for s, m in mappings.items() if isinstance(m, CompiledMapping)}

    def museion_compiled() -> None:
        for source, record in records:
            compiled[source].map_nquads(record, contexts[source], LINKS)

    def stage(path: dict[str, Any]) -> Callable[[], None]:
        def run() -> None:
            for source, record in records:
                map_record(path[source], record, contexts[source])

        return run

    reference = {s: ReferencePath(m) for s, m in mappings.items()}

    build = cromulent_builder()

    def cromulent() -> None:
        for source, record in records:
            build(source, json.loads(record.payload))

    museion()  # warm caches (vocabulary lookups) as a long harvest would have them
    n = len(records)
    found = rates(
        {
            "floor": floor,
            "museion": museion,
            "compiled": museion_compiled,
            "stage": stage(reference),
            "stage_compiled": stage(dict(mappings)),
        },
        n,
        rounds,
    )
    found |= rates({"cromulent": cromulent}, n, max(1, rounds // 3))
    quads = sum(len(mappings[s].map(r, contexts[s]).quads) for s, r in records)
    print(f"records: {n} (Tate artworks and artists, CMOA objects), {quads} quads mapped")
    print_rates(found)


def print_rates(found: dict[str, float]) -> None:
    """The table of records/s by path, then each ratio next to its aim."""
    floor_rate, museion_rate, compiled_rate = found["floor"], found["museion"], found["compiled"]
    stage_rate, stage_compiled_rate = found["stage"], found["stage_compiled"]
    cromulent_rate = found["cromulent"]
    print(f"{'path':<34}{'records/s':>12}")
    print(f"{'json.loads only (floor)':<34}{floor_rate:>12,.0f}")
    print(f"{'Museion mapping (→ quads)':<34}{museion_rate:>12,.0f}")
    print(f"{'Museion compiled (→ N-Quads)':<34}{compiled_rate:>12,.0f}")
    print(f"{'map stage, reference path':<34}{stage_rate:>12,.0f}")
    print(f"{'map stage, compiled path':<34}{stage_compiled_rate:>12,.0f}")
    print(f"{'cromulent → JSON-LD → N-Triples':<34}{cromulent_rate:>12,.0f}")
    print(f"Museion / cromulent = {museion_rate / cromulent_rate:.1f}×  (aim ≥ 20×)")
    print(f"Museion / floor     = {museion_rate / floor_rate:.3f}×  (aim ≥ 0.2×)")
    print(f"compiled / floor    = {compiled_rate / floor_rate:.3f}×  (aim ≥ 0.2×)")
    print(
        f"map stage / floor   = {stage_rate / floor_rate:.3f}× reference, "
        f"{stage_compiled_rate / floor_rate:.3f}× compiled (with coverage, fields, signature)"
    )


# -- memory ---------------------------------------------------------------------------------

CHILD = """
import json, resource, sys, tracemalloc
from pathlib import Path
tracemalloc.start()
from museion import Pipeline, load_config
config = load_config(Path(sys.argv[1]))
[summary] = Pipeline(config).harvest()
peak = tracemalloc.get_traced_memory()[1]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"mapped": summary.mapped, "python_peak": peak, "rss": rss * 1024}))
"""


def memory() -> None:
    samples = [json.loads(p.read_bytes()) for p in sorted((examples_dir() / "cmoa").glob("*.json"))]
    results = {}
    for count in (400, 4000):
        with tempfile.TemporaryDirectory() as tmp:
            feed = Path(tmp) / "feed.jsonl"
            with feed.open("w", encoding="utf-8") as out:
                for n in range(count):
                    record = dict(samples[n % len(samples)])
                    record["id"] = f"cmoa:things/copy-{n}"
                    out.write(json.dumps(record) + "\n")
            config = Path(tmp) / "museion.toml"
            config.write_text(
                f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n[[sources]]\n'
                f'name = "cmoa"\nkind = "files"\nlocation = "{feed}"\nmapping = "cmoa"\n'
                '[sources.partner]\nlabel = "CMOA"\n'
            )
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(config)],
                check=True,
                capture_output=True,
                text=True,
            )
            results[count] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{'records':>8}{'mapped':>8}{'Python heap peak':>18}{'process peak RSS':>18}")
    for count, found in results.items():
        print(
            f"{count:>8}{found['mapped']:>8}{found['python_peak'] / 2**20:>15.1f} MiB"
            f"{found['rss'] / 2**20:>15.1f} MiB"
        )
    small, large = results[400], results[4000]
    print(
        f"4,000 / 400: Python heap {large['python_peak'] / small['python_peak']:.2f}×, "
        f"RSS {large['rss'] / small['rss']:.2f}× (flat means ≈ 1×; Oxigraph's own caches "
        "are in the RSS)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    throughput(args.rounds)
    if not args.skip_memory:
        print()
        memory()


if __name__ == "__main__":
    main()
