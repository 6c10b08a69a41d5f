"""An object's production: its date, places and techniques, and its creators by their role.

A role decides how a creator is linked: a maker (``carried_out_by`` the production), a part
of the production typed by the role, an influence, or an uncertain attribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import NamedNode

from museion_core.vocab import CRM

from ..builder import Concept, RecordBuilder
from ..iris import label_key
from ..terms import expand_curie
from .actors import Classifier, CreatorsSpec, emit_actor, emit_place
from .dates import DateSpec
from .fields import FieldList, compile_fields
from .schema import ProductionModel, RoleModel

__all__ = ["Makers", "ProductionSpec"]


@dataclass
class Makers:
    """Who the production names: its makers (``carried_out_by``: "the artist" of a credit
    line), and every actor it names in any role by the keys of its names (``label_key``),
    so that a credit line naming one of them by name means that actor, not another node."""

    carried_out: list[NamedNode] = field(default_factory=list)
    named: dict[str, set[NamedNode]] = field(default_factory=dict)
    groups: set[NamedNode] = field(default_factory=set)
    """The actors of ``carried_out`` that are groups (a firm, a studio), not persons."""

    @property
    def persons(self) -> list[NamedNode]:
        """The makers that are persons, each once, in the production's order."""
        return [a for a in dict.fromkeys(self.carried_out) if a not in self.groups]

    def add_names(self, actor: NamedNode, *names: object) -> None:
        for name in names:
            if name is not None and str(name).strip():
                self.named.setdefault(label_key(str(name)), set()).add(actor)

    def named_in(self, text: str) -> set[NamedNode]:
        """The actors one of whose names ``text`` writes, as whole words ("the artist, George
        Biddle" writes George Biddle's), compared as ``called`` compares."""
        key = f"-{label_key(text)}-"
        return {a for k, actors in self.named.items() if k and f"-{k}-" in key for a in actors}

    def called(self, name: str) -> NamedNode | None:
        """The one actor the production names ``name`` (None for none, or for namesakes)."""
        found = self.named.get(label_key(name), set())
        return next(iter(found)) if len(found) == 1 else None


@dataclass(frozen=True, slots=True)
class ProductionSpec:
    date: DateSpec | None
    places: FieldList | None
    techniques: FieldList | None
    creators: tuple[CreatorsSpec, ...]
    roles: dict[str, RoleModel]
    """Role (casefolded) → how a creator in that role is linked."""

    @classmethod
    def compile(cls, spec: ProductionModel | None, roles: dict[str, RoleModel]) -> ProductionSpec:
        if spec is None:
            return cls(None, None, None, (), roles)
        creators = spec.creators if spec.creators is not None else []
        return cls(
            DateSpec.compile(spec.date),
            compile_fields(spec.places),
            compile_fields(spec.techniques),
            tuple(
                CreatorsSpec.compile(c)
                for c in (creators if isinstance(creators, list) else [creators])
            ),
            roles,
        )

    def emit(self, obj: Any, o: NamedNode, b: RecordBuilder, classifier: Classifier) -> Makers:
        """Make the production; returns its makers (``carried_out_by``, not attributed) and
        the actors it names."""
        span = self.date.span(obj, b) if self.date else None
        places = self.places.values(obj) if self.places else []
        techniques = self.techniques
        entries = [
            (c, e) for c in self.creators for e in (c.each.evaluate(obj) if c.each else [obj])
        ]
        if not (span or places or entries or (techniques and techniques.values(obj))):
            return Makers()
        production = NamedNode(f"{o.value}/production")
        b.add(o, CRM.P108i_was_produced_by, production)
        b.a(production, CRM.E12_Production)
        if span:
            b.timespan(production, NamedNode(f"{production.value}/timespan"), span)
        for place in places:
            b.add(production, CRM.P7_took_place_at, emit_place(str(place), b))
        classifier.classify_all(
            production, techniques, "technique", obj, b, prop=CRM.P32_used_general_technique
        )
        return self._creators(production, entries, b, classifier)

    def _creators(
        self,
        production: NamedNode,
        entries: list[tuple[CreatorsSpec, Any]],
        b: RecordBuilder,
        classifier: Classifier,
    ) -> Makers:
        found = Makers()
        makers = found.carried_out
        part_number = attribution_number = 0
        for creators, entry in entries:
            emitted = emit_actor(creators, entry, b, classifier, warn=creators.each is not None)
            if emitted is None:
                continue
            actor = emitted.node
            found.add_names(
                actor,
                creators.name.first(entry) if creators.name else None,
                creators.sort_name.first(entry) if creators.sort_name else None,
            )
            role_text = str(creators.role.first(entry) or "") if creators.role else ""
            role = self.roles.get(role_text.casefold())
            if role is not None and role.relation == "influenced_by":
                b.add(production, CRM.P15_was_influenced_by, actor)
            elif role is not None and role.relation == "attributed":
                attribution_number += 1
                node = NamedNode(f"{production.value}/attribution/{attribution_number}")
                concept = _role_concept(role, role_text, b, classifier)
                _attribution(production, node, actor, concept, b)
            elif role_text.casefold() in creators.direct_roles:
                b.add(production, CRM.P14_carried_out_by, actor)
                makers.append(actor)
                if emitted.group:
                    found.groups.add(actor)
            else:
                part_number += 1
                part = NamedNode(f"{production.value}/part/{part_number}")
                b.add(production, CRM.P9_consists_of, part)
                b.a(part, CRM.E12_Production)
                b.add(part, CRM.P14_carried_out_by, actor)
                b.classify(part, _role_concept(role, role_text, b, classifier))
        return found


def _role_concept(
    role: RoleModel | None, text: str, b: RecordBuilder, classifier: Classifier
) -> Concept:
    """The role's declared type (``[roles]``), else the role text as a concept."""
    if role is not None and role.type:
        return Concept(NamedNode(expand_curie(role.type)))
    return classifier.concept("role", text, b)


def _attribution(
    production: NamedNode, assignment: NamedNode, actor: NamedNode, kind: Concept, b: RecordBuilder
) -> None:
    """An uncertain maker ("attributed to", "possibly by"): the production is attributed
    to the actor by an attribute assignment typed by the qualifier (Linked Art
    ``attributed_by``), so that no query for makers takes it for a certain one."""
    b.add(production, CRM.P140i_was_attributed_by, assignment)
    b.a(assignment, CRM.E13_Attribute_Assignment)
    b.add(assignment, CRM.P141_assigned, actor)
    b.add(assignment, CRM.P177_assigned_property_of_type, CRM.P14_carried_out_by)
    b.classify(assignment, kind)
