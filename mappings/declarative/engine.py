"""The declarative mapping: a validated TOML file compiled once, then applied to each record."""

from __future__ import annotations

import hashlib
import importlib.metadata
import pathlib
import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from typing import Any, cast

from pyoxigraph import NamedNode

from harvesters import SourceRecord, load_json
from museion_core import messages
from museion_core.errors import ConfigError, MappingError
from museion_core.settings import load_toml_model
from museion_core.vocab import AAT, CRM, LA

from ..base import MappingContext, MappingResult, NQuadsResult
from ..builder import RecordBuilder, TextRecordBuilder
from ..iris import Minter, label_key
from ..normalise.text import clean_text, has_markup, letters_replaced
from ..terms import Vocabularies, expand_curie, subject_labels_digest
from .actors import ActorSpec, Classifier, emit_actor, id_text
from .dimensions import DimensionSpec
from .fields import FieldList, compile_fields
from .iiif import emit_iiif
from .names import missing_field, spaced_keys, spaced_name
from .paths import join_path, paths_in, written_paths
from .production import ProductionSpec
from .provenance import ProvenanceSpec
from .schema import DimensionsModel, MappingFile, ObjectModel, RoleModel
from .subjects import SubjectSpec

__all__ = ["DeclarativeMapping", "load_mapping_file"]

_STATEMENTS = (
    ("description", AAT.DESCRIPTION),
    ("medium", AAT.MATERIAL_STATEMENT),
    ("credit_line", AAT.CREDIT_LINE),
    ("provenance", AAT.PROVENANCE_STATEMENT),
    ("rights", AAT.RIGHTS_STATEMENT),
    ("inscription", AAT.INSCRIPTION),
    ("distinguishing_features", AAT.PHYSICAL_STATEMENT),
)


def load_mapping_file(path: pathlib.Path) -> DeclarativeMapping:
    """Read, validate and compile a mapping file; errors name the file and the key."""
    spec, text = load_toml_model(path, MappingFile, what="mapping file")
    try:
        return DeclarativeMapping(spec, path, fingerprint=_fingerprint(text))
    except ValueError as exc:
        raise ConfigError(str(exc), file=str(path)) from exc


@dataclass(frozen=True, slots=True)
class ObjectFields:
    """The object's simple fields, compiled: each a value list read off the record."""

    titles: FieldList | None
    accession_number: FieldList | None
    classification: FieldList | None
    materials: FieldList | None
    web_pages: FieldList | None
    images: FieldList | None
    image_rights: FieldList | None
    iiif_manifest: FieldList | None
    collections: FieldList | None
    equivalent: FieldList | None
    provenance: FieldList | None
    """The provenance statement, written on the provenance activity."""
    statements: tuple[tuple[str, NamedNode, FieldList], ...]
    """(IRI segment, AAT type, fields) of each statement on the object itself."""

    @classmethod
    def compile(cls, obj: ObjectModel) -> ObjectFields:
        return cls(
            titles=compile_fields(obj.titles),
            accession_number=compile_fields(obj.accession_number),
            classification=compile_fields(obj.classification),
            materials=compile_fields(obj.materials),
            web_pages=compile_fields(obj.web_pages),
            images=compile_fields(obj.images),
            image_rights=compile_fields(obj.image_rights),
            iiif_manifest=compile_fields(obj.iiif_manifest),
            collections=compile_fields(obj.collections),
            equivalent=compile_fields(obj.equivalent),
            provenance=compile_fields(obj.provenance),
            statements=tuple(
                (name.replace("_", "-"), kind, fields)
                for name, kind in _STATEMENTS
                if name != "provenance"
                and (fields := compile_fields(getattr(obj, name))) is not None
            ),
        )


class DeclarativeMapping:
    """A mapping for tabular and JSON feeds, described by a TOML file (see ``schema``)."""

    def __init__(
        self, spec: MappingFile, path: pathlib.Path | None = None, fingerprint: str = ""
    ) -> None:
        self.spec = spec
        self.path = path
        self.name = spec.mapping.name
        # The declared version, plus what actually decides the output: the file's content and
        # the Museion release whose engine reads it. Records mapped by another version are
        # mapped again on the next harvest.
        self.version = "+".join(filter(None, [spec.mapping.version, fingerprint]))
        self.language = spec.mapping.language
        self.html = spec.mapping.html
        self.vocabularies = Vocabularies(spec.vocab)
        self.classifier = Classifier(self.vocabularies)
        roles: dict[str, RoleModel] = {
            role.casefold(): RoleModel(type=value) if isinstance(value, str) else value
            for role, value in spec.roles.items()
        }
        obj = spec.object
        self.object_match = compile_fields(obj.match)
        self.object_id = _required(compile_fields(obj.id))
        self.fields = ObjectFields.compile(obj)
        self.dimensions = DimensionSpec(obj.dimensions or DimensionsModel())
        subjects = obj.subjects
        self.subjects = [
            SubjectSpec.compile(s)
            for s in (subjects if isinstance(subjects, list) else [subjects] if subjects else [])
        ]
        self.production = ProductionSpec.compile(obj.production, roles)
        self.provenance = ProvenanceSpec.compile(obj.acquisition)
        person = spec.person
        self.person = ActorSpec.compile(person) if person else None
        self.person_match = compile_fields(person.match) if person else None
        self.person_id = _required(compile_fields(person.id)) if person and person.id else None
        if person is not None and self.person_id is None:
            raise ValueError("[person] needs an `id`")

    def fields_read(self) -> set[str]:
        """The source field paths this mapping reads (lists walked through, no ``[]``), for the
        partner report's list of fields the mapping never uses."""
        read = {p for p in paths_in([self.spec.object, self.spec.person]) if p}
        subjects = self.spec.object.subjects
        for tree in subjects if isinstance(subjects, list) else [subjects] if subjects else []:
            if tree.children and tree.each:
                read.add(join_path("", tree.each))  # every level of the tree is read
        return read

    def reads_rows(self) -> bool:
        """Whether every path names a field of the record itself, none going into a list
        (``images[].url``): the rows of a table (CSV, TSV, a sheet) can carry what it reads,
        so the source may take a sheet saved as text (an upload's ``.txt``)."""
        return not any("[" in p for p in written_paths([self.spec.object, self.spec.person]))

    def fields_unmapped(self) -> dict[str, str]:
        """Source fields the mapping file leaves out on purpose, with the reason."""
        return dict(self.spec.unmapped)

    # -- identity ----------------------------------------------------------------------
    def _kind(self, obj: MappingABC[str, Any]) -> str:
        if self.person is None:
            return "object"
        if self.object_match is not None and self.object_match.values(obj):
            return "object"
        if self.person_match is not None and self.person_match.values(obj):
            return "person"
        if self.object_match is None:
            return "object"
        if self.person_match is None:
            return "person"
        raise ValueError(
            messages.NEITHER_OBJECT_NOR_PERSON(
                object=self.object_match.paths()[0], person=self.person_match.paths()[0]
            )
        )

    def identify(self, record: MappingABC[str, Any]) -> str:
        return self._identify(spaced_keys(record), record)

    def _identify(self, record: MappingABC[str, Any], sent: MappingABC[str, Any]) -> str:
        """The id of ``record`` (its keys also ``spaced_name``); ``sent``: its keys as sent."""
        kind = self._kind(record)
        fields = self.object_id if kind == "object" else self.person_id
        assert fields is not None
        value = fields.first(record)
        if value is None or str(value).strip() == "":
            where = " or ".join(repr(p) for p in fields.paths()) or "its id"
            if fields.paths() and not any(_has_field(record, p) for p in fields.paths()):
                # No such column at all: a renamed header, or the workbook's read-me sheet read
                # for its inventory. What the record has instead says which.
                raise ValueError(missing_field(fields.paths(), sent, where))
            raise ValueError(messages.NO_IDENTIFIER(where=where))
        local = id_text(value)
        if kind == "object" and _totals_word(local):
            raise ValueError(messages.TOTALS_LINE(id=local))
        return local if kind == "object" else f"{kind}:{local}"

    # -- mapping -------------------------------------------------------------------------
    def map(self, record: SourceRecord, context: MappingContext) -> MappingResult:
        """The reference path: the record's graph as pyoxigraph quads."""
        obj, local_id, _ = self._parse(record)
        minter = Minter(context.base_iri, context.source)
        language = context.language or self.language
        b = RecordBuilder(minter.record_graph(record.local_id), minter, language)
        subject, kind = self._build(record, obj, local_id, b)
        return MappingResult(b.graph, subject, kind, b.quads, b.warnings, b.local_terms, b.unparsed)

    def map_nquads(
        self,
        record: SourceRecord,
        context: MappingContext,
        watch: frozenset[NamedNode] = frozenset(),
    ) -> NQuadsResult:
        """The compiled path: the same graph written as N-Quads text (``TextRecordBuilder``)."""
        obj, local_id, payload = self._parse(record)
        minter = Minter(context.base_iri, context.source)
        language = context.language or self.language
        graph = minter.record_graph(record.local_id)
        b = TextRecordBuilder(graph, minter, language, watch=watch)
        subject, kind = self._build(record, obj, local_id, b)
        return NQuadsResult(
            graph.value,
            subject.value,
            kind,
            "".join(b.lines),
            b.links,
            b.warnings,
            b.local_terms,
            b.unparsed,
            payload,
        )

    def _parse(self, record: SourceRecord) -> tuple[dict[str, Any], str, dict[str, Any]]:
        """The record's payload as a JSON object (markup stripped if asked), its id, and the
        payload as parsed (markup kept), for the map stage's list of the fields it fills."""
        try:
            payload = obj = load_json(record.payload)
        except ValueError as exc:
            raise MappingError(
                messages.PAYLOAD_NOT_JSON(detail=exc), source=record.source, record=record.local_id
            ) from exc
        if not isinstance(obj, dict):
            raise MappingError(
                messages.PAYLOAD_NOT_OBJECT(), source=record.source, record=record.local_id
            )
        if self.html:
            obj = _without_markup(obj)
        sent, obj = obj, cast(dict[str, Any], spaced_keys(obj))  # a dict, given one
        try:
            return obj, self._identify(obj, sent), payload
        except ValueError as exc:
            raise MappingError(str(exc), source=record.source, record=record.local_id) from exc

    def _build(
        self, record: SourceRecord, obj: dict[str, Any], local_id: str, b: RecordBuilder
    ) -> tuple[NamedNode, str]:
        """Emit the record's statements into ``b``; returns its subject and kind."""
        if local_id.startswith("person:") and self.person is not None:
            person = local_id.removeprefix("person:")
            actor = emit_actor(self.person, obj, b, self.classifier, local_id=person)
            if actor is None:
                raise MappingError(
                    messages.PERSON_NO_NAME(), source=record.source, record=record.local_id
                )
            return actor.node, "person"
        subject = b.minter.object(local_id)
        self._object(obj, subject, b)
        return subject, "object"

    def _object(self, obj: Any, o: NamedNode, b: RecordBuilder) -> None:
        f = self.fields
        classify_all = self.classifier.classify_all
        b.a(o, CRM.E22_Human_Made_Object)
        _titles(f.titles, obj, o, b)
        if f.accession_number:
            for n, number in enumerate(f.accession_number.values(obj), start=1):
                node = NamedNode(f"{o.value}/accession-number" + ("" if n == 1 else f"/{n}"))
                b.identifier(o, node, str(number), AAT.ACCESSION_NUMBER)
        classify_all(o, f.classification, "object_type", obj, b)
        classify_all(o, f.materials, "material", obj, b, prop=CRM.P45_consists_of)
        for segment, kind, fields in f.statements:
            for n, (text, field) in enumerate(fields.items(obj), start=1):
                node = NamedNode(f"{o.value}/statement/{segment}" + ("" if n == 1 else f"/{n}"))
                b.statement(o, node, str(text), kind, field.language)
        self.dimensions.emit(obj, o, b, self.vocabularies)
        if f.web_pages:
            for n, url in enumerate(f.web_pages.values(obj), start=1):
                b.web_page(o, NamedNode(f"{o.value}/page/{n}"), str(url))
        _images(f, obj, o, b)
        if f.iiif_manifest:
            emit_iiif(b, o, o.value, obj, f.iiif_manifest)
        _collections(f.collections, obj, o, b)
        if f.equivalent:
            for target in f.equivalent.values(obj):
                b.equivalent(o, expand_curie(str(target)))
        self._subjects(obj, o, b)
        makers = self.production.emit(obj, o, b, self.classifier)
        provenance = f.provenance.items(obj) if f.provenance else []
        self.provenance.emit(
            obj,
            o,
            b,
            statements=[(str(text), field.language) for text, field in provenance],
            makers=makers,
            concept=self.classifier.concept,
        )
        partner = b.minter.partner()
        b.add(o, CRM.P52_has_current_owner, partner)
        b.add(o, CRM.P50_has_current_keeper, partner)

    def _subjects(self, obj: Any, o: NamedNode, b: RecordBuilder) -> None:
        """Subjects and styles on the object's visual content (``{object}/visual-content``)."""
        if not self.subjects:
            return
        visual = NamedNode(f"{o.value}/visual-content")
        shown = False
        for spec in self.subjects:
            shown |= spec.emit(obj, visual, b)
        if shown:
            b.add(o, CRM.P65_shows_visual_item, visual)
            b.a(visual, CRM.E36_Visual_Item)


_TOTALS = frozenset(
    {
        # English, French, German, Arabic, Azerbaijani, Russian: what a registrar types in
        # the first cell of the line that counts or sums the records above it
        *("total", "totals", "grand total", "subtotal", "sub-total", "sum"),
        *("totaux", "total général", "sous-total", "somme"),
        *("gesamt", "insgesamt", "summe", "gesamtsumme", "zwischensumme"),
        *("المجموع", "مجموع", "الإجمالي", "إجمالي", "المجموع الكلي"),
        *("cəmi", "cəm", "yekun", "итого", "всего"),
    }
)


def _totals_word(local: str) -> bool:
    """Whether an object's identifier is the first cell of a spreadsheet's totals line
    ("Total", "TOTAL :", "Totaux", "المجموع"): published, it was an object named "Total" with
    the count for its title."""
    return " ".join(local.casefold().strip(" :.=-").split()) in _TOTALS


def _has_field(record: MappingABC[str, Any], path: str) -> bool:
    """Whether the record (its keys also ``spaced_name``) has the field a path starts with,
    filled or not."""
    return spaced_name(re.split(r"[.\[]", path, maxsplit=1)[0]) in record


def _titles(titles: FieldList | None, obj: Any, o: NamedNode, b: RecordBuilder) -> None:
    """Every title a name of the object; the first its label and primary name."""
    if titles is None:
        return
    for n, (title, field) in enumerate(titles.items(obj), start=1):
        text = str(title)
        if letters_replaced(text):  # "Marsel liman?n?n": letters lost on saving
            # one text for every record of the column: counted, with its first records
            b.warnings.append(messages.TITLE_LETTERS_REPLACED_IN(field=field.source or "title"))
        if n == 1:
            b.label(o, text, field.language)
        kind = AAT.PRIMARY_NAME if n == 1 else None
        b.name(o, NamedNode(f"{o.value}/title/{n}"), text, field.language, kind)


def _images(f: ObjectFields, obj: Any, o: NamedNode, b: RecordBuilder) -> None:
    """The object's images, each with the image rights statements."""
    if not f.images:
        return
    rights = f.image_rights.items(obj) if f.image_rights else []
    for n, url in enumerate(f.images.values(obj), start=1):
        image = b.image(o, NamedNode(f"{o.value}/image/{n}"), str(url))
        if image is None:
            continue
        for m, (text, field) in enumerate(rights, start=1):
            node = NamedNode(f"{image.value}/statement/rights/{m}")
            b.statement(image, node, str(text), AAT.RIGHTS_STATEMENT, field.language)


def _collections(fields: FieldList | None, obj: Any, o: NamedNode, b: RecordBuilder) -> None:
    """The partner's collections (sets) the object is a member of."""
    if fields is None:
        return
    for name in fields.values(obj):
        collection = b.minter.set(label_key(str(name)))
        b.add(o, LA.member_of, collection)
        b.a(collection, LA.Set)
        b.label(collection, str(name))
        b.add(collection, CRM.P2_has_type, AAT.COLLECTION)


OUTPUT = "32"
"""What the engine writes for a given mapping file, versioned: raised when that changes (2: a
name node per spelling, years before Christ, thousands, measurement cells; 3: Museion's
French and Arabic labels of subject terms, ``data/subjects.toml``, whose digest the
fingerprint also takes; 4: a measurement below zero kept as a statement, French units with
their accent, numeric dates day first in Arabic, Azerbaijani and Russian, a title's letters
lost to question marks said; 5: an acquisition from an actor the production names is from
that actor, not from a node of its own; 6: columns matched with their white space made plain,
Excel's "N°\u00a0inventaire" by a path "N° inventaire"; 7: a credit line's "and family" a
party of its own; 8: a party known by name minted from it within the source, not per
acquisition; 9: "the artist and family", "an anonymous donor" and other words naming no one
a node of the acquisition, not minted; 10: every full name listed before a credit line's "and
family" a party, the family named by the list; 11: "the artist" the maker the record tells,
"the Artists" its makers, a party of its own linked to none when it cannot tell; 12: "the
artist and Alan Cristea Gallery" the maker and the gallery; 13: also "the artist and Émile
Zola", a name whose capital is not A to Z; 14: "the artist and Alan Cristea Gallery and
family" the maker, the gallery and a family said relative to the object; 15: each person
named before a credit line's "and family" a member of the family; 16: a place after a name
before "and family", "John Smith, New York and family", no person; 17: who a credit line
says a named donor is to the object, "the artist's wife", a statement of the donor; 18: at
most 50 parties from one credit line, with a warning past that; 19: a place the provenance
text writes after a donor's name, "Barry Friedman, New York", no part of the name, nor a
party of a list of names; 20: who a credit line says a named donor is to the object also
before "and family", "Dana Robineau Kelley, grandson of the artist, and family"; 21: Tate's
acquisition in the year of the gift where the credit line says it and the year accessioned
apart, "Presented by Gustav and Elly Kahnweiler 1974, accessioned 1994"; 22: a group's name that
begins with a place's first word, "New Hope Foundation", no place; 23: "Van Buren, Georgia"
a name inverted, as "Harris, Georgia" is; 24: a city of GeoNames after a donor's name, "John
Smith, Palo Alto", no part of it; 25: each full name of a list with a place in it a party,
"John Smith, New York and Mary Jones", and no item of one word; 26: a city's name alone after
a witnessed name ends it only where the witness writes a country or a state after it,
"Sánchez Cotán, Mercedes" one person; 27: a place right after an institution's witnessed
name part of it, "Museum of Fine Arts, Houston"; 28: the state a provenance text writes
after a city read where the text writes on to its next comma, "Pittsburgh, PA by July 1953",
and "PA" a state after a name, not a city; 29: a country's code of three letters no state
after a city, "Mercedes, and family", nor a state's code that is an English word followed by
more, "Mercedes, in memory of"; 30: a suffix before a list's "and", "John Smith, Sr. and
John Smith, Jr.", the name's: two persons; 31: a list whose last part has two "and"s, "Mary
Jones and Mary Ann and Paul Lee", no list; 32: a record whose identifier is a totals word,
the "Total" line under a sheet's records, quarantined), so that
every record mapped by a partner's own mapping file is mapped again, not only those that
change."""


def _fingerprint(text: str) -> str:
    try:
        release = importlib.metadata.version("museion")
    except importlib.metadata.PackageNotFoundError:
        release = "dev"
    labels = subject_labels_digest()  # Museion's subject labels are output too
    digest = hashlib.sha256(f"{OUTPUT}\n{labels}\n{text}".encode()).hexdigest()
    return digest[:12] + "." + release


def _without_markup(value: Any) -> Any:
    """A parsed record with HTML stripped from every text in it (``[mapping] html = true``)."""
    if isinstance(value, str):
        return clean_text(value, html_markup=True) if has_markup(value) else value
    if isinstance(value, list):
        return [_without_markup(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_markup(v) for k, v in value.items()}
    return value


def _required(fields: FieldList | None) -> FieldList:
    assert fields is not None
    return fields
