"""Reconciliation: the same artist, group or place across partners, as one aggregate entity.

Authority links first (partner entities citing one ULAN, GND, Wikidata, ... record are one),
then careful matching of names, life dates, places and roles with a score per candidate pair
(``scoring``) among the pairs blocking proposes (``blocking``), clustered with constraints
(``cluster``); reviewed ``same``/``different`` pairs win over both (``overrides``). Each
cluster becomes an aggregate ``{base}person/{id}`` (``group``, ``place``) whose id survives
re-runs, merges and splits (``registry``), linked to its members with ``la:equivalent``
(``output``). ``engine.reconcile`` does one run against a store.

The ``/reconcile`` service (``sparql.reconciliation``) looks typed names up with the same
rules: ``fold``, ``name_key`` and ``name_similarity`` (names parsed and compared as the
matcher does) and ``years_agree`` for life dates, whose years both read with
``museion_core.instants``. The dependency runs from sparql to reconcile only; reconcile
imports neither sparql nor museion.
"""

from .engine import Candidate, Matching, ReconcileReport, Settings, match, reconcile
from .entities import Entity, read_entities
from .names import PersonName, fold, parse_person_name
from .output import reconciliation_graph
from .overrides import Overrides, default_overrides_path, load_overrides
from .review import review_json, review_toml
from .scoring import NameKey, Score, name_key, name_similarity, score_pair, years_agree

__all__ = [
    "Candidate",
    "Entity",
    "Matching",
    "NameKey",
    "Overrides",
    "PersonName",
    "ReconcileReport",
    "Score",
    "Settings",
    "default_overrides_path",
    "fold",
    "load_overrides",
    "match",
    "name_key",
    "name_similarity",
    "parse_person_name",
    "read_entities",
    "reconcile",
    "reconciliation_graph",
    "review_json",
    "review_toml",
    "score_pair",
    "years_agree",
]
