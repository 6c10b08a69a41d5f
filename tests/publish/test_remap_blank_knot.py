"""An unchanged-remap check (``store.same_graph``) on a partner's
record whose blank nodes are linked to one another."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from museion import Pipeline, load_config

ROOT = Path(__file__).resolve().parents[2]
KNOT = 11
"""Blank nodes, each linked to every other: RDFC-1.0's n-degree hashing tries their
permutations (8 took 6 s, 10 over a minute; 13 had the process killed, -9, after 38 s)."""
CAP = 120
"""Seconds the remap is given: it takes about a second; this is a hang's bound, not a
measure."""


def test_a_remap_of_a_record_with_linked_blank_nodes_ends(tmp_path: Path) -> None:
    """A partner's RDF record with a knot of blank nodes harvests at once (134 statements
    for 11 nodes); ``museion remap`` then compared its graph with the store's by
    canonicalising both (RDFC-1.0), since blank-node labels differ, and did not end,
    holding the data directory's writer (every harvest waited). Found by a review."""
    dump = tmp_path / "dump"
    dump.mkdir()
    knot = [f"_:a{i}" for i in range(KNOT)]
    lines = [
        "@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .",
        "<https://partner.example.org/object/42> a crm:E22_Human-Made_Object ;",
        f"    crm:P46_is_composed_of {', '.join(knot)} .",
    ]
    for node in knot:
        others = ", ".join(n for n in knot if n != node)
        lines.append(f"{node} a crm:E22_Human-Made_Object ; crm:P46_is_composed_of {others} .")
    (dump / "knot.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "museion.toml"
    path.write_text(
        '[store]\npath = "store"\n[publish]\nbase_iri = "https://network.example.org/"\n'
        f'[[sources]]\nname = "la"\nkind = "rdf"\nlocation = "{dump.as_posix()}"\n'
        'mapping = "linkedart"\n[sources.partner]\nlabel = "Linked Art"\n',
        encoding="utf-8",
    )
    [first] = Pipeline(load_config(path)).harvest()
    assert (first.status, first.new) == ("published", 1), first.reason
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "museion", "--config", str(path), "remap", "la"],
            capture_output=True,
            text=True,
            timeout=CAP,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"museion remap of one record still running after {CAP} s") from None
    assert done.returncode == 0, done.stderr
