"""What an object shows: the partner's subject and style concepts, on its visual content.

A partner's own thesaurus (Tate's subject tree, its movements and eras) becomes the partner's
own concepts, each described where it is used (class, label, ``skos:broader``), so every
concept a record links to has a page. The leaves of a subject tree are what the picture
depicts (Linked Art ``represents_instance_of_type``); the levels above are their broader
concepts, so "man" stays findable under "adults" and "people".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyoxigraph import NamedNode

from museion_core.vocab import AAT, CRM, RDFS, SKOS

from ..builder import RecordBuilder
from ..iris import slug
from ..terms import subject_labels
from .fields import FieldList, Path, compile_fields
from .schema import SubjectsModel

__all__ = ["SubjectSpec"]

_RELATIONS = {
    "represents_instance_of_type": CRM.P199_represents_instance_of_type,
    "about": CRM.P129_is_about,
    "style": CRM.P2_has_type,
}


@dataclass(frozen=True, slots=True)
class _Broader:
    id: FieldList | None
    label: FieldList
    vocab: str


@dataclass(frozen=True, slots=True)
class SubjectSpec:
    each: Path | None
    id: FieldList | None
    label: FieldList
    vocab: str
    children: str | None
    broader: _Broader | None
    relation: str

    @classmethod
    def compile(cls, spec: SubjectsModel) -> SubjectSpec:
        label = compile_fields(spec.label)
        assert label is not None
        broader = None
        if spec.broader is not None:
            broader_label = compile_fields(spec.broader.label)
            assert broader_label is not None
            broader = _Broader(compile_fields(spec.broader.id), broader_label, spec.broader.vocab)
        return cls(
            Path(spec.each) if spec.each else None,
            compile_fields(spec.id),
            label,
            spec.vocab,
            spec.children,
            broader,
            spec.relation,
        )

    def emit(self, obj: Any, visual: NamedNode, b: RecordBuilder) -> bool:
        """Link ``visual`` to this spec's concepts; False when the record has none."""
        entries = self.each.evaluate(obj) if self.each else [obj]
        linked = False
        for entry in entries:
            linked |= self._entry(entry, None, visual, b, depth=0)
        return linked

    def _entry(
        self, entry: Any, parent: NamedNode | None, visual: NamedNode, b: RecordBuilder, depth: int
    ) -> bool:
        concept = self._concept(entry, self.id, self.label, self.vocab, b)
        if concept is None or depth > 20:
            return False
        if parent is not None:
            b.add(concept, SKOS.broader, parent)
        if self.broader is not None:
            above = self._concept(entry, self.broader.id, self.broader.label, self.broader.vocab, b)
            if above is not None:
                b.add(concept, SKOS.broader, above)
        narrower = entry.get(self.children) if self.children and isinstance(entry, dict) else None
        if isinstance(narrower, list) and narrower:
            found = False
            for child in narrower:
                found |= self._entry(child, concept, visual, b, depth + 1)
            if found:
                return True
        b.add(visual, _RELATIONS[self.relation], concept)
        if self.relation == "style":
            b.add(concept, CRM.P2_has_type, AAT.STYLE)
        return True

    @staticmethod
    def _concept(
        entry: Any, ident: FieldList | None, label: FieldList, vocab: str, b: RecordBuilder
    ) -> NamedNode | None:
        name = label.first(entry)
        if name is None:
            return None
        key = ident.first(entry) if ident is not None else None
        term = str(key) if key is not None else str(name)
        iri = NamedNode(f"{b.minter.prefix}concept/{vocab.replace('_', '-')}/{slug(term)}")
        b.a(iri, CRM.E55_Type)
        own = b.text(str(name))
        b.add(iri, RDFS.label, own)
        # Museion's labels of the term in other languages: "paysage" finds "landscape"
        for language, text in subject_labels(vocab, str(name), own.language).items():
            b.add(iri, RDFS.label, b.text(text, language))
        return iri
