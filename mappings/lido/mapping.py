"""The ``lido`` mapping: one LIDO 1.0 or 1.1 record → the quads of its named graph."""

from __future__ import annotations

from typing import Any

from lxml import etree

from harvesters import SourceRecord, XmlError
from museion_core import messages
from museion_core.errors import MappingError

from ..base import MappingContext, MappingResult
from ..iris import Minter
from .cached import LidoBuilder
from .common import Record
from .events import events
from .identification import identify, object_core
from .reader import L, child, language, parse_record
from .resources import record_wrap, related_works, resources, rights_work, subjects

__all__ = ["LidoMapping"]


class LidoMapping:
    """LIDO → Linked Art. Pure: the record's bytes and the context are all it reads."""

    name = "lido"
    version = "3"
    """Bumped when what a record maps to changes (2: its coverage flags count rights stated
    with P104; 3: a concept named only by its notation takes its first added search term as
    its label), so that the next harvest maps every stored record again."""

    def identify(self, record: Any) -> str:
        """The ``lidoRecID`` of a parsed ``lido:lido`` element (the harvesters call this)."""
        if not isinstance(record, etree._Element):
            raise ValueError(f"expected a LIDO record element, got {type(record).__name__}")
        return identify(record)

    def map(self, record: SourceRecord, context: MappingContext) -> MappingResult:
        def fail(cause: str) -> MappingError:
            return MappingError(cause, source=record.source, record=record.local_id)

        try:
            root = parse_record(record.payload)
        except XmlError as exc:
            raise fail(messages.NOT_LIDO(detail=exc)) from exc
        if root.tag == L + "lidoWrap":
            inner = list(root.iterchildren(L + "lido"))
            if len(inner) != 1:
                raise fail(messages.LIDO_WRAP(count=len(inner)))
            root = inner[0]
        if root.tag != L + "lido":
            raise fail(messages.NOT_LIDO_ROOT(root=etree.QName(root).text))
        try:
            local_id = identify(root)
        except ValueError as exc:
            raise fail(str(exc)) from exc
        descriptive = child(root, L + "descriptiveMetadata")
        if descriptive is None:
            raise fail(messages.LIDO_NO_DESCRIPTIVE())
        admin = child(root, L + "administrativeMetadata")
        lang = language(descriptive, context.language)
        admin_lang = language(admin, context.language) if admin is not None else lang
        minter = Minter(context.base_iri, context.source)
        builder = LidoBuilder(minter.record_graph(record.local_id), minter, lang)
        r = Record(builder, minter.object(local_id), lang, admin_lang)
        object_core(r, root, descriptive)
        events(r, descriptive)
        subjects(r, descriptive)
        related_works(r, descriptive)
        if admin is not None:
            rights_work(r, admin)
            resources(r, admin)
        record_wrap(r, root, admin)
        return MappingResult(
            builder.graph,
            r.obj,
            "object",
            builder.quads,
            builder.warnings,
            builder.local_terms,
        )
