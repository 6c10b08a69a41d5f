"""Concepts, actors and places of a declarative mapping: what objects and person records share.

A ``Classifier`` turns field values into concepts (a vocabulary match, or a local term); an
``ActorSpec`` is an actor spec compiled once and emitted for creators inside objects and for
person records alike, so that a person is described the same way wherever it is named.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyoxigraph import NamedNode

from museion_core import messages
from museion_core.vocab import AAT, CRM

from ..builder import Concept, RecordBuilder
from ..iris import label_key
from ..terms import SCHEME_CLASS, Vocabularies, expand_curie
from .dates import DateSpec
from .fields import FieldList, Path, compile_fields
from .schema import ActorModel, CreatorModel

__all__ = [
    "ActorSpec",
    "Classifier",
    "CreatorsSpec",
    "EmittedActor",
    "emit_actor",
    "emit_place",
    "id_text",
    "text_node",
]

_GROUP_KINDS = frozenset({"group", "organization", "organisation", "corporate body"})


@dataclass(frozen=True, slots=True)
class Classifier:
    """Field values → concepts of the mapping's vocabularies, linked from a subject."""

    vocabularies: Vocabularies

    def concept(self, scheme: str, term: object, b: RecordBuilder) -> Concept:
        return self.vocabularies.concept(scheme, term, b.minter, b.language)

    def classify_all(
        self,
        subject: NamedNode,
        fields: FieldList | None,
        scheme: str,
        obj: Any,
        b: RecordBuilder,
        *,
        prop: NamedNode = CRM.P2_has_type,
    ) -> None:
        """``subject prop concept`` for each value (once per concept), describing local ones."""
        if fields is None:
            return
        seen: set[str] = set()
        for value, field in fields.items(obj):
            vocab = field.vocab or scheme
            cls = SCHEME_CLASS.get(vocab, (CRM.E55_Type, None))[0]
            if field.scan:
                concepts = self.vocabularies.find(vocab, str(value))
                if not concepts and not field.skip_unmatched:
                    concepts = [self.concept(vocab, value, b)]
            else:
                concept = self.concept(vocab, value, b)
                if field.skip_unmatched and concept.local_scheme:
                    continue
                concepts = [concept]
            for concept in concepts:
                if concept.iri.value in seen:
                    continue
                seen.add(concept.iri.value)
                b.add(subject, prop, concept.iri)
                b.describe_concept(concept, cls)


@dataclass(frozen=True, slots=True)
class ActorSpec:
    """An actor spec compiled: used for creators inside objects and for person records."""

    id: FieldList | None
    kind: FieldList | None
    name: FieldList | None
    sort_name: FieldList | None
    birth: DateSpec | None
    birth_place: FieldList | None
    death: DateSpec | None
    death_place: FieldList | None
    nationality: FieldList | None
    gender: FieldList | None
    equivalent: FieldList | None
    web_pages: FieldList | None
    description: FieldList | None

    @staticmethod
    def fields_of(spec: ActorModel) -> dict[str, Any]:
        return {
            "id": compile_fields(spec.id),
            "kind": compile_fields(spec.kind),
            "name": compile_fields(spec.name),
            "sort_name": compile_fields(spec.sort_name),
            "birth": DateSpec.compile(spec.birth),
            "birth_place": compile_fields(spec.birth_place),
            "death": DateSpec.compile(spec.death),
            "death_place": compile_fields(spec.death_place),
            "nationality": compile_fields(spec.nationality),
            "gender": compile_fields(spec.gender),
            "equivalent": compile_fields(spec.equivalent),
            "web_pages": compile_fields(spec.web_pages),
            "description": compile_fields(spec.description),
        }

    @classmethod
    def compile(cls, spec: ActorModel) -> ActorSpec:
        return cls(**cls.fields_of(spec))


@dataclass(frozen=True, slots=True)
class CreatorsSpec(ActorSpec):
    """The creators of an object: an actor spec, read ``each`` entry, with the entry's role."""

    each: Path | None = None
    role: FieldList | None = None
    direct_roles: frozenset[str] = frozenset()

    @classmethod
    def compile(cls, spec: ActorModel) -> CreatorsSpec:
        assert isinstance(spec, CreatorModel)
        return cls(
            **cls.fields_of(spec),
            each=Path(spec.each) if spec.each is not None else None,
            role=compile_fields(spec.role),
            direct_roles=frozenset(r.casefold() for r in spec.direct_roles),
        )


@lru_cache(maxsize=8192)
def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def name_node(owner: NamedNode, text: str) -> NamedNode:
    """The node of one spelling of a name that an entity minted from a name, or named by an
    id that several records share, is known by: a node per exact text. One node for every
    spelling ("Pittsburgh PA", "Pittsburgh, PA": one place) held both as its content, which a
    name may not (Linked Art: one ``content``)."""
    return text_node(owner, "name", text)


def text_node(owner: NamedNode, path: str, text: str) -> NamedNode:
    """A node of ``owner`` under ``path`` known by its exact ``text`` (a name's spelling, a
    statement's words): one node per text, so that records saying the same words of one
    entity make one node."""
    return NamedNode(f"{owner.value}/{path}/{_text_key(text)}")


def emit_place(name: str, b: RecordBuilder) -> NamedNode:
    """A place known by its name, minted from the name."""
    place = b.minter.place(label_key(name))
    b.a(place, CRM.E53_Place)
    b.label(place, name, None)
    b.name(place, name_node(place, name), name, None)
    return place


@dataclass(frozen=True, slots=True)
class EmittedActor:
    """An actor as emitted: its node, and whether it is a group (its kind, read once)."""

    node: NamedNode
    group: bool


def _actor_node(
    spec: ActorSpec, obj: Any, b: RecordBuilder, local_id: str | None, warn: bool
) -> EmittedActor | None:
    """The actor's IRI (by id, else by name) and whether it is a group; None if it has
    neither an id nor a name."""
    name = spec.name.first(obj) if spec.name else None
    ident = local_id
    if ident is None and spec.id is not None:
        found = spec.id.first(obj)
        ident = None if found is None else id_text(found)
    if ident is None:
        if name is None:
            if warn:
                b.warnings.append(messages.CREATOR_NAMELESS())
            return None
        ident = "name-" + label_key(str(name))
    group = _is_group(spec, obj)
    actor = b.minter.actor("group" if group else "person", ident)
    b.a(actor, CRM.E74_Group if group else CRM.E21_Person)
    if name is not None:
        b.label(actor, str(name), None)
        b.name(actor, name_node(actor, str(name)), str(name), None)
    return EmittedActor(actor, group)


def _is_group(spec: ActorSpec, obj: Any) -> bool:
    """Whether the actor ``obj`` describes is a group (its kind says so), not a person."""
    kind_value = str(spec.kind.first(obj) or "person").casefold() if spec.kind else "person"
    return kind_value in _GROUP_KINDS


def emit_actor(
    spec: ActorSpec,
    obj: Any,
    b: RecordBuilder,
    classifier: Classifier,
    *,
    local_id: str | None = None,
    warn: bool = True,
) -> EmittedActor | None:
    """An actor of ``obj`` with its names, life events, classifications and links; None if
    it has neither an id nor a name."""
    found = _actor_node(spec, obj, b, local_id, warn)
    if found is None:
        return None
    actor, group = found.node, found.group
    if spec.sort_name:
        for sort_name in spec.sort_name.values(obj)[:1]:
            node = NamedNode(f"{actor.value}/name/sort")
            b.name(actor, node, str(sort_name), None, AAT.SORT_NAME)
    _life_events(spec, obj, actor, group, b)
    classifier.classify_all(actor, spec.nationality, "nationality", obj, b)
    classifier.classify_all(actor, spec.gender, "gender", obj, b)
    if spec.equivalent:
        for target in spec.equivalent.values(obj):
            b.equivalent(actor, expand_curie(str(target)))
    if spec.web_pages:
        for n, url in enumerate(spec.web_pages.values(obj), start=1):
            b.web_page(actor, NamedNode(f"{actor.value}/page/{n}"), str(url))
    if spec.description:
        for n, text in enumerate(spec.description.values(obj), start=1):
            node = NamedNode(f"{actor.value}/statement/description/{n}")
            b.statement(actor, node, str(text), AAT.DESCRIPTION)
    return found


def _life_events(
    spec: ActorSpec, obj: Any, actor: NamedNode, group: bool, b: RecordBuilder
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
            b.add(event, CRM.P7_took_place_at, emit_place(str(place), b))


def id_text(value: object) -> str:
    """An identifier as text; JSON numbers that are whole (``38.0``) lose their ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
