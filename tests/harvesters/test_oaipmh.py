"""Harvesting LIDO from a real OAI-PMH repository (pyoai's server on 127.0.0.1).

Full harvests over several resumption tokens, incremental harvests with changed and deleted
records, single records with GetRecord, sets, and the protocol's own errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree
from pyoxigraph import NamedNode

import harvesters
from harvesters.oaipmh import OaiOptions
from mappings import get_mapping
from museion import Pipeline, Workspace, load_config
from museion.cli import main
from museion.config import Config
from museion.pipeline import HarvestSummary
from museion_core.vocab import XSD
from store import Store
from tests.conftest import BASE, DATA, ConfigWriter
from tests.helpers.oai import OaiServer, Repository, lido_records, record_id, serve_oai
from tests.helpers.oai_protocol import utc_now

LIDO = DATA / "lido"
SERVED = sorted(
    p for p in LIDO.glob("*.xml") if p.name != "LIDO-Example_FMobj00154983-LaPrimavera.xml"
)
"""Every good record, once (La Primavera 1.0 and 1.1 share a lidoRecID; 1.1 is served)."""
OLD = datetime(2024, 1, 1)


def load_repository(repository: Repository, files: list[Path] = SERVED) -> list[str]:
    ids = []
    for path in files:
        for lido in lido_records(etree.parse(str(path)).getroot()):
            identifier = f"oai:museion.test:{record_id(lido)}"
            repository.put(
                identifier, etree.tostring(lido, encoding="utf-8"), OLD, sets=[_set_of(path)]
            )
            ids.append(identifier)
    return ids


def served() -> Repository:
    """A repository holding every good LIDO record of the test data."""
    repository = Repository()
    load_repository(repository)
    return repository


def oai_spec(server: OaiServer, **options: Any) -> harvesters.SourceSpec:
    """The source ``ddb`` harvested from ``server`` with the lido mapping's identifiers."""
    return harvesters.SourceSpec(
        name="ddb",
        location=server.url,
        options=OaiOptions(**options),
        identify=get_mapping("lido").identify,
    )


def harvest_items(server: OaiServer, **options: Any) -> list[harvesters.HarvestItem]:
    return list(harvesters.create_harvester("oaipmh", oai_spec(server, **options)))


def _set_of(path: Path) -> str:
    return "ddb" if path.name.startswith("ddb_") else "examples"


@pytest.fixture
def repository() -> Iterator[tuple[OaiServer, list[str]]]:
    repo = Repository()
    ids = load_repository(repo)
    with serve_oai(page_size=3, repository=repo) as server:
        yield server, ids


def oai_source(url: str, name: str = "ddb", **options: Any) -> str:
    lines = [
        f'name = "{name}"',
        'kind = "oaipmh"',
        f'location = "{url}"',
        'mapping = "lido"',
        *(f"{k} = {v!r}".replace("'", '"') for k, v in options.items()),
        "[sources.partner]",
        'label = "Deutsche Digitale Bibliothek"',
    ]
    return "\n".join(lines)


def harvest(
    config: Config, checkpoint: dict[str, Any] | None = None, **kw: Any
) -> tuple[Store, HarvestSummary]:
    """Harvest the config's one source (from ``checkpoint``, when given) and open what was
    published."""
    workspace = Workspace(config.data_dir)
    if checkpoint is not None:
        workspace.save_source_state(config.sources[0].name, checkpoint=checkpoint)
    [summary] = Pipeline(config).harvest(**kw)
    return workspace.open_published(), summary


def edit(server: OaiServer, identifier: str, old: bytes, new: bytes) -> None:
    """The partner edits a record: ``old`` becomes ``new`` in it, with a new datestamp."""
    metadata = server.repository.records[identifier].metadata
    assert old in metadata, identifier
    server.repository.put(identifier, metadata.replace(old, new))


def objects(store: Store, source: str = "ddb") -> set[str]:
    """The objects the source's records describe (their graphs' primary topics)."""
    rows = store.select(
        f"SELECT ?o WHERE {{ GRAPH <{BASE}meta> {{ ?g <http://xmlns.com/foaf/0.1/primaryTopic> ?o ;"
        f" <http://rdfs.org/ns/void#inDataset> <{BASE}dataset/{source}> }} }}"
    )
    return {str(r["o"]) for r in rows}


def test_a_full_harvest_follows_every_resumption_token(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> None:
    server, ids = repository
    config = load_config(write_config(oai_source(server.url)))
    store, summary = harvest(config)
    assert (summary.read, summary.mapped, summary.rejected) == (len(ids), len(ids), 0)
    pages = [r for r in server.requests if r.get("verb") == "ListRecords"]
    assert len(pages) == -(-len(ids) // 3) >= 6  # several resumption tokens were followed
    assert "resumptionToken" not in pages[0]
    assert all("resumptionToken" in p for p in pages[1:])
    assert server.verbs()[:2] == ["Identify", "ListMetadataFormats"]
    assert len(objects(store)) == len(ids)
    # The object IRI comes from lidoRecID, the same as when the record is read from a dump.
    assert f"{BASE}ddb/object/DE-MUS-028013%2F289821" in objects(store)
    # The checkpoint says where the next harvest continues: the repository's clock at the start.
    assert set(summary.checkpoint) == {"next_from"}
    assert summary.checkpoint["next_from"].endswith("Z")
    # Provenance: the OAI identifier and datestamp of each record graph.
    [row] = store.select(
        f"""PREFIX museion: <https://w3id.org/museion/ns#>
        SELECT ?id ?stamp ?type ?origin WHERE {{ GRAPH <{BASE}meta> {{
          <{BASE}ddb/record/DE-MUS-028013%2F289821> museion:providerId ?id ;
            museion:datestamp ?stamp ; museion:origin ?origin
        }} BIND(DATATYPE(?stamp) AS ?type) }}"""
    )
    assert str(row["id"]) == "oai:museion.test:DE-MUS-028013/289821"
    assert str(row["stamp"]) == "2024-01-01T00:00:00Z"
    assert row["type"] == XSD.dateTime.value  # a value SPARQL compares, as dcterms:created
    assert "verb=GetRecord" in str(row["origin"])


def test_the_second_harvest_is_incremental_and_deletes_deleted_records(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> None:
    server, ids = repository
    config = load_config(write_config(oai_source(server.url)))
    store, first = harvest(config)
    store.close()
    # The partner changes one record and deletes another.
    dsm = "oai:museion.test:DE-MUS-028013/289821"
    edit(
        server,
        dsm,
        b"Suppensch\xc3\xbcssel, Norddeutscher Lloyd (NDL)",
        b"Suppenterrine, Norddeutscher Lloyd",
    )
    gone = "oai:museion.test:DE-MUS-019118/794675"
    server.repository.delete(gone)
    server.requests.clear()
    store, second = harvest(config, checkpoint=dict(first.checkpoint))
    [listing] = [r for r in server.requests if r.get("verb") == "ListRecords"]
    assert listing["from"] == first.checkpoint["next_from"]
    assert (second.read, second.mapped, second.deleted) == (2, 1, 1)
    remaining = objects(store)
    assert f"{BASE}ddb/object/DE-MUS-019118%2F794675" not in remaining
    assert len(remaining) == len(ids) - 1
    titles = store.select(
        f"SELECT ?t WHERE {{ <{BASE}ddb/object/DE-MUS-028013%2F289821> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?t }"
    )
    assert [str(r["t"]) for r in titles] == ["Suppenterrine, Norddeutscher Lloyd"]
    # The deleted record's provenance is gone too.
    assert not store.select(
        f"SELECT ?p WHERE {{ GRAPH <{BASE}meta> {{ "
        f"<{BASE}ddb/record/DE-MUS-019118%2F794675> ?p ?o }} }}"
    )


def test_no_records_match_is_an_empty_harvest(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> None:
    server, _ = repository
    config = load_config(write_config(oai_source(server.url, **{"from": "2030-01-01"})))
    before = utc_now()
    _, summary = harvest(config)
    assert (summary.read, summary.rejected) == (0, 0)
    # The next harvest starts from the repository's clock when this one began.
    next_from = datetime.strptime(summary.checkpoint["next_from"], "%Y-%m-%dT%H:%M:%SZ")
    assert before <= next_from <= utc_now()


def test_a_set_and_a_window_limit_the_harvest(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> None:
    server, _ = repository
    config = load_config(write_config(oai_source(server.url, set="ddb", until="2024-06-30")))
    _, summary = harvest(config)
    assert summary.read == sum(1 for p in SERVED if p.name.startswith("ddb_"))
    assert summary.checkpoint == {"next_from": "2024-06-30"}  # a window continues at its end
    assert any(r.get("verb") == "ListSets" for r in server.requests)


def test_an_unknown_set_or_format_fails_with_what_the_repository_offers(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> None:
    server, _ = repository
    config = load_config(write_config(oai_source(server.url, set="paintings")))
    with pytest.raises(
        harvesters.HarvestError, match="no set 'paintings'; its sets are ddb, examples"
    ):
        harvest(config)
    config = load_config(write_config(oai_source(server.url, metadata_prefix="oai_dc")))
    with pytest.raises(
        harvesters.HarvestError, match="does not offer metadataPrefix 'oai_dc'; it offers lido"
    ):
        harvest(config)


def test_a_bad_resumption_token_restarts_from_the_checkpoint_not_from_zero(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> None:
    server, ids = repository
    config = load_config(write_config(oai_source(server.url)))
    # An interrupted incremental harvest: its list began at a from-date, its token is stale.
    since = "2023-06-01T00:00:00Z"
    checkpoint = {"from": since, "until": None, "started": "2025-01-01T00:00:00Z", "token": "stale"}
    _, summary = harvest(config, checkpoint=checkpoint)
    listings = [r for r in server.requests if r.get("verb") == "ListRecords"]
    assert listings[0] == {"verb": "ListRecords", "resumptionToken": "stale"}
    assert listings[1] == {"verb": "ListRecords", "metadataPrefix": "lido", "from": since}
    assert summary.read == len(ids)
    # Complete now: the next harvest continues from when the interrupted one began.
    assert summary.checkpoint == {"next_from": "2025-01-01T00:00:00Z"}


def test_an_expired_token_is_not_even_tried(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> None:
    server, ids = repository
    config = load_config(write_config(oai_source(server.url)))
    checkpoint = {
        "from": "2023-06-01T00:00:00Z",
        "until": None,
        "started": "2025-01-01T00:00:00Z",
        "token": "metadataPrefix%3Dlido%26cursor%3D3",
        "token_expires": "2020-01-01T00:00:00Z",
    }
    _, summary = harvest(config, checkpoint=checkpoint)
    listings = [r for r in server.requests if r.get("verb") == "ListRecords"]
    assert "resumptionToken" not in listings[0]
    assert listings[0]["from"] == "2023-06-01T00:00:00Z"
    assert summary.read == len(ids)


def test_a_failed_harvest_resumes_with_its_token(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> None:
    """The harvester stops mid-list (the batch it was in is written); the checkpoint holds the
    token of the page being read, and a new harvester continues there."""
    server, ids = repository
    spec = oai_spec(server)
    before = utc_now()
    first = harvesters.create_harvester("oaipmh", spec)
    iterator = iter(first)
    read = [next(iterator) for _ in range(7)]  # into the third page
    checkpoint = dict(first.checkpoint)
    assert checkpoint["token"] == "metadataPrefix=lido&cursor=6"  # the third page's
    started = datetime.strptime(checkpoint["started"], "%Y-%m-%dT%H:%M:%SZ")
    assert before <= started <= utc_now()  # the repository's clock when the harvest began
    server.requests.clear()
    rest = list(
        harvesters.create_harvester(
            "oaipmh",
            dataclasses.replace(oai_spec(server), checkpoint=checkpoint),
        )
    )
    assert next(r for r in server.requests if r.get("verb") == "ListRecords") == {
        "verb": "ListRecords",
        "resumptionToken": checkpoint["token"],
    }
    seen = {i.local_id for i in read} | {i.local_id for i in rest}
    assert len(seen) == len(ids)  # the page being read comes again; nothing is missed
    assert len(rest) == len(ids) - 6


def test_harvest_one_record_with_getrecord_from_the_cli(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> None:
    server, _ = repository
    path = write_config(oai_source(server.url))
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "--config",
            str(path),
            "harvest",
            "ddb",
            "--record",
            "oai:museion.test:DE-MUS-028013/289821",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [r.get("verb") for r in server.requests] == ["GetRecord"]
    config = load_config(path)
    state = Workspace(config.data_dir).source_state("ddb")
    assert not state.get("checkpoint")  # a single record says nothing about the whole list
    store = Workspace(config.data_dir).open_published()
    assert objects(store) == {f"{BASE}ddb/object/DE-MUS-028013%2F289821"}
    result = runner.invoke(
        main, ["--config", str(path), "harvest", "ddb", "--record", "oai:museion.test:nothing"]
    )
    assert result.exit_code == 1
    assert "no record 'oai:museion.test:nothing' (idDoesNotExist" in result.output.replace("\n", "")


def test_record_option_needs_one_oaipmh_source(write_config: ConfigWriter) -> None:
    path = write_config(
        f'name = "dump"\nkind = "files"\nlocation = "{(LIDO / "ddb_DSM.xml").as_posix()}"\n'
        'mapping = "lido"\n[sources.partner]\nlabel = "DSM"'
    )
    result = CliRunner().invoke(main, ["--config", str(path), "harvest", "dump", "--record", "x"])
    assert result.exit_code == 2
    assert "--record fetches single records from one source of kind oaipmh" in result.output


def test_a_record_maps_to_the_same_graph_from_oai_and_from_a_dump(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter, tmp_path: Path
) -> None:
    server, _ = repository
    config = load_config(write_config(oai_source(server.url)))
    store, _ = harvest(config)
    graph = NamedNode(f"{BASE}ddb/record/DE-MUS-028013%2F289821")
    from_oai = set(store.graph_quads(graph))
    store.close()
    (tmp_path / "dump").mkdir()
    dump = load_config(
        write_config(
            f'name = "ddb"\nkind = "files"\nlocation = "{(LIDO / "ddb_DSM.xml").as_posix()}"\n'
            'mapping = "lido"\n[sources.partner]\nlabel = "DSM"',
            directory=tmp_path / "dump",
        )
    )
    dump_store, _ = harvest(dump)
    assert from_oai
    assert set(dump_store.graph_quads(graph)) == from_oai


def test_a_held_run_published_by_force_is_where_the_next_harvest_goes_on(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> None:
    """A person publishes a held run (``museion publish --force``): the next harvest asks for
    what changed since that run, as after a run that passed its gates, not for everything."""
    server, _ = repository
    # a first harvest holds: one record is not LIDO, and none may be quarantined
    server.repository.put("oai:museion.test:broken", b"<note xmlns='urn:x:not-lido'/>", OLD)
    gates = "\n[sources.gates]\nmax_quarantined = 0.0\nmin_records = 1"
    config = load_config(write_config(oai_source(server.url) + gates))
    [held] = Pipeline(config).harvest()
    assert held.status == "held", held.reason
    forced = Pipeline(config).publish_held("ddb", force=True)
    assert forced.status == "published"
    server.requests.clear()
    [after] = Pipeline(config).harvest()
    [listing] = [r for r in server.requests if r.get("verb") == "ListRecords"]
    assert listing.get("from") == held.checkpoint["next_from"]
    assert after.read == 0


def test_a_record_sent_under_a_new_id_replaces_the_one_it_was(
    repository: tuple[OaiServer, list[str]], write_config: ConfigWriter
) -> None:
    """The partner gives a record a new ``lidoRecID`` (its collection system's numbering
    changed): the incremental harvest reads the same OAI identifier with another id, and
    the object published under the old id is withdrawn, not kept beside the new one."""
    server, ids = repository
    config = load_config(write_config(oai_source(server.url)))
    store, first = harvest(config)
    store.close()
    dsm = "oai:museion.test:DE-MUS-028013/289821"
    edit(server, dsm, b"DE-MUS-028013/289821", b"DE-MUS-028013/NEW-1")
    store, second = harvest(config, checkpoint=dict(first.checkpoint))
    assert (second.read, second.new, second.deleted) == (1, 1, 1)
    remaining = objects(store)
    assert f"{BASE}ddb/object/DE-MUS-028013%2FNEW-1" in remaining
    assert f"{BASE}ddb/object/DE-MUS-028013%2F289821" not in remaining
    assert len(remaining) == len(ids)
    store.close()
    # a deletion of the OAI identifier then withdraws the record it now is
    server.repository.delete(dsm)
    store, third = harvest(config, checkpoint=dict(second.checkpoint))
    assert third.deleted == 1
    assert len(objects(store)) == len(ids) - 1
    store.close()
    # read again (a harvest from the same date): a deletion already applied is read and
    # changes nothing, and the counts add up to what was read
    store, fourth = harvest(config, checkpoint=dict(second.checkpoint))
    store.close()
    added = fourth.new + fourth.changed + fourth.unchanged + fourth.deleted + fourth.rejected
    assert (fourth.read, added, fourth.deleted) == (1, 1, 0)
