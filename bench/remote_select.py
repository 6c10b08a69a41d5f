"""A large SELECT answered by a remote store: peak RSS of the reader, against a baseline.

    python bench/remote_select.py [--rows 1500000] [--old REF]

Loads ``--rows`` statements into one version graph of an ``oxigraph serve-read-only`` on
127.0.0.1 (the ``oxigraph`` CLI beside this Python), then reads them all back, each step a
child process timed with its peak RSS (``wait4``'s ``ru_maxrss``):

- ``floor``: the imports and one one-row query: what any reader costs;
- ``reader``: ``RemoteReader.select`` over the version, row by row (what the endpoint's query
  processes read: the reconciliation index's names, VoID);
- ``client``: ``SparqlClient.select`` over the graph, row by row (Museion's bookkeeping: the
  graphs a first publish compares, a write's check);

each with the ``store`` package at git ``REF`` (``old``, taken from git into a temporary
folder: the baseline, which read every row into a list before returning) and with this
working tree (``new``). The last column is new / old.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from childproc import run_measured
from gitref import file_at, files_at

ROOT = Path(__file__).resolve().parent.parent
VERSION = "urn:museion:store:version:bench"
OXIGRAPH = Path(sys.executable).with_name("oxigraph")


def child(kind: str, url: str, old: Path | None) -> None:
    """One measured step, in this process (the child): read every row, print how many."""
    if old is not None:
        sys.path.insert(0, str(old))
    from store import RemoteEndpoint, RemoteReader
    from store.protocol import SparqlClient

    endpoint = RemoteEndpoint(query_endpoint=f"{url}/query", update_endpoint=f"{url}/update")
    count = 0
    if kind == "client":
        client = SparqlClient(endpoint)
        for _ in client.select(f"SELECT ?s ?o WHERE {{ GRAPH <{VERSION}> {{ ?s ?p ?o }} }}"):
            count += 1
        client.close()
    else:
        reader = RemoteReader(endpoint)
        reader.version = VERSION
        limit = " LIMIT 1" if kind == "floor" else ""
        for _ in reader.select(f"SELECT ?s ?o WHERE {{ ?s ?p ?o }}{limit}"):
            count += 1
        reader.close()
    print(count)


def old_package(ref: str, folder: Path) -> Path:
    """The ``store`` package at ``ref``, in ``folder`` (put first on the child's path)."""
    package = folder / "store"
    package.mkdir(parents=True)
    for name in files_at(ref, "store"):
        if name.endswith((".py", ".typed")):
            (package / name).write_bytes(file_at(ref, f"store/{name}"))
    return folder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(rows: int, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    data = folder / "data.nq"
    with data.open("w", encoding="utf-8") as out:
        for n in range(rows):
            out.write(
                f"<https://data.example.org/object/{n}> <http://www.w3.org/2000/01/rdf-schema#label>"
                f' "Object number {n}, a title of some length"@en <{VERSION}> .\n'
            )
    location = folder / "oxigraph"
    subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(location), "--file", str(data)],
        check=True,
        capture_output=True,
    )
    data.unlink()
    port = free_port()
    process = subprocess.Popen(
        [
            str(OXIGRAPH),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=5)
            return process, url
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    sys.exit("oxigraph serve-read-only did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--old", default="8b5dbae", help="git ref of the baseline (8b5dbae)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--old-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, Path(args.old_dir) if args.old_dir else None)
        return
    with tempfile.TemporaryDirectory(prefix="museion-bench-") as temp:
        folder = Path(temp)
        old = old_package(args.old, folder / "old")
        process, url = serve(args.rows, folder)
        try:
            print(f"{args.rows:,} rows from oxigraph serve-read-only; baseline: {args.old}")
            header = ("step", "code", "rows", "seconds", "peak RSS", "new/old")
            print("{:<8} {:<4} {:>10} {:>8} {:>11} {:>8}".format(*header))
            for kind in ("floor", "reader", "client"):
                peaks: dict[str, int] = {}
                for code, where in (("old", old), ("new", None)):
                    command = [sys.executable, __file__, "--child", kind, "--url", url]
                    if where is not None:
                        command += ["--old-dir", str(where)]
                    run = run_measured(command, f"the {kind} step ({code})", cwd=ROOT)
                    peaks[code] = run.peak_rss
                    ratio = f"{run.peak_rss / peaks['old']:.2f}" if code == "new" else ""
                    print(
                        f"{kind:<8} {code:<4} {int(run.output.strip()):>10,} {run.seconds:>8.1f}"
                        f" {run.peak_rss / 2**20:>7.0f} MiB {ratio:>8}"
                    )
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
