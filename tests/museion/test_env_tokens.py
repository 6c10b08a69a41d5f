"""Tokens read from the environment are held to what the file's keys are held to.

``admin_token`` in museion.toml needs 16 characters; ``MUSEION_ADMIN_TOKEN``, which wins over
it (as the README advises, to keep secrets out of the file), was taken as it came:
``MUSEION_ADMIN_TOKEN=x`` started a public server (behind a proxy) that ran the SPARQL Update
of anyone who sent ``Authorization: Bearer x``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.conftest import ConfigWriter, files_source
from tests.helpers.endpoint import FEEDS, free_port, stop

SHORT = "x"


def _serve(config: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``museion serve`` with ``env``: how it ended, or a failure if it kept serving."""
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MUSEION_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "museion", "--config", str(config), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**clean, "NO_COLOR": "1", **env},
    )
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        update = requests.post(
            f"http://127.0.0.1:{port}/sparql",
            data={
                "update": "INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/a> "
                '<https://e.org/b> "c" } }'
            },
            headers={"Authorization": f"Bearer {SHORT}"},
            timeout=60,
        )
        stop(process)  # type: ignore[arg-type]
        pytest.fail(f"the server started with a {len(SHORT)}-character token: {update.status_code}")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.mark.parametrize(
    ("variable", "names"),
    [
        ("MUSEION_ADMIN_TOKEN", "(it wins over endpoint.admin_token)"),
        ("MUSEION_CURATOR_TOKEN", "(it wins over workspace.token)"),
        ("SMALL_MUSEUM_TOKEN", "sources[1] (small-museum).partner.token_env:"),
    ],
)
def test_a_short_token_in_the_environment_stops_the_server(
    variable: str, names: str, write_config: ConfigWriter
) -> None:
    uploads = files_source("small-museum", FEEDS / "cmoa", "cmoa")
    config = write_config(
        f'{uploads}\ntoken_env = "SMALL_MUSEUM_TOKEN"',
        extra='[endpoint]\ntrusted_proxies = ["127.0.0.1"]\n',
    )
    env = {"SMALL_MUSEUM_TOKEN": "small-museum-upload-token-0123", variable: SHORT}
    done = _serve(config, env)
    assert done.returncode == 2, done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.strip()]
    assert line.startswith(f"error: {config}: ")
    assert f"the environment variable {variable} holds 1 character;" in line
    assert "needs at least 16" in line
    assert names in line
