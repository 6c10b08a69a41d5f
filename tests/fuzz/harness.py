"""What the fuzz tests run: a partner file through the real files harvester and a real
mapping, as a harvest stages it, asserting that nothing but a quarantine comes out of it.

A record may be quarantined (a ``RejectedRecord`` from the harvester, a ``MappingError`` from
the mapping); the harvest may fail with a ``HarvestError``. Any other exception, and any
mapped graph the store would not load, is a bug.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pyoxigraph import Literal, RdfFormat, parse, serialize

from harvesters import RejectedRecord, SourceRecord, SourceSpec, create_harvester, options_model
from mappings import Mapping, MappingContext, get_mapping
from museion.coverage import coverage_flags, entity_signature, payload_fields
from museion_core.errors import HarvestError, MappingError
from store import MAX_STATEMENT_BYTES, longest_statement

__all__ = ["EXAMPLES", "Outcome", "feed_through", "load_mapping"]

EXAMPLES = int(os.environ.get("MUSEION_FUZZ_EXAMPLES", "0"))
"""Examples per target for ``make fuzz``; 0: the short, derandomised run of ``make test``."""

BASE = "https://data.example.org/"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
"""The lexical space of ``xsd:decimal``."""


class Outcome:
    """What one fuzzed file became: records mapped, records quarantined."""

    def __init__(self) -> None:
        self.mapped = 0
        self.quarantined: list[str] = []


def load_mapping(name_or_path: str | Path) -> Mapping:
    return get_mapping(str(name_or_path))


def feed_through(
    data: bytes, path: Path, mapping: Mapping, *, fmt: str = "auto", **options: object
) -> Outcome:
    """Write ``data`` to ``path`` and harvest, map and serialise it as a run would."""
    path.write_bytes(data)
    spec = SourceSpec(
        name="fuzz",
        location=str(path),
        options=options_model("files").model_validate({"format": fmt, **options}),
        identify=mapping.identify,
    )
    outcome = Outcome()
    context = MappingContext(BASE, "fuzz", None)
    try:
        for item in create_harvester("files", spec):
            if isinstance(item, RejectedRecord):
                assert item.reason, "a quarantined record needs its reason"
                outcome.quarantined.append(item.reason)
                continue
            assert isinstance(item, SourceRecord)
            try:
                result = mapping.map(item, context)
            except MappingError as exc:
                outcome.quarantined.append(exc.cause or "no reason")
                continue
            nquads = serialize(result.quads, format=RdfFormat.N_QUADS) or b""
            # What staging and apply do with it: none of it may raise, and the store must be
            # able to load the graph back.
            if longest_statement(nquads) > MAX_STATEMENT_BYTES:
                outcome.quarantined.append("too long for the store")
                continue
            assert len(list(parse(nquads, format=RdfFormat.N_QUADS))) == len(result.quads)
            for quad in result.quads:  # a number no reader takes ("NaN") is no number
                value = quad.object
                if isinstance(value, Literal) and value.datatype.value == XSD_DECIMAL:
                    assert DECIMAL.fullmatch(value.value), value
            coverage_flags(result.subject, result.quads)
            payload_fields(item.media_type, item.payload)
            entity_signature(result.subject.value, nquads)
            outcome.mapped += 1
    except HarvestError:
        outcome.quarantined.append("the harvest failed")
    return outcome
