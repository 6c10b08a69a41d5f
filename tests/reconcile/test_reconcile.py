"""Reconciliation on a real store: aggregates, provenance, overrides, stable ids, redirects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode, QuerySolutions

import sparql
from museion import Pipeline, Workspace, load_config
from museion.config import Config
from reconcile.output import reconciliation_graph
from store import Store
from tests.conftest import BASE, ConfigWriter, files_source
from tests.helpers.samples import sample_feeds
from tests.museion_core.test_vocab import known_term

FEEDS = sample_feeds()
PREFIXES = sparql.prologue()
TATE_PICASSO = f"{BASE}tate/person/1767"
CMOA_PICASSO = f"{BASE}cmoa/person/b7eaca81-9a3a-404a-866e-05844d616971"
TATE_TURNER = "tate/person/558"


def rows(store: Store, query: str) -> list[dict[str, Any]]:
    results = store.query(PREFIXES + query)
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in results]


def aggregates_of(store: Store, member: str) -> list[str]:
    return [
        r["a"]
        for r in rows(
            store, f"SELECT ?a WHERE {{ ?a a museion:Aggregate ; la:equivalent <{member}> }}"
        )
    ]


def make_config(write_config: ConfigWriter, tmp_path: Path, overrides: str = "") -> Config:
    (tmp_path / "reviewed.toml").write_text(overrides, encoding="utf-8")
    return load_config(
        write_config(
            files_source("tate", FEEDS / "tate", "tate", label="Tate"),
            files_source("cmoa", FEEDS / "cmoa", "cmoa", label="Carnegie Museum of Art"),
            extra='[reconciliation]\noverrides = "reviewed.toml"\n',
        )
    )


def published(config: Config) -> Store:
    return Workspace(config.data_dir).open_published()


def test_one_aggregate_per_person_across_partners(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    config = make_config(write_config, tmp_path)
    Pipeline(config).harvest()
    store = published(config)
    [picasso] = aggregates_of(store, TATE_PICASSO)
    assert aggregates_of(store, CMOA_PICASSO) == [picasso]
    assert picasso.startswith(f"{BASE}person/")
    facts = rows(
        store,
        f"SELECT ?label ?type WHERE {{ <{picasso}> rdfs:label ?label ; a ?type }}",
    )
    assert {(r["label"], r["type"]) for r in facts} == {
        ("Pablo Picasso", "http://www.cidoc-crm.org/cidoc-crm/E21_Person"),
        ("Pablo Picasso", "https://w3id.org/museion/ns#Aggregate"),
    }
    # each link's method, score and evidence, in the metadata graph
    links = rows(
        store,
        f"""SELECT ?member ?method ?score (GROUP_CONCAT(?evidence; separator=" | ") AS ?why)
        WHERE {{ GRAPH <{BASE}meta> {{ ?link a museion:ReconciliationLink ;
            owl:annotatedSource <{picasso}> ; owl:annotatedTarget ?member ;
            museion:method ?method ; museion:score ?score ; museion:evidence ?evidence }} }}
        GROUP BY ?member ?method ?score ORDER BY ?member""".replace(
            "owl:", "<http://www.w3.org/2002/07/owl#"
        )
        .replace("annotatedSource", "annotatedSource>")
        .replace("annotatedTarget", "annotatedTarget>"),
    )
    assert [(r["member"], r["method"]) for r in links] == [
        (CMOA_PICASSO, "matcher"),
        (TATE_PICASSO, "matcher"),
    ]
    assert float(links[0]["score"]) >= 0.99
    assert "birth 1881 = 1881" in links[0]["why"]
    # Guerrilla Girls: a person at Tate, a group at CMOA, one group here
    groups = rows(
        store,
        """SELECT ?g WHERE { ?g a museion:Aggregate, crm:E74_Group ;
            rdfs:label "Guerrilla Girls" ; la:equivalent ?m1, ?m2 . FILTER (?m1 != ?m2) }""",
    )
    assert len({r["g"] for r in groups}) == 1
    # every class and property in the reconciliation graph exists in CRM or Linked Art
    for quad in store.graph_quads(reconciliation_graph(BASE)):
        terms = [quad.predicate.value]
        if quad.predicate.value.endswith("#type") and isinstance(quad.object, NamedNode):
            terms.append(quad.object.value)
        for term in terms:
            if "cidoc-crm" in term or "linked.art" in term:
                assert known_term(term), term


def test_works_by_pablo_picasso_through_the_aggregate(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    config = make_config(write_config, tmp_path)
    Pipeline(config).harvest()
    query = sparql.example_query("07-works-by-artist-across-partners").query
    found = rows(published(config), query)
    assert {(r["keeper"], r["title"]) for r in found} == {
        ("Carnegie Museum of Art", "L'Homme a la Guitare (Man with the Guitar)"),
        ("Tate", "Bullfight Scene"),
    }
    several = rows(
        published(config), sparql.example_query("03-artists-in-several-collections").query
    )
    assert {"Pablo Picasso", "Guerrilla Girls"} <= {r["artist"] for r in several}


def test_rerunning_changes_nothing(write_config: ConfigWriter, tmp_path: Path) -> None:
    config = make_config(write_config, tmp_path)
    pipeline = Pipeline(config)
    pipeline.harvest()
    first = pipeline.reconciliation
    assert first is not None
    assert first.merged_clusters >= 2
    before = set(published(config).graph_quads(reconciliation_graph(BASE)))
    again = Pipeline(config).reconcile()
    assert again.changed_subjects == 0
    assert again.new_ids == 0
    assert not again.retired
    assert set(published(config).graph_quads(reconciliation_graph(BASE))) == before


def test_overrides_win_over_the_matcher(write_config: ConfigWriter, tmp_path: Path) -> None:
    """A reviewed 'different' splits what the matcher merged; a reviewed 'same' merges what it
    kept apart (J. M. W. Turner and Joseph Nash, for the test's sake)."""
    config = make_config(
        write_config,
        tmp_path,
        f"""
[[different]]
a = "tate/person/1767"
b = "{CMOA_PICASSO}"
note = "test: keep them apart"

[[same]]
a = "{TATE_TURNER}"
b = "cmoa/person/7daa61e0-de91-4edd-96ec-654d4a2dd870"
""",
    )
    Pipeline(config).harvest()
    store = published(config)
    assert aggregates_of(store, TATE_PICASSO) != aggregates_of(store, CMOA_PICASSO)
    [nash] = aggregates_of(store, BASE + TATE_TURNER)
    methods = rows(
        store,
        f"""SELECT DISTINCT ?method WHERE {{ ?link a museion:ReconciliationLink ;
            <http://www.w3.org/2002/07/owl#annotatedSource> <{nash}> ; museion:method ?method }}""",
    )
    assert [r["method"] for r in methods] == ["override"]


def test_stable_ids_survive_a_split_and_a_merge_leaves_a_redirect(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    config = make_config(write_config, tmp_path)
    Pipeline(config).harvest()
    [picasso] = aggregates_of(published(config), TATE_PICASSO)

    # a person splits the pair: the id stays with its anchor's half; the other half is new
    # and says where it came from
    make_config(
        write_config,
        tmp_path,
        f'[[different]]\na = "{TATE_PICASSO}"\nb = "{CMOA_PICASSO}"\n',
    )
    report = Pipeline(load_config(config.path)).reconcile()
    assert report.new_ids == 1
    store = published(config)
    ids = {aggregates_of(store, TATE_PICASSO)[0], aggregates_of(store, CMOA_PICASSO)[0]}
    assert picasso in ids
    [split_off] = ids - {picasso}
    derived = rows(store, f"SELECT ?p WHERE {{ <{split_off}> prov:wasDerivedFrom ?p }}")
    assert [r["p"] for r in derived] == [picasso]
    store.close()

    # the decision is withdrawn: the two merge again under the older id, and the id minted
    # for the split-off half redirects to it
    make_config(write_config, tmp_path, "")
    report = Pipeline(load_config(config.path)).reconcile()
    assert report.retired == {"merged": 1}
    store = published(config)
    assert aggregates_of(store, TATE_PICASSO) == [picasso]
    assert aggregates_of(store, CMOA_PICASSO) == [picasso]
    redirect = rows(
        store,
        f"SELECT ?new ?type WHERE {{ <{split_off}> dcterms:isReplacedBy ?new ; a ?type }}",
    )
    assert redirect == [{"new": picasso, "type": "https://w3id.org/museion/ns#Redirect"}]
    assert not rows(store, f"SELECT ?p WHERE {{ <{split_off}> a crm:E21_Person }}")


def test_review_prints_blocks_to_paste(write_config: ConfigWriter, tmp_path: Path) -> None:
    config = make_config(write_config, tmp_path)
    Pipeline(config).harvest()

    def museion(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "museion", "--config", str(config.path), *args],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
            timeout=300,
            check=False,
        )

    done = museion("reconcile", "--review")
    assert done.returncode == 0, done.stderr
    assert "'Guerrilla Girls'; a person at tate" in done.stdout
    assert '[[same]]\na = "cmoa/group/' in done.stdout
    as_json = json.loads(museion("reconcile", "--review", "--json").stdout)
    [pair] = [p for p in as_json["pairs"] if p["a"]["name"] == "Guerrilla Girls"]
    assert pair["merged"]
    assert pair["evidence"]
    # the printed block, pasted into the overrides file as it is, is a valid decision
    block = done.stdout[done.stdout.index("\n[[same]]\n") + 1 :].split("\n\n")[0]
    (tmp_path / "reviewed.toml").write_text(block + "\n", encoding="utf-8")
    again = museion("reconcile")
    assert again.returncode == 0, again.stderr
    assert "reconciled" in again.stderr


def test_a_bad_threshold_is_one_line(write_config: ConfigWriter) -> None:
    from museion_core.errors import ConfigError

    path = write_config(extra="[reconciliation]\nthreshold = 1.5\n")
    with pytest.raises(ConfigError, match=r"reconciliation.threshold: 1.5 is not a score"):
        load_config(path)
