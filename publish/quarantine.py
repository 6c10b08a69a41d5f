"""A source's quarantine in the store, and whether a run would change the store at all.

Applying a run replaces the source's quarantined records in the metadata graph
(``replace_quarantine``). Before a run is applied, ``writes_nothing`` tells whether applying it
would change anything the store holds but its own provenance: no record new or withdrawn, no
record changed but those mapped again to what the store holds already (``held_output``), the
quarantine as it is, the source's description and Museion's vocabulary as they are. Such a run
(a nightly harvest of a feed that did not change, a remap whose mapping gave the same output)
is not applied, and publishes no new snapshot (``museion.writing``).
"""

from __future__ import annotations

from pyoxigraph import NamedNode, Quad

from mappings import Minter
from museion_core.vocab import DCTERMS, MUSEION, PROV, RDF, VOID
from store import Store

from .held_output import same_as_held
from .index import RecordIndex
from .provenance import meta_graph, quarantine_iri, quarantine_quads, standing_graphs
from .runs import Change, Run
from .settings import PublishSettings, SourceSettings

__all__ = ["replace_quarantine", "writes_nothing"]


def _quarantine_writes(
    store: Store, meta: NamedNode, minter: Minter, run: Run, *, all_copies: bool = False
) -> tuple[list[NamedNode], list[Quad]]:
    """What applying ``run`` makes of the source's quarantine: the subjects whose statements
    in the metadata graph go, and the statements that replace them. ``all_copies``: the
    entries listed are those of a remote store's server too (``Store.select_all_copies``),
    so that an entry whose removal the server missed goes from it now.

    After a complete run, the source's quarantine is what that run could not map. After a
    partial one (an incremental OAI-PMH harvest, a single record), entries of records the run
    did not see stay; those it mapped this time leave the quarantine, found by where they were
    read or by their id: a record an OAI-PMH page could not parse is kept with the page's
    address and its OAI identifier, and comes back mended from another page or by GetRecord.
    A remap reads no feed: it maps the stored records only, so an entry it finds by id is of
    something else the feed sent under that id (a second record with the same id, other
    content), which the remap did not mend, and which stays."""
    query = (
        f"SELECT ?q ?id WHERE {{ GRAPH {meta} {{ ?q a {MUSEION.QuarantinedRecord} ; "
        f"{VOID.inDataset} {minter.dataset()} OPTIONAL {{ ?q {DCTERMS.identifier} ?id }} }} }}"
    )
    listed = store.select_all_copies(query) if all_copies else store.select(query)
    entries = run.quarantined()
    quads = [q for e in entries for q in quarantine_quads(meta, minter, e, run.run_id)]
    if not run.info().get("complete"):
        names = run.staged_names()
        seen = [
            quarantine_iri(minter, o) for o in [*run.staged_origins(), *(e.origin for e in entries)]
        ]
        if not run.info().get("remap"):
            seen += [NamedNode(row["q"]) for row in listed if row["id"] in names]
        return seen, quads
    old = list({NamedNode(row["q"]) for row in listed})
    new = [q.subject for q in quads if q.predicate == RDF.type and isinstance(q.subject, NamedNode)]
    return [*old, *new], quads


def replace_quarantine(store: Store, meta: NamedNode, minter: Minter, run: Run) -> None:
    """Make the source's quarantine in the store what ``run`` leaves it (on a remote store's
    server as well, whatever a failed write left there)."""
    subjects, quads = _quarantine_writes(store, meta, minter, run, all_copies=True)
    store.replace_subjects(meta, subjects, quads)


def _without_run(quads: list[Quad]) -> set[Quad]:
    """Quarantine statements but the run that wrote them: an entry an earlier run wrote, the
    same in every other way, is the one this run would write."""
    return {q for q in quads if q.predicate != PROV.wasGeneratedBy}


def writes_nothing(
    settings: PublishSettings,
    source: SourceSettings,
    run: Run,
    store: Store,
    index: RecordIndex,
) -> bool:
    """Whether applying ``run`` would leave the store as it is, but for the run's own
    provenance (its ``prov:Activity``, the dataset's last run): no record to write or
    withdraw (a record staged as changed counts as written unless it is what the store and
    ``index`` hold of it already: a remap's, whose mapping gave the same output), and the
    quarantine, the source's description and the vocabulary graph as the store holds them (a
    partner renamed in the configuration, a new Museion's vocabulary, a record quarantined
    for another reason all change the store)."""
    if run.staged_count(Change.NEW) or run.removed_count():
        return False
    minter = Minter(settings.base_iri, source.name)
    if store.differing_graphs(standing_graphs(settings.base_iri, minter, source)):
        return False
    meta = meta_graph(settings.base_iri)
    subjects, quads = _quarantine_writes(store, meta, minter, run)
    held = [q for subject in subjects for q in store.subject_quads(meta, subject)]
    if _without_run(held) != _without_run(quads):
        return False
    return not run.staged_count(Change.CHANGED) or same_as_held(settings, source, run, store, index)
