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

from typing import Any

from pyoxigraph import NamedNode, Quad

from mappings import Minter
from museion_core.vocab import DCTERMS, MUSEION, PROV, RDF, VOID
from store import Store

from .held_output import same_as_held
from .index import RecordIndex
from .provenance import (
    digest_of_kept,
    meta_graph,
    payload_digest,
    quarantine_iri,
    quarantine_quads,
    standing_graphs,
)
from .runs import Change, QuarantinedRecord, Run
from .settings import PublishSettings, SourceSettings
from .staged import RunKind

__all__ = ["replace_quarantine", "standing_quarantine", "writes_nothing"]


def _quarantine_writes(
    store: Store,
    meta: NamedNode,
    minter: Minter,
    run: Run,
    index: RecordIndex,
    *,
    all_copies: bool = False,
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
    A remap reads no feed: it maps the records the source holds, so an entry leaves only if
    what it holds is what the remap mapped (``_mapped_again``); an entry of anything else the
    partner sent (a newer version of a record that could not be mapped, a second record under
    the same id) stays, since nothing a partner sent may leave the quarantine unmapped. An
    upload that could not read every file is partial too, but replaces the files the upload
    before it sent: the entries no record names (of a file or a row read as no record) go."""
    listed = _listed(store, meta, minter, all_copies=all_copies)
    entries = run.quarantined()
    if run.info().get("remap"):
        entries = _not_over_another(store, meta, minter, listed, entries)
    quads = [q for e in entries for q in quarantine_quads(meta, minter, e, run.run_id)]
    if not run.info().get("complete"):
        origins = [e.origin for e in entries]
        if run.info().get("remap"):
            seen = _mapped_again(store, meta, listed, run, index, all_copies=all_copies)
        else:
            origins += run.staged_origins()
            names = run.staged_names()
            seen = [NamedNode(row["q"]) for row in listed if row["id"] in names]
            if RunKind.of_info(run.info()) is RunKind.UPLOAD:
                # An upload replaces every file the one before sent: an entry no record names
                # (a file empty or not a table, a row without an id) was of a file now gone.
                seen += [NamedNode(row["q"]) for row in listed if not row.get("id")]
        return [*(quarantine_iri(minter, o) for o in origins), *seen], quads
    old = list({NamedNode(row["q"]) for row in listed})
    new = [q.subject for q in quads if q.predicate == RDF.type and isinstance(q.subject, NamedNode)]
    return [*old, *new], quads


def _listed(
    store: Store, meta: NamedNode, minter: Minter, *, all_copies: bool = False, said: bool = False
) -> list[dict[str, Any]]:
    """The source's quarantine entries in the store (``q``, ``id``); ``said``: with their
    ``origin`` and ``reason`` too."""
    more = f"; {MUSEION.origin} ?origin ; {MUSEION.reason} ?reason" if said else ""
    query = (
        f"SELECT * WHERE {{ GRAPH {meta} {{ ?q a {MUSEION.QuarantinedRecord} ; "
        f"{VOID.inDataset} {minter.dataset()}{more} "
        f"OPTIONAL {{ ?q {DCTERMS.identifier} ?id }} }} }}"
    )
    return store.select_all_copies(query) if all_copies else store.select(query)


_DIGESTS = 200
"""Entries whose digests one query reads."""


def _digests(
    store: Store, meta: NamedNode, entries: list[NamedNode], *, all_copies: bool = False
) -> dict[NamedNode, set[str | None]]:
    """The digest of the whole payload each of ``entries`` holds (``payload_digest``; an
    entry with no payload has none, an entry written before entries kept one has that of the
    payload it kept if it kept it whole, None if unknown: see ``digest_of_kept``). As the
    working store holds each entry, or, with ``all_copies``, as a remote store's server does
    if only it holds one (a removal the server missed): otherwise that entry, read from the
    working store only, held no payload, and was never found mended."""
    found: dict[NamedNode, set[str | None]] = {entry: set() for entry in entries}
    for start in range(0, len(entries), _DIGESTS):
        values = " ".join(str(e) for e in entries[start : start + _DIGESTS])
        query = (
            f"SELECT ?q ?sum ?kept WHERE {{ VALUES ?q {{ {values} }} GRAPH {meta} {{ "
            f"?q a {MUSEION.QuarantinedRecord} "
            f"OPTIONAL {{ ?q {MUSEION.checksum} ?sum }} "
            f"OPTIONAL {{ ?q {MUSEION.payload} ?kept "
            f"FILTER NOT EXISTS {{ ?q {MUSEION.checksum} ?any }} }} }} }}"
        )
        rows = store.select(query)
        here = {str(row["q"]) for row in rows}
        if all_copies:
            rows += [row for row in store.select_all_copies(query) if str(row["q"]) not in here]
        for row in rows:
            held = found[NamedNode(str(row["q"]))]
            if row.get("sum") is not None:
                held.add(str(row["sum"]))
            elif row.get("kept") is not None:
                held.add(digest_of_kept(str(row["kept"])))
    return found


def _not_over_another(
    store: Store,
    meta: NamedNode,
    minter: Minter,
    listed: list[dict[str, Any]],
    entries: list[QuarantinedRecord],
) -> list[QuarantinedRecord]:
    """A remap's entries but those that would replace an entry of another payload.

    An entry is named by where its record was read, so a stored record a remap could not map
    has the name of an entry the partner's newer version of it may hold (that version could
    not be mapped either; the stored one stays published). Written over, the newer version
    would be gone from the quarantine, and a later remap that maps the stored one would take
    the entry out: the partner's newest text lost unmapped. That entry stays as it is; the
    remap counts its own refusal all the same. Payloads are the same only if their digests
    are: an entry keeps only a payload's first ``QUARANTINE_PAYLOAD_LIMIT`` bytes, and a
    newer version may differ past them; one whose digest is not known is another's."""
    there = {str(row["q"]) for row in listed}
    nodes = {e.origin: quarantine_iri(minter, e.origin) for e in entries}
    held = _digests(store, meta, sorted({n for n in nodes.values() if n.value in there}, key=str))
    kept = []
    for entry in entries:
        stored = held.get(nodes[entry.origin], set())
        if stored and stored != {payload_digest(entry.payload)}:
            continue
        kept.append(entry)
    return kept


def _mapped_again(
    store: Store,
    meta: NamedNode,
    listed: list[dict[str, Any]],
    run: Run,
    index: RecordIndex,
    *,
    all_copies: bool = False,
) -> list[NamedNode]:
    """The quarantine entries a remap mended: of a record the source holds, which the remap
    mapped, each holding the very payload the source holds of it (the same digest of the
    whole payload: ``_digests``). A remap that could not map a stored record quarantined that
    record's payload; mapped now, it leaves. An entry of a version the partner sent later,
    that could not be mapped and is not stored (the version before it stays published), holds
    another payload, and stays (even if it differs only past the part an entry keeps)."""
    source = str(run.info()["source"])
    named: dict[str, list[NamedNode]] = {}
    for row in listed:
        if row.get("id"):  # a record may have several entries (a second record, other content)
            named.setdefault(str(row["id"]), []).append(NamedNode(row["q"]))
    mapped = set(run.seen_checksums(list(named))) - {e.local_id for e in run.quarantined()}
    candidates = sorted({e for local_id in mapped for e in named[local_id]}, key=str)
    held_digests = _digests(store, meta, candidates, all_copies=all_copies)
    mended = []
    for local_id in sorted(mapped):
        held = index.payload(source, local_id)
        if held is None:
            continue
        digest = payload_digest(held)
        for entry in named[local_id]:
            if held_digests[entry] == {digest}:
                mended.append(entry)
    return mended


def replace_quarantine(
    store: Store, meta: NamedNode, minter: Minter, run: Run, index: RecordIndex
) -> None:
    """Make the source's quarantine in the store what ``run`` leaves it (on a remote store's
    server as well, whatever a failed write left there)."""
    subjects, quads = _quarantine_writes(store, meta, minter, run, index, all_copies=True)
    store.replace_subjects(meta, subjects, quads)


def standing_quarantine(
    settings: PublishSettings, source: SourceSettings, run: Run, store: Store, index: RecordIndex
) -> list[QuarantinedRecord]:
    """The entries of the source's quarantine that earlier runs left and ``run`` leaves as
    they are (it did not map their records again), without payload: with the run's own,
    the source's quarantine as the run leaves it, for its partner report. None after a
    complete run, whose quarantine replaces the source's."""
    if run.info().get("complete"):
        return []
    minter = Minter(settings.base_iri, source.name)
    meta = meta_graph(settings.base_iri)
    going, _ = _quarantine_writes(store, meta, minter, run, index)
    gone = set(going)
    rows = _listed(store, meta, minter, said=True)
    return sorted(
        {
            QuarantinedRecord(str(row["origin"]), row.get("id"), str(row["reason"]), b"")
            for row in rows
            if NamedNode(row["q"]) not in gone
        },
        key=lambda e: (e.local_id or "", e.origin),
    )


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
    subjects, quads = _quarantine_writes(store, meta, minter, run, index)
    held = [q for subject in subjects for q in store.subject_quads(meta, subject)]
    if _without_run(held) != _without_run(quads):
        return False
    return not run.staged_count(Change.CHANGED) or same_as_held(settings, source, run, store, index)
