"""``museion check`` of a feed harvested incrementally lists the quarantine the source would
have: what the check would quarantine, and what earlier runs left there that it would not
touch.

A check is a dry run: its report is the one a harvest would give. An OAI-PMH feed is read
from where the last harvest ended, so the records it could not map then are not read again,
and stay quarantined; the harvest's report lists them ("by an earlier run, still in
quarantine"), the check's did not: a partner who checked their feed before the nightly
harvest saw a clean quarantine that the published report then contradicted. A real OAI-PMH
repository on 127.0.0.1, and the real command line.
"""

from __future__ import annotations

import json

import pytest

from museion import Pipeline, load_config
from tests.conftest import ConfigWriter
from tests.harvesters.test_oaipmh import oai_source
from tests.harvesters.test_oaipmh import repository as oai_repository
from tests.helpers.cli import museion
from tests.helpers.oai import OaiServer
from tests.museion.test_jobs import OLD

NOT_LIDO = b"<note xmlns='urn:x:not-lido'/>"

repository = oai_repository


@pytest.fixture
def harvested(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> tuple[OaiServer, str]:
    """The repository harvested once, one of its records quarantined (it is not LIDO)."""
    server, _ = repository
    server.repository.put("oai:museion.test:broken", NOT_LIDO, OLD)
    gates = "\n[sources.gates]\nmax_quarantined = 1.0"
    config = write_config(oai_source(server.url) + gates)
    [first] = Pipeline(load_config(config)).harvest()
    assert (first.status, first.rejected) == ("published", 1)
    return server, str(config)


def test_a_check_lists_what_earlier_runs_left_in_the_quarantine(
    harvested: tuple[OaiServer, str],
) -> None:
    server, config = harvested
    server.repository.put("oai:museion.test:later", NOT_LIDO)  # sent since

    done = museion("--config", config, "check", "ddb", "--json")

    assert done.returncode == 3, done.stderr  # records would be quarantined
    report = json.loads(done.stdout)
    assert report["counts"]["quarantined"] == 1  # the check's own
    said = [(str(q["origin"]), bool(q["earlier"])) for q in report["quarantined"]]
    assert [
        (name, earlier)
        for origin, earlier in said
        for name in ("later", "broken")
        if origin.endswith(f"test%3A{name}")
    ] == [("later", False), ("broken", True)]
    text = museion("--config", config, "check", "ddb")
    assert "(by an earlier run, still in quarantine)" in " ".join(text.stdout.split())


def test_a_check_that_reads_the_record_again_lists_it_once(
    harvested: tuple[OaiServer, str],
) -> None:
    """The partner sends the record again, still broken: it is the check's own, not also an
    earlier run's."""
    server, config = harvested
    server.repository.put("oai:museion.test:broken", NOT_LIDO)

    done = museion("--config", config, "check", "ddb", "--json")

    assert done.returncode == 3, done.stderr
    assert [bool(q["earlier"]) for q in json.loads(done.stdout)["quarantined"]] == [False]
