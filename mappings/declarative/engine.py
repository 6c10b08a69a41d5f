"""The declarative mapping: a validated TOML file compiled once, then applied to each record."""

from __future__ import annotations

import hashlib
import importlib.metadata
import pathlib
from collections.abc import Mapping as MappingABC
from typing import Any

from pyoxigraph import NamedNode

from harvesters import SourceRecord, load_json
from museion_core.errors import ConfigError, MappingError
from museion_core.settings import load_toml_model
from museion_core.vocab import AAT, CRM, LA

from ..base import MappingContext, MappingResult
from ..builder import Concept, RecordBuilder
from ..iris import Minter, label_key
from ..normalise.text import clean_text, has_markup
from ..terms import SCHEME_CLASS, Vocabularies, expand_curie
from .dates import DateSpec
from .dimensions import DimensionSpec
from .fields import FieldList, Path, compile_fields
from .iiif import emit_iiif
from .paths import join_path, paths_in
from .provenance import ProvenanceSpec
from .schema import (
    ActorModel,
    CreatorModel,
    DimensionsModel,
    MappingFile,
    RoleModel,
)
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


class _Actor:
    """An actor spec compiled: used for creators inside objects and for person records."""

    def __init__(self, spec: ActorModel) -> None:
        self.id = compile_fields(spec.id)
        self.kind = compile_fields(spec.kind)
        self.name = compile_fields(spec.name)
        self.sort_name = compile_fields(spec.sort_name)
        self.birth = DateSpec.compile(spec.birth)
        self.birth_place = compile_fields(spec.birth_place)
        self.death = DateSpec.compile(spec.death)
        self.death_place = compile_fields(spec.death_place)
        self.nationality = compile_fields(spec.nationality)
        self.gender = compile_fields(spec.gender)
        self.equivalent = compile_fields(spec.equivalent)
        self.web_pages = compile_fields(spec.web_pages)
        self.description = compile_fields(spec.description)


class _Creators(_Actor):
    def __init__(self, spec: CreatorModel) -> None:
        super().__init__(spec)
        self.each = Path(spec.each) if spec.each is not None else None
        self.role = compile_fields(spec.role)
        self.direct_roles = frozenset(r.casefold() for r in spec.direct_roles)


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
        self.roles: dict[str, RoleModel] = {
            role.casefold(): RoleModel(type=value) if isinstance(value, str) else value
            for role, value in spec.roles.items()
        }
        obj = spec.object
        self.object_match = compile_fields(obj.match)
        self.object_id = _required(compile_fields(obj.id))
        self.f: dict[str, FieldList | None] = {
            name: compile_fields(getattr(obj, name))
            for name in (
                "accession_number",
                "titles",
                "classification",
                "materials",
                "web_pages",
                "images",
                "iiif_manifest",
                "collections",
                "equivalent",
                "image_rights",
                *(s for s, _ in _STATEMENTS),
            )
        }
        self.dimensions = DimensionSpec(obj.dimensions or DimensionsModel())
        subjects = obj.subjects
        self.subjects = [
            SubjectSpec.compile(s)
            for s in (subjects if isinstance(subjects, list) else [subjects] if subjects else [])
        ]
        production = obj.production
        self.production_date = DateSpec.compile(production.date) if production else None
        self.production_places = compile_fields(production.places) if production else None
        self.production_techniques = compile_fields(production.techniques) if production else None
        creators = production.creators if production else None
        if creators is None:
            creators = []
        self.creators = [
            _Creators(c) for c in (creators if isinstance(creators, list) else [creators])
        ]
        self.provenance = ProvenanceSpec.compile(obj.acquisition)
        person = spec.person
        self.person = _Actor(person) if person else None
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
            f"the record is neither an object (no {self.object_match.paths()[0]!r}) nor a "
            f"person (no {self.person_match.paths()[0]!r})"
        )

    def identify(self, record: MappingABC[str, Any]) -> str:
        kind = self._kind(record)
        fields = self.object_id if kind == "object" else self.person_id
        assert fields is not None
        value = fields.first(record)
        if value is None or str(value).strip() == "":
            where = " or ".join(repr(p) for p in fields.paths()) or "its id"
            raise ValueError(f"the record has no identifier: {where} is missing or empty")
        local = _id_text(value)
        return local if kind == "object" else f"{kind}:{local}"

    # -- mapping -------------------------------------------------------------------------
    def map(self, record: SourceRecord, context: MappingContext) -> MappingResult:
        try:
            obj = load_json(record.payload)
        except ValueError as exc:
            raise MappingError(
                f"the payload is not JSON: {exc}", source=record.source, record=record.local_id
            ) from exc
        if not isinstance(obj, dict):
            raise MappingError(
                "the payload is not a JSON object", source=record.source, record=record.local_id
            )
        if self.html:
            obj = _without_markup(obj)
        try:
            local_id = self.identify(obj)
        except ValueError as exc:
            raise MappingError(str(exc), source=record.source, record=record.local_id) from exc
        minter = Minter(context.base_iri, context.source)
        language = context.language or self.language
        builder = RecordBuilder(minter.record_graph(record.local_id), minter, language)
        if local_id.startswith("person:") and self.person is not None:
            subject = self._actor(
                self.person, obj, builder, local_id=local_id.removeprefix("person:")
            )
            if subject is None:
                raise MappingError(
                    "the person record has no name", source=record.source, record=record.local_id
                )
            kind = "person"
        else:
            subject = minter.object(local_id)
            self._object(obj, subject, builder)
            kind = "object"
        return MappingResult(
            builder.graph,
            subject,
            kind,
            builder.quads,
            builder.warnings,
            builder.local_terms,
            builder.unparsed,
        )

    def _concept(self, scheme: str, term: object, b: RecordBuilder) -> Concept:
        return self.vocabularies.concept(scheme, term, b.minter, b.language)

    def _classify_all(
        self,
        subject: NamedNode,
        fields: FieldList | None,
        scheme: str,
        obj: Any,
        b: RecordBuilder,
        *,
        prop: NamedNode = CRM.P2_has_type,
    ) -> None:
        if fields is None:
            return
        seen: set[str] = set()
        for value, field in fields.items(obj):
            vocab = field.vocab or scheme
            cls = SCHEME_CLASS.get(vocab, (CRM.E55_Type, None))[0]
            if field.scan:
                concepts = self.vocabularies.find(vocab, str(value))
                if not concepts and not field.skip_unmatched:
                    concepts = [self._concept(vocab, value, b)]
            else:
                concept = self._concept(vocab, value, b)
                if field.skip_unmatched and concept.local_scheme:
                    continue
                concepts = [concept]
            for concept in concepts:
                if concept.iri.value in seen:
                    continue
                seen.add(concept.iri.value)
                b.add(subject, prop, concept.iri)
                b.describe_concept(concept, cls)

    def _object(self, obj: Any, o: NamedNode, b: RecordBuilder) -> None:
        f = self.f
        b.a(o, CRM.E22_Human_Made_Object)
        base = o.value
        titles = f["titles"].items(obj) if f["titles"] else []
        for n, (title, field) in enumerate(titles, start=1):
            text = str(title)
            if n == 1:
                b.label(o, text, field.language)
            b.name(
                o,
                NamedNode(f"{base}/title/{n}"),
                text,
                field.language,
                AAT.PRIMARY_NAME if n == 1 else None,
            )
        if f["accession_number"]:
            for n, number in enumerate(f["accession_number"].values(obj), start=1):
                node = NamedNode(f"{base}/accession-number" + ("" if n == 1 else f"/{n}"))
                b.identifier(o, node, str(number), AAT.ACCESSION_NUMBER)
        self._classify_all(o, f["classification"], "object_type", obj, b)
        self._classify_all(o, f["materials"], "material", obj, b, prop=CRM.P45_consists_of)
        for name, kind in _STATEMENTS:
            fields = f[name]
            if fields is None or name == "provenance":  # the provenance activity's statement
                continue
            for n, (text, field) in enumerate(fields.items(obj), start=1):
                node = NamedNode(
                    f"{base}/statement/{name.replace('_', '-')}" + ("" if n == 1 else f"/{n}")
                )
                b.statement(o, node, str(text), kind, field.language)
        self.dimensions.emit(obj, o, b, self.vocabularies)
        if f["web_pages"]:
            for n, url in enumerate(f["web_pages"].values(obj), start=1):
                b.web_page(o, NamedNode(f"{base}/page/{n}"), str(url))
        if f["images"]:
            rights = f["image_rights"].items(obj) if f["image_rights"] else []
            for n, url in enumerate(f["images"].values(obj), start=1):
                image = b.image(o, NamedNode(f"{base}/image/{n}"), str(url))
                if image is None:
                    continue
                for m, (text, field) in enumerate(rights, start=1):
                    node = NamedNode(f"{image.value}/statement/rights/{m}")
                    b.statement(image, node, str(text), AAT.RIGHTS_STATEMENT, field.language)
        if f["iiif_manifest"]:
            emit_iiif(b, o, base, obj, f["iiif_manifest"])
        if f["collections"]:
            for name in f["collections"].values(obj):
                collection = b.minter.set(label_key(str(name)))
                b.add(o, LA.member_of, collection)
                b.a(collection, LA.Set)
                b.label(collection, str(name))
                b.add(collection, CRM.P2_has_type, AAT.COLLECTION)
        if f["equivalent"]:
            for target in f["equivalent"].values(obj):
                b.equivalent(o, expand_curie(str(target)))
        self._subjects(obj, o, b)
        creators = self._production(obj, o, b)
        provenance = f["provenance"].items(obj) if f["provenance"] else []
        self.provenance.emit(
            obj,
            o,
            b,
            statements=[(str(text), field.language) for text, field in provenance],
            creators=creators,
            concept=self._concept,
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

    def _production(self, obj: Any, o: NamedNode, b: RecordBuilder) -> list[NamedNode]:
        """Make the production; returns its makers (``carried_out_by``, not attributed)."""
        span = self.production_date.span(obj, b) if self.production_date else None
        places = self.production_places.values(obj) if self.production_places else []
        techniques = self.production_techniques
        entries = [
            (c, e) for c in self.creators for e in (c.each.evaluate(obj) if c.each else [obj])
        ]
        makers: list[NamedNode] = []
        if not (span or places or entries or (techniques and techniques.values(obj))):
            return makers
        production = NamedNode(f"{o.value}/production")
        b.add(o, CRM.P108i_was_produced_by, production)
        b.a(production, CRM.E12_Production)
        if span:
            b.timespan(production, NamedNode(f"{production.value}/timespan"), span)
        for place in places:
            b.add(production, CRM.P7_took_place_at, self._place(str(place), b))
        self._classify_all(
            production, techniques, "technique", obj, b, prop=CRM.P32_used_general_technique
        )
        part_number = attribution_number = 0
        for creators, entry in entries:
            actor = self._actor(creators, entry, b, warn=creators.each is not None)
            if actor is None:
                continue
            role_text = str(creators.role.first(entry) or "") if creators.role else ""
            role = self.roles.get(role_text.casefold())
            if role is not None and role.relation == "influenced_by":
                b.add(production, CRM.P15_was_influenced_by, actor)
            elif role is not None and role.relation == "attributed":
                attribution_number += 1
                self._attribution(
                    production, n=attribution_number, actor=actor, role=(role, role_text), b=b
                )
            elif role_text.casefold() in creators.direct_roles:
                b.add(production, CRM.P14_carried_out_by, actor)
                makers.append(actor)
            else:
                part_number += 1
                part = NamedNode(f"{production.value}/part/{part_number}")
                b.add(production, CRM.P9_consists_of, part)
                b.a(part, CRM.E12_Production)
                b.add(part, CRM.P14_carried_out_by, actor)
                if role is not None and role.type:
                    concept = Concept(NamedNode(expand_curie(role.type)))
                else:
                    concept = self._concept("role", role_text, b)
                b.classify(part, concept)
        return makers

    def _attribution(
        self,
        production: NamedNode,
        *,
        n: int,
        actor: NamedNode,
        role: tuple[RoleModel, str],
        b: RecordBuilder,
    ) -> None:
        """An uncertain maker ("attributed to", "possibly by"): the production is attributed
        to the actor by an attribute assignment typed by the qualifier (Linked Art
        ``attributed_by``), so that no query for makers takes it for a certain one."""
        spec, text = role
        assignment = NamedNode(f"{production.value}/attribution/{n}")
        b.add(production, CRM.P140i_was_attributed_by, assignment)
        b.a(assignment, CRM.E13_Attribute_Assignment)
        b.add(assignment, CRM.P141_assigned, actor)
        b.add(assignment, CRM.P177_assigned_property_of_type, CRM.P14_carried_out_by)
        if spec.type:
            b.classify(assignment, Concept(NamedNode(expand_curie(spec.type))))
        else:
            b.classify(assignment, self._concept("role", text, b))

    def _place(self, name: str, b: RecordBuilder) -> NamedNode:
        place = b.minter.place(label_key(name))
        b.a(place, CRM.E53_Place)
        b.label(place, name, None)
        b.name(place, NamedNode(f"{place.value}/name/1"), name, None)
        return place

    def _actor(
        self,
        spec: _Actor,
        obj: Any,
        b: RecordBuilder,
        *,
        local_id: str | None = None,
        warn: bool = True,
    ) -> NamedNode | None:
        name = spec.name.first(obj) if spec.name else None
        ident = local_id
        if ident is None and spec.id is not None:
            found = spec.id.first(obj)
            ident = None if found is None else _id_text(found)
        if ident is None:
            if name is None:
                if warn:
                    b.warnings.append("a creator has neither an id nor a name; left out")
                return None
            ident = "name-" + label_key(str(name))
        kind_value = str(spec.kind.first(obj) or "person").casefold() if spec.kind else "person"
        group = kind_value in ("group", "organization", "organisation", "corporate body")
        actor = b.minter.actor("group" if group else "person", ident)
        b.a(actor, CRM.E74_Group if group else CRM.E21_Person)
        if name is not None:
            b.label(actor, str(name), None)
            b.name(actor, NamedNode(f"{actor.value}/name/1"), str(name), None)
        if spec.sort_name:
            for sort_name in spec.sort_name.values(obj)[:1]:
                b.name(
                    actor,
                    NamedNode(f"{actor.value}/name/sort"),
                    str(sort_name),
                    None,
                    AAT.SORT_NAME,
                )
        self._life_events(spec, obj, actor, group, b)
        self._classify_all(actor, spec.nationality, "nationality", obj, b)
        self._classify_all(actor, spec.gender, "gender", obj, b)
        if spec.equivalent:
            for target in spec.equivalent.values(obj):
                b.equivalent(actor, expand_curie(str(target)))
        if spec.web_pages:
            for n, url in enumerate(spec.web_pages.values(obj), start=1):
                b.web_page(actor, NamedNode(f"{actor.value}/page/{n}"), str(url))
        if spec.description:
            for n, text in enumerate(spec.description.values(obj), start=1):
                b.statement(
                    actor,
                    NamedNode(f"{actor.value}/statement/description/{n}"),
                    str(text),
                    AAT.DESCRIPTION,
                )
        return actor

    def _life_events(
        self, spec: _Actor, obj: Any, actor: NamedNode, group: bool, b: RecordBuilder
    ) -> None:
        """Birth and death (formation and dissolution for a group), with date and place."""
        events = (
            (
                "birth",
                spec.birth,
                spec.birth_place,
                (CRM.P95i_was_formed_by, CRM.E66_Formation)
                if group
                else (CRM.P98i_was_born, CRM.E67_Birth),
            ),
            (
                "death",
                spec.death,
                spec.death_place,
                (CRM.P99i_was_dissolved_by, CRM.E68_Dissolution)
                if group
                else (CRM.P100i_died_in, CRM.E69_Death),
            ),
        )
        for which, date, places, (prop, cls) in events:
            span = date.span(obj, b) if date else None
            place_names = places.values(obj) if places else []
            if not span and not place_names:
                continue
            event = NamedNode(f"{actor.value}/{which}")
            b.add(actor, prop, event)
            b.a(event, cls)
            if span:
                b.timespan(event, NamedNode(f"{event.value}/timespan"), span)
            for place in place_names:
                b.add(event, CRM.P7_took_place_at, self._place(str(place), b))


def _fingerprint(text: str) -> str:
    try:
        release = importlib.metadata.version("museion")
    except importlib.metadata.PackageNotFoundError:
        release = "dev"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] + "." + release


def _without_markup(value: Any) -> Any:
    """A parsed record with HTML stripped from every text in it (``[mapping] html = true``)."""
    if isinstance(value, str):
        return clean_text(value, html_markup=True) if has_markup(value) else value
    if isinstance(value, list):
        return [_without_markup(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_markup(v) for k, v in value.items()}
    return value


def _id_text(value: object) -> str:
    """An identifier as text; JSON numbers that are whole (``38.0``) lose their ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _required(fields: FieldList | None) -> FieldList:
    assert fields is not None
    return fields
