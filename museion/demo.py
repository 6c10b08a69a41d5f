"""The demo: bundled samples of two real partner feeds, and the questions it answers."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from museion_core.prefixes import curie
from museion_core.vocab import CRM
from publish import Workspace
from sparql import PREFIXES, Checklist, ChecklistStore, read_rows

from .config import Config, load_config

__all__ = [
    "DEMO_QUESTIONS",
    "SAMPLE_CHECKLIST",
    "demo_config",
    "examples_dir",
    "sample_checklist",
]

SAMPLE_CHECKLIST = "Sample: artists shared by Tate and Carnegie"
SAMPLE_QUERY = f"""
SELECT DISTINCT ?o ?keeper WHERE {{
  ?o a {curie(CRM.E22_Human_Made_Object)} ; {curie(CRM.P50_has_current_keeper)} ?keeper ;
     {curie(CRM.P108i_was_produced_by)}/{curie(CRM.P9_consists_of)}?
       /{curie(CRM.P14_carried_out_by)}/rdfs:label ?name .
  FILTER (REGEX(STR(?name), "Picasso|Stella|Guston|Turnbull"))
}} ORDER BY ?keeper ?o
"""
PER_PARTNER = 4

DEMO_QUESTIONS = (
    ("Every work by Pablo Picasso held by either partner", "07-works-by-artist-across-partners"),
    ("Artists held by more than one partner", "03-artists-in-several-collections"),
    ("Objects per partner", "01-objects-per-partner"),
    ("Works made 1900–1950, with images (the first 25)", "04-works-by-period"),
    (
        "Works made 1900–1950 and wider than 1 m, in either collection",
        "05-wide-works-made-1900-1950",
    ),
)


def examples_dir() -> Path:
    return Path(str(resources.files("museion").joinpath("examples")))


def demo_config(data_dir: Path) -> Config:
    """Write the bundled example configuration into ``data_dir`` (store in that folder, feeds
    where Museion is installed), so that later commands can use it with ``--config``."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    text = (examples_dir() / "museion.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^path = ".*"', 'path = "."', text)
    text = re.sub(
        r'(?m)^location = "(\w+)"',
        lambda m: f'location = "{(examples_dir() / m.group(1)).as_posix()}"',
        text,
    )
    path = data_dir / "museion.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def sample_checklist(config: Config) -> Checklist:
    """A checklist of works by artists both partners hold (Picasso, Stella, Guston,
    Turnbull; four from each partner), kept in
    the demo's data directory like any curator's; running the demo again refreshes it."""
    workspace = Workspace(config.data_dir)
    store = workspace.open_published()
    per_partner: dict[str, list[str]] = {}
    for solution in store.query(SAMPLE_QUERY, prefixes=PREFIXES):  # type: ignore[union-attr]
        chosen = per_partner.setdefault(solution["keeper"].value, [])
        if len(chosen) < PER_PARTNER:
            chosen.append(solution["o"].value)
    iris = [iri for chosen in per_partner.values() for iri in chosen]
    answers = read_rows(store, iris)
    checklists = ChecklistStore(workspace.checklists_path)
    existing = [c for c, _ in checklists.all() if c.name == SAMPLE_CHECKLIST]
    ident = existing[0].id if existing else checklists.create(SAMPLE_CHECKLIST).id
    for iri in iris:
        _, fields, _ = answers[iri]
        if fields is not None:
            checklists.add(ident, fields)
    checklists.refresh(ident, answers)
    return checklists.get(ident)
