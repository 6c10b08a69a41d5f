"""Endpoint throughput and latency: ``museion serve`` against ``oxigraph serve-read-only``.

Both servers read the same published snapshot, Oxigraph with ``--union-default-graph``:
Museion holds each triple in one graph and its queries read the union of the graphs, so
Oxigraph's union answers the same queries the same way. One load generator, in this process,
sends the same request mix to each: entity lookups (a CONSTRUCT of one object's statements,
by SPARQL on both) and the example queries in ``sparql/queries/`` — at concurrency 1 and 8,
for a fixed time each, over keep-alive connections. Museion's own linked-data page
(``GET /tate/object/...`` as Turtle) is measured too, with no baseline (Oxigraph has no such
pages).

Usage: ``python bench/endpoint.py [--seconds 10] [--workers 1]``. Prints a table: requests/s,
p50 and p99 latency, and Museion's throughput as a ratio of Oxigraph's.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Request:
    label: str
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(host: str, port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no server on {host}:{port}")


@contextmanager
def server(command: list[str], port: int, probe: str) -> Iterator[subprocess.Popen[bytes]]:
    """The server ``command`` starts, once it answers ``probe``; stopped (its whole process
    group) afterwards."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        wait_for("127.0.0.1", port, probe)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def query_form(query: str, accept: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a SPARQL query sent as an HTML form (SPARQL 1.1 Protocol)."""
    body = urlencode({"query": query}).encode()
    return body, {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}


def query_request(label: str, path: str, query: str) -> Request:
    form = query.lstrip().upper()
    graph = "CONSTRUCT" in form.split("WHERE")[0] or form.startswith("DESCRIBE")
    accept = "text/turtle" if graph else "application/sparql-results+json"
    return Request(label, "POST", path, *query_form(query, accept))


@contextmanager
def demo_data(given: Path | None, prefix: str) -> Iterator[Path]:
    """``given``, or the demo store ``museion demo`` builds in a temporary directory that is
    removed afterwards."""
    temp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        if given is not None:
            yield given
            return
        print("building the demo store (museion demo) ...", file=sys.stderr)
        subprocess.run(
            [str(BIN / "museion"), "demo", "--data", str(temp / "demo")],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        yield temp / "demo"
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def mix(path: str, objects: list[str]) -> list[Request]:
    sys.path.insert(0, str(ROOT))
    import sparql

    requests = [
        query_request(
            "entity",
            path,
            f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}",
        )
        for iri in objects
    ]
    for example in sparql.example_queries():
        requests.append(query_request(example.name, path, example.query))
    return requests


@dataclass
class Load:
    rps: float
    errors: int
    latencies: list[float]


def run_load(port: int, requests: list[Request], concurrency: int, seconds: float) -> Load:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        nonlocal errors
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            req = rng.choice(requests)
            started = time.perf_counter()
            try:
                conn.request(req.method, req.path, body=req.body, headers=req.headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return Load(len(latencies) / elapsed, errors, latencies)


def combine(rounds: list[Load]) -> dict[str, float]:
    """Median throughput over the rounds; latency percentiles over all requests."""
    latencies = sorted(x for r in rounds for x in r.latencies)
    return {
        "rps": statistics.median(r.rps for r in rounds),
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000
        if latencies
        else float("nan"),
        "errors": sum(r.errors for r in rounds),
    }


Row = tuple[str, int, dict[str, float], dict[str, float] | None]
"""(workload, concurrency, Museion's figures, Oxigraph's or None)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--warmup", type=float, default=4.0, help="unmeasured load first")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per server")
    parser.add_argument("--workers", type=int, default=1, help="museion serve --workers")
    parser.add_argument(
        "--query-processes", type=int, help="museion serve --query-processes (default: its own)"
    )
    parser.add_argument("--data", type=Path, help="an existing demo data directory")
    args = parser.parse_args()
    base = "http://localhost:8000/"
    objects = [f"{base}tate/object/{n}" for n in ("T06803", "N01804", "T04066", "P12339")]
    with demo_data(args.data, "museion-bench-") as data:
        rows = measure(data, base, objects, args)
    print(
        f"\nendpoint benchmark: {len(mix('/q', objects))} request kinds, "
        f"{args.seconds:g} s per server in {args.rounds} alternating rounds, "
        f"{os.cpu_count()} CPUs, museion --workers {args.workers}\n"
    )
    print_table(rows)


def measure(data: Path, base: str, objects: list[str], args: argparse.Namespace) -> list[Row]:
    """Both servers on the same snapshot, loaded at concurrency 1 and 8."""
    snapshot = data / "published" / (data / "published" / "CURRENT").read_text().strip()
    museion_port, oxigraph_port = free_port(), free_port()
    museion_cmd = [str(BIN / "museion"), "--config", str(data / "museion.toml"), "serve"]
    museion_cmd += ["--port", str(museion_port), "--workers", str(args.workers)]
    if args.query_processes:
        museion_cmd += ["--query-processes", str(args.query_processes)]
    oxigraph_cmd = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(snapshot)]
    oxigraph_cmd += ["--bind", f"127.0.0.1:{oxigraph_port}", "--union-default-graph"]
    pages = [
        Request("page", "GET", "/" + iri[len(base) :], None, {"Accept": "text/turtle"})
        for iri in objects
    ]
    ox_mix, our_mix = mix("/query", objects), mix("/sparql", objects)
    rows: list[Row] = []
    with (
        server(oxigraph_cmd, oxigraph_port, "/query?query=ASK%7B%7D"),
        server(museion_cmd, museion_port, "/sparql"),
    ):
        for concurrency in (1, 8):
            # Warm both up with the same load (caches, every one of Museion's query
            # processes), as long-running endpoints are; then measure in alternating
            # rounds, so that a change in the machine's load hits both alike.
            run_load(oxigraph_port, ox_mix, concurrency, args.warmup)
            run_load(museion_port, our_mix, concurrency, args.warmup)
            run_load(museion_port, pages, concurrency, args.warmup / 2)
            base_rounds: list[Load] = []
            our_rounds: list[Load] = []
            page_rounds: list[Load] = []
            for round_ in range(args.rounds):
                share = args.seconds / args.rounds
                pair = [("oxigraph", oxigraph_port, ox_mix), ("museion", museion_port, our_mix)]
                for who, port, requests in pair if round_ % 2 == 0 else pair[::-1]:
                    result = run_load(port, requests, concurrency, share)
                    (base_rounds if who == "oxigraph" else our_rounds).append(result)
                page_rounds.append(run_load(museion_port, pages, concurrency, share))
            rows.append(("mix", concurrency, combine(our_rounds), combine(base_rounds)))
            rows.append(("pages", concurrency, combine(page_rounds), None))
    return rows


def print_table(rows: list[Row]) -> None:
    header = (
        f"{'workload':<8} {'conc':>4} | {'museion req/s':>13} {'p50 ms':>8} {'p99 ms':>8} | "
        f"{'oxigraph req/s':>14} {'p50 ms':>8} {'p99 ms':>8} | {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, conc, mine, theirs in rows:
        line = (
            f"{name:<8} {conc:>4} | {mine['rps']:>13.1f} {mine['p50']:>8.2f} {mine['p99']:>8.2f} | "
        )
        if theirs is None:
            line += f"{'(no such pages)':>14} {'':>8} {'':>8} | {'':>6}"
        else:
            line += (
                f"{theirs['rps']:>14.1f} {theirs['p50']:>8.2f} {theirs['p99']:>8.2f} | "
                f"{mine['rps'] / theirs['rps']:>5.2f}x"
            )
        print(line)
        if mine["errors"] or (theirs and theirs["errors"]):
            print(f"  errors: museion {mine['errors']}, oxigraph {theirs and theirs['errors']}")


if __name__ == "__main__":
    main()
