"""A party a re-harvest retires (``publish.departures``) answers again once a record names it
again: its redirect or tombstone leaves the metadata graph, whether the record that names it
is one the index knew (written in batches) or a new one (streamed into the store)."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode

from museion import Workspace, load_config
from museion.commands.common import run_harvest
from museion_core.vocab import DCTERMS, MUSEION, RDF
from publish.departures import is_party, successors
from store import Store
from tests.conftest import files_source
from tests.helpers.credit_feeds import write_credit_feed

BASE = "https://data.example.org/"
QUINCE = NamedNode(f"{BASE}cmoa/person/name-peter-quince")
SMYTH = NamedNode(f"{BASE}cmoa/person/name-jon-smyth")
SMITH = NamedNode(f"{BASE}cmoa/person/name-jon-smith")
META = NamedNode(f"{BASE}meta")


def _harvest(config_path: Path, credits: dict[str, str]) -> Store:
    write_credit_feed(config_path.parent / "feed", credits)
    [summary] = run_harvest(load_config(config_path), ("cmoa",))
    assert summary.status == "published"
    return Workspace(load_config(config_path).data_dir).open_published()


def _marks(store: Store, party: NamedNode) -> set[str]:
    return {str(q.object) for q in store.subject_quads(META, party) if q.predicate == RDF.type}


def test_a_retired_party_named_again_answers_again(tmp_path: Path) -> None:
    (tmp_path / "feed").mkdir()
    config_path = tmp_path / "museion.toml"
    source = files_source("cmoa", tmp_path / "feed", "cmoa")
    config_path.write_text(  # a run of one new record or more goes into the store by a bulk load
        f'[store]\npath = "store"\nstream_records = 1\n[publish]\nbase_iri = "{BASE}"\n'
        f"[[sources]]\n{source}\n",
        encoding="utf-8",
    )
    _harvest(config_path, {"a": "Gift of Peter Quince", "b": "Gift of Jon Smyth"})
    retired = _harvest(config_path, {"a": "Museum purchase", "b": "Gift of Jon Smith"})
    assert _marks(retired, QUINCE) == {str(MUSEION.Tombstone)}
    assert _marks(retired, SMYTH) == {str(MUSEION.Redirect)}
    assert [
        q.object for q in retired.subject_quads(META, SMYTH) if q.predicate == DCTERMS.isReplacedBy
    ] == [SMITH]
    retired.close()

    again = _harvest(
        config_path,
        {"a": "Gift of Peter Quince", "b": "Gift of Jon Smith", "c": "Gift of Jon Smyth"},
    )
    assert _marks(again, QUINCE) == set()  # named again by a record the index knew
    assert _marks(again, SMYTH) == set()  # named again by a new record
    assert next(again.triples(SMYTH, RDF.type), None) is not None
    again.close()


def test_a_party_is_an_actor_or_group_a_source_mints_not_a_node_under_one() -> None:
    assert is_party(BASE, f"{BASE}cmoa/person/name-jon-smith")
    assert is_party(BASE, f"{BASE}cmoa/group/name-holm-family")
    assert not is_party(BASE, f"{BASE}cmoa/person/name-jon-smith/name/1")
    assert not is_party(BASE, f"{BASE}cmoa/object/a")
    assert not is_party(BASE, f"{BASE}person/q1w2e3")  # an aggregate: reconciliation's own
    assert not is_party(BASE, "https://elsewhere.example/cmoa/person/x")


def test_a_successor_is_named_in_the_role_the_party_had_and_not_in_it_before() -> None:
    donor, maker = "p23", "p14"
    before = {"old": {donor}, "artist": {maker}}
    after = {"new": {donor}, "artist": {maker, donor}, "other": {maker}}
    # the artist was the maker before, and is now a donor too: a successor in that role
    assert successors("old", before, after) == {"new", "artist"}
    assert successors("old", before, {"other": {maker}}) == set()
