"""Real SPARQL 1.1 servers on 127.0.0.1 for the remote-store tests: ``oxigraph serve`` (the
CLI of the ``oxigraph`` dev dependency) and Virtuoso Open Source (Debian's
``virtuoso-opensource-7``, which ``make test`` installs: scripts/ensure-virtuoso.sh), each
with its data in a temporary directory, stopped when the block ends."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from store import RemoteEndpoint
from tests.helpers.endpoint import free_port, stop


@dataclass(frozen=True)
class SparqlServer:
    url: str
    """``http://127.0.0.1:PORT`` (no trailing slash)."""
    query: str = "/query"
    update: str = "/update"
    graph_store: str = "/store"

    def endpoint(self, *, graph_store: bool = True, graphs: str = "") -> RemoteEndpoint:
        return RemoteEndpoint(
            query_endpoint=self.url + self.query,
            update_endpoint=self.url + self.update,
            graph_store_endpoint=self.url + self.graph_store if graph_store else None,
            graphs=graphs,
        )

    def store_keys(self, *, graph_store: bool = True) -> str:
        """The ``[store]`` keys of a museion.toml that uses this server."""
        keys = (
            'kind = "sparql"\n'
            f'query_endpoint = "{self.url}{self.query}"\n'
            f'update_endpoint = "{self.url}{self.update}"\n'
        )
        if graph_store:
            keys += f'graph_store_endpoint = "{self.url}{self.graph_store}"\n'
        return keys


@contextmanager
def oxigraph_serve(location: Path, timeout: float = 120) -> Iterator[SparqlServer]:
    """``oxigraph serve`` on a free port, its data in ``location``, until the block ends."""
    port = free_port()
    log = location.with_name(location.name + ".log")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("oxigraph")),
                "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = SparqlServer(f"http://127.0.0.1:{port}")
    try:
        _wait_until_up(server, process, log, timeout)
        yield server
    finally:
        stop(process, grace=30)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
{parameters}[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 600
"""

VIRTUOSO_GRANTS = (
    'GRANT SPARQL_UPDATE TO "SPARQL"; '
    'GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL"; '
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"
)
"""Let the anonymous SPARQL user write (a test server on loopback only): a real deployment
would use /sparql-auth with a user and password from the environment instead."""


@contextmanager
def virtuoso(
    folder: Path, timeout: float = 240, parameters: Mapping[str, str | int] | None = None
) -> Iterator[SparqlServer]:
    """Virtuoso Open Source 7 with a fresh database in ``folder``, until the block ends;
    ``parameters``: more settings of its ``[Parameters]`` section (others keep Virtuoso's
    defaults, e.g. ``TransactionAfterImageLimit``, 50,000,000 bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    more = "".join(f"{key} = {value}\n" for key, value in (parameters or {}).items())
    (folder / "virtuoso.ini").write_text(
        VIRTUOSO_INI.format(sql_port=sql_port, http_port=http_port, parameters=more),
        encoding="utf-8",
    )
    log = folder / "out.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", "virtuoso.ini"],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = SparqlServer(
        f"http://127.0.0.1:{http_port}",
        query="/sparql",
        update="/sparql",
        graph_store="/sparql-graph-crud",
    )
    try:
        _wait_until_up(server, process, log, timeout)
        subprocess.run(
            ["isql-vt", f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield server
    finally:
        stop(process, grace=30)


def _wait_until_up(
    server: SparqlServer, process: subprocess.Popen[bytes], log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{server.url} exited early:\n{log.read_text()}")
        try:
            answer = requests.get(server.url + server.query, params={"query": "ASK {}"}, timeout=2)
            if answer.status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{server.url} did not come up:\n{log.read_text()}")
        time.sleep(0.2)
