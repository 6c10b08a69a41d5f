"""Load test: many hostile and ordinary clients at once against ``museion serve``.

``museion serve`` runs on the demo data while ``--clients`` clients (64) send a mix for
``--duration`` seconds (300): entity lookups, linked-data pages, the example aggregate
queries, an uncapped query that must be cut at ``max_rows`` (200 with ``X-SPARQL-MaxRows``),
syntax errors that must be answered 400, and queries over the time limit that must be answered
an honest 503 — while everything else goes on being answered. Each kind has the one status it
must get; any other status, or a failed connection, counts as an error.

The over-limit queries come from a few dedicated clients, one query at a time each: each holds
a query process for the whole time limit, and this is a test of the limits, not of how many
such queries it takes to starve a server of its processes.

The server's memory (the RSS of ``museion serve`` and every process under it) is sampled every
few seconds: the first and the last minute are compared, to see that it stays flat.

Usage: ``python bench/load.py [--duration 300] [--clients 64] [--data DIR]``, or
``make bench-load``. Not a test: it prints figures, and exits 1 if any request got a status
other than its kind's.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from childproc import tree_rss
from endpoint import BIN, ROOT, demo_data, free_port, query_form, server

BASE = "http://localhost:8000/"
OBJECTS = ("T06803", "N01804", "T04066", "P12339")
OVER_LIMIT = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) < STR(?f)) }",
)
"""Counts over cartesian products of the whole store: no query process finishes these in
time, and they hold no memory while they try (a sorted product would)."""
SYNTAX_ERRORS = (
    "SELECT ?s WHERE { ?s ?p ",
    "SELEC ?s WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s <http://unclosed ?o }",
    "SELECT ?s WHERE { FILTER(1 <) }",
    "PREFIX : <x> SELECT * WHERE { :a :b 'unterminated }",
)
SAMPLE_SECONDS = 5.0


@dataclass(frozen=True)
class Request:
    kind: str
    expect: int
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def query(
    kind: str, expect: int, text: str, accept: str = "application/sparql-results+json"
) -> Request:
    return Request(kind, expect, "POST", "/sparql", *query_form(text, accept))


def ordinary_mix() -> list[tuple[Request, int]]:
    """(request, weight): what the ordinary clients choose from."""
    sys.path.insert(0, str(ROOT))
    import sparql

    iris = [f"{BASE}tate/object/{n}" for n in OBJECTS]
    mix: list[tuple[Request, int]] = []
    for iri in iris:
        mix.append(
            (
                query(
                    "lookup",
                    200,
                    f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}",
                    "text/turtle",
                ),
                10,
            )
        )
        mix.append(
            (query("lookup", 200, f"SELECT ?label WHERE {{ <{iri}> rdfs:label ?label }}"), 10)
        )
        path = "/" + iri[len(BASE) :]
        mix.append((Request("page", 200, "GET", path, headers={"Accept": "text/html"}), 8))
        mix.append((Request("page", 200, "GET", path, headers={"Accept": "text/turtle"}), 4))
    for example in sparql.example_queries():
        mix.append((query("aggregate", 200, example.query), 3))
    mix.append((query("capped", 200, "SELECT * WHERE { ?s ?p ?o }"), 2))
    for text in SYNTAX_ERRORS:
        mix.append((query("syntax-error", 400, text), 2))
    return mix


Choices = tuple[list[Request], list[int]]
"""Requests, and how often each is chosen."""


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(kind, status or exception name) -> count."""
    wrong: Counter[tuple[str, str]] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    capped_without_header: int = 0

    def add(self, kind: str, outcome: str, ok: bool, seconds: float) -> None:
        with self.lock:
            self.statuses[kind, outcome] += 1
            if not ok:
                self.wrong[kind, outcome] += 1
            self.latencies.setdefault(kind, []).append(seconds)


def client(port: int, choices: Choices, *, stop: float, seed: int, tally: Tally) -> None:
    requests, weights = choices
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    while time.monotonic() < stop:
        [req] = rng.choices(requests, weights)
        started = time.perf_counter()
        try:
            conn.request(req.method, req.path, body=req.body, headers=req.headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            tally.add(req.kind, type(exc).__name__, False, time.perf_counter() - started)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            continue
        ok = response.status == req.expect
        if req.kind == "capped" and ok and response.getheader("X-SPARQL-MaxRows") is None:
            ok = False
            with tally.lock:
                tally.capped_without_header += 1
        tally.add(req.kind, str(response.status), ok, time.perf_counter() - started)
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.close()


def sampler(root: int, stop: threading.Event, samples: list[tuple[float, int, int]]) -> None:
    began = time.monotonic()
    while True:
        rss, processes = tree_rss(root)
        samples.append((time.monotonic() - began, rss, processes))
        if stop.wait(SAMPLE_SECONDS):
            return


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def report(tally: Tally, samples: list[tuple[float, int, int]], args: argparse.Namespace) -> None:
    total = sum(tally.statuses.values())
    print(
        f"\nload test: {args.clients} clients ({args.hostile} sending over-limit queries) for "
        f"{args.duration:g} s; museion serve --workers {args.workers} --query-processes "
        f"{args.query_processes} --query-timeout {args.query_timeout:g}; {os.cpu_count()} CPUs"
    )
    print(f"requests: {total} ({total / args.duration:.1f}/s)\n")
    header = f"{'kind':<13} {'requests':>8} {'p50 ms':>9} {'p95 ms':>9}  statuses"
    print(header)
    print("-" * len(header))
    for kind in sorted(tally.latencies):
        latencies = tally.latencies[kind]
        statuses = ", ".join(
            f"{status}: {n}" for (k, status), n in sorted(tally.statuses.items()) if k == kind
        )
        print(
            f"{kind:<13} {len(latencies):>8} {percentile(latencies, 0.5):>9.1f} "
            f"{percentile(latencies, 0.95):>9.1f}  {statuses}"
        )
    everything = [x for values in tally.latencies.values() for x in values]
    print(
        f"{'all':<13} {len(everything):>8} {percentile(everything, 0.5):>9.1f} "
        f"{percentile(everything, 0.95):>9.1f}"
    )
    by_status = Counter[str]()
    for (_, status), n in tally.statuses.items():
        by_status[status] += n
    print("\nby status: " + ", ".join(f"{s}: {n}" for s, n in sorted(by_status.items())))
    wrong = sum(tally.wrong.values())
    detail = ", ".join(f"{k} got {s}: {n}" for (k, s), n in sorted(tally.wrong.items()))
    print(f"errors (a status other than the kind's): {wrong}" + (f" ({detail})" if detail else ""))
    if tally.capped_without_header:
        print(f"  capped answers without X-SPARQL-MaxRows: {tally.capped_without_header}")

    minute = min(60.0, args.duration / 3)
    first = [rss for at, rss, _ in samples if at <= minute]
    last = [rss for at, rss, _ in samples if at >= samples[-1][0] - minute]
    print(
        f"\nserver RSS (all its processes), sampled every {SAMPLE_SECONDS:g} s: "
        f"first {minute:g} s mean {statistics.mean(first) / 1024:.0f} MiB "
        f"(max {max(first) / 1024:.0f}), last {minute:g} s mean "
        f"{statistics.mean(last) / 1024:.0f} MiB (max {max(last) / 1024:.0f}); "
        f"growth {(statistics.mean(last) / statistics.mean(first) - 1):+.1%}"
    )
    print(
        "samples (s: MiB/processes): "
        + " ".join(
            f"{at:.0f}:{rss / 1024:.0f}/{n}"
            for at, rss, n in samples[:: max(1, len(samples) // 20)]
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of load")
    parser.add_argument("--clients", type=int, default=64, help="concurrent clients in all")
    parser.add_argument("--hostile", type=int, default=2, help="of which send over-limit queries")
    parser.add_argument("--workers", type=int, default=1, help="museion serve --workers")
    parser.add_argument("--query-processes", type=int, default=4)
    parser.add_argument("--query-timeout", type=float, default=10.0, help="seconds")
    parser.add_argument("--data", type=Path, help="an existing demo data directory")
    args = parser.parse_args()
    tally = Tally()
    samples: list[tuple[float, int, int]] = []
    with demo_data(args.data, "museion-load-") as data:
        port = free_port()
        command = [str(BIN / "museion"), "--config", str(data / "museion.toml"), "serve"]
        command += ["--port", str(port), "--workers", str(args.workers)]
        command += ["--query-processes", str(args.query_processes)]
        command += ["--query-timeout", str(args.query_timeout), "--max-rows", "1000"]
        with server(command, port, "/sparql") as process:
            stop_sampling = threading.Event()
            watcher = threading.Thread(target=sampler, args=(process.pid, stop_sampling, samples))
            watcher.start()
            run_clients(port, tally, args)
            stop_sampling.set()
            watcher.join()
    report(tally, samples, args)
    return 1 if tally.wrong else 0


def run_clients(port: int, tally: Tally, args: argparse.Namespace) -> None:
    """``args.clients`` clients for ``args.duration`` seconds, the first ``args.hostile`` of
    them sending only over-limit queries."""
    ordinary = ordinary_mix()
    hostile = [query("over-limit", 503, text) for text in OVER_LIMIT]
    stop = time.monotonic() + args.duration
    for_hostile: Choices = (hostile, [1] * len(hostile))
    for_ordinary: Choices = ([r for r, _ in ordinary], [w for _, w in ordinary])
    threads = [
        threading.Thread(
            target=client,
            args=(port, for_hostile if n < args.hostile else for_ordinary),
            kwargs={"stop": stop, "seed": n, "tally": tally},
        )
        for n in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    sys.exit(main())
