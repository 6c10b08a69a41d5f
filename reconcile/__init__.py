"""Reconciliation: the same artist, group or place across partners, as one aggregate entity.

Authority links first (partner entities citing one ULAN, GND, Wikidata, ... record are one),
then careful matching of names, life dates, places and roles with a score per candidate pair
(``scoring``) among the pairs blocking proposes (``blocking``), clustered with constraints
(``cluster``); reviewed ``same``/``different`` pairs win over both (``overrides``). Each
cluster becomes an aggregate ``{base}person/{id}`` (``group``, ``place``) whose id survives
re-runs, merges and splits (``registry``), linked to its members with ``la:equivalent``
(``output``). ``engine.reconcile`` does one run against a store.
"""

from .engine import Candidate, Matching, ReconcileReport, Settings, match, reconcile
from .entities import Entity, read_entities
from .overrides import Overrides, default_overrides_path, load_overrides
from .review import review_json, review_toml
from .scoring import Score, score_pair

__all__ = [
    "Candidate",
    "Entity",
    "Matching",
    "Overrides",
    "ReconcileReport",
    "Score",
    "Settings",
    "default_overrides_path",
    "load_overrides",
    "match",
    "read_entities",
    "reconcile",
    "review_json",
    "review_toml",
    "score_pair",
]
