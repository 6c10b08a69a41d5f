"""``linkedart-sparql``: a partner's own Linked Art description, kept as the partner wrote it.

A stop-gap for ``kind = "sparql"`` until the ``linkedart`` mapping of ``kind = "rdf"`` (which
also validates the graph against the closed vocabulary) is merged; then sources should name that
one. The payload is the N-Triples the harvester fetched; the record's subject is the partner's
object IRI (its local id), and the triples go into the record's named graph unchanged.
"""

from __future__ import annotations

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from harvesters import SourceRecord
from museion_errors import MappingError

from .base import Mapping, MappingContext, MappingResult
from .registry import register_mapping

__all__ = ["LinkedArtPassThrough"]


class LinkedArtPassThrough:
    name = "linkedart-sparql"
    version = "1"

    def identify(self, record: object) -> str:  # noqa: ARG002 (the Mapping protocol)
        raise ValueError("a linkedart-sparql record is identified by its harvester (its IRI)")

    def map(self, record: SourceRecord, context: MappingContext) -> MappingResult:
        graph = context.minter.record_graph(record.local_id)
        try:
            subject = NamedNode(record.local_id)
            triples = list(parse(record.payload, RdfFormat.N_TRIPLES))
        except (ValueError, SyntaxError) as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise MappingError(
                f"not N-Triples: {first}", source=record.source, record=record.local_id
            ) from None
        quads = [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        if not any(q.subject == subject for q in quads):
            raise MappingError(
                f"the description says nothing about <{record.local_id}> itself",
                source=record.source,
                record=record.local_id,
            )
        return MappingResult(graph=graph, subject=subject, kind="object", quads=quads)


@register_mapping("linkedart-sparql")
def _linkedart_sparql() -> Mapping:
    return LinkedArtPassThrough()
