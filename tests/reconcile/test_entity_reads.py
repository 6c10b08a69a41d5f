"""Reconciliation's reads hold the rows of the partners' entities only.

The store holds far more persons, groups and places than the partners' own (a party to each
object's acquisition, a place in each record), and their number grows with the records: at
100,000 records, 42,437 rows of "every person, group and place" against 371 partner
entities. Held whole, such answers were a tenth of a harvest's peak memory."""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import NamedNode

from museion import Pipeline, Workspace
from museion.demo import demo_config
from reconcile import entities, read_entities
from reconcile.entities import _labels, _only, source_of
from store import Store

CRM_PERSON = NamedNode("http://www.cidoc-crm.org/cidoc-crm/E21_Person")


class _Recording(Store):
    """An in-memory store that keeps every row ``select`` answered."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def select(self, sparql: str) -> list[dict[str, Any]]:
        rows = super().select(sparql)
        with self.lock:
            self.rows.extend(rows)
        return rows


def test_every_row_read_is_of_a_partner_entity(tmp_path: Path) -> None:
    config = demo_config(tmp_path)
    Pipeline(config).harvest()
    published = Workspace(config.data_dir).open_published()
    store = _Recording()
    store.oxigraph.extend(published.oxigraph)
    sources = ["tate", "cmoa"]
    base = config.base_iri
    everyone = store.select(
        "SELECT ?e WHERE { VALUES ?c { <http://www.cidoc-crm.org/cidoc-crm/E21_Person> "
        "<http://www.cidoc-crm.org/cidoc-crm/E74_Group> "
        "<http://www.cidoc-crm.org/cidoc-crm/E53_Place> } ?e a ?c }"
    )
    others = {row["e"] for row in everyone if source_of(base, row["e"], sources) is None}
    assert len(others) > 50  # the acquisitions' parties, the records' places
    store.rows.clear()

    entities = read_entities(store, base, sources, threads=2)

    assert len(entities) > 100
    assert store.rows
    assert not [row["e"] for row in store.rows if row["e"] in others]
    labels = _labels(store, _only(base, sources))
    assert {iri for iri, _, _ in labels} <= set(entities)
    assert not [iri for iri, _, _ in labels if iri in others]


def test_a_filter_for_no_source_keeps_nothing() -> None:
    assert _only("https://data.example.org/", []) == "FILTER(false)"
    assert read_entities(Store(), "https://data.example.org/", [], threads=1) == {}


class _Refusing(type):
    def __instancecheck__(cls, instance: object) -> bool:
        raise RuntimeError("a label could not be read")


class _Unreadable(metaclass=_Refusing):
    """Stands for pyoxigraph's Literal while the labels are read: each row fails."""


def test_a_failing_labels_read_leaves_its_results_on_its_own_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pyoxigraph's results may be dropped only on the thread that made them: the labels are
    read in a worker thread, and their error reached the waiting thread with the frames that
    held the results ("QuerySolutions is unsendable, but is being dropped on another
    thread")."""
    from pyoxigraph import Literal, Quad, QuerySolutions

    store = Store()
    person = NamedNode("https://data.example.org/tate/person/1")
    store.oxigraph.add(
        Quad(person, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), CRM_PERSON)
    )
    store.oxigraph.add(
        Quad(person, NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), Literal("A"))
    )
    monkeypatch.setattr(entities, "RdfLiteral", _Unreadable)
    gc.collect()
    gc.disable()  # what is left alive by reference, not what a collection would free
    try:
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(_labels, store, "")
            with pytest.raises(RuntimeError, match="could not be read"):
                future.result()
        del future
        left = [o for o in gc.get_objects() if isinstance(o, QuerySolutions)]
    finally:
        gc.enable()
    assert left == []
