"""How the partner came to own the object, as Linked Art's provenance pattern.

A provenance activity (``E7_Activity`` classified AAT "provenance", ``{object}/provenance``)
holds the acquisition as its part (``{object}/acquisition``: title of the object to the
partner, from whom where the credit line says, classified by its method: gift, purchase...),
the date, and the partner's provenance text as the activity's statement. A bare acquisition on
the object, with the provenance as a loose statement, is what Linked Art clients cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pyoxigraph import NamedNode

from museion_core import messages
from museion_core.vocab import AAT, CRM

from ..builder import Concept, Lang, RecordBuilder
from ..iris import label_key
from .actors import name_node, text_node
from .dates import DateSpec
from .fields import FieldList, compile_fields
from .parties import Family, group_named, party_names, read_family
from .production import Makers
from .schema import AcquisitionModel

__all__ = ["MAX_PARTIES", "ProvenanceSpec"]

MAX_PARTIES = 50
"""The most parties Museion links to one acquisition from its credit line. A line is a few
donors, a family, a firm's partners; one that lists thousands of names (a feed's fault, or a
hostile one: 40,000 comma-separated names) made a node each, and a statement each for every
query and page that reads the object. Past this number the record warns the partner
(``PARTIES_CAPPED``), and the credit line, kept whole as the object's statement, still names
everyone."""

ConceptOf = Callable[[str, object, RecordBuilder], Concept]

_MAKER = r"(?:artist|maker|architect|photographer|designer)"
_THE_MAKER = re.compile(rf"(?:the\s+)?{_MAKER}(?P<plural>s)?(?:['’]s?)?\.?", re.IGNORECASE)
"""A credit line's words for whoever made the object: "the artist", "the Artists", "the
architect" (CMOA's Heinz Architectural Center), "the photographer"."""
_THE_MAKER_NAMED = re.compile(rf"the\s+{_MAKER}(?P<plural>s)?\s*,\s*\S.*", re.IGNORECASE)
"""The same words with the maker's name beside them: "the artist, George Biddle"."""
_WITH_MAKER = re.compile(
    rf"(?P<maker>(?i:the\s+{_MAKER}s?))\s+(?i:and|&)\s+(?P<other>\S.*)", re.DOTALL
)
"""The maker and a party by name: Tate's "the artist and Charles Booth-Clibborn", "the artist
and Alan Cristea Gallery". Read as one party said relative to the object, the gallery was a
node of each acquisition; it is the maker and the gallery (not "the artist and family")."""
_AND_FAMILY = re.compile(r"\s(?:and|&)\s+(?:(?:his|her|their)\s+)?famil(?:y|ies)\W*$", re.I)
"""A family said by who it is with (``parties.party_names`` names one: "the artist and Alan
Cristea Gallery and family"), the maker among them: said relative to the object, as "the
artist and family" is, not split."""


_SAID_OF = re.compile(
    rf"(?:the\s+(?:{_MAKER}|sitter)s?['’]s?\s+[\w-]+(?:\s+[\w-]+){{0,2}}"
    rf"|[\w-]+(?:\s+[\w-]+)?\s+of\s+the\s+(?:{_MAKER}|sitter)s?)\.?",
    re.IGNORECASE,
)
"""Who a named party is to the object, after the name: Tate's "Evelyne Abrahams, the artist's
wife", "Mme Roberta Gonzalez-Richard, the artist's niece", "X, the artist's estate"; CMOA's
"Dana Robineau Kelley, grandson of the artist"."""


def _said_of(value: str) -> tuple[str, str]:
    """``value``'s name and who the credit line says that party is to the object ("the artist's
    wife"), or ``value`` and "" when it says nothing of the kind after a last comma. Before a
    last "and family" the words are the named party's too, and the family stays: "Dana Robineau
    Kelley, grandson of the artist, and family" is "Dana Robineau Kelley and family" (read as
    the donor and his family) and "grandson of the artist"."""
    name, said = _said_last(value)
    if said:
        return name, said
    family = _AND_FAMILY.search(value)
    if family is not None:
        name, said = _said_last(value[: family.start()].rstrip().removesuffix(","))
        if said:
            return f"{name}{family[0]}", said
    return value, ""


def _said_last(value: str) -> tuple[str, str]:
    """``value`` before its last comma and what follows it, when that says who the party is to
    the object; ``value`` and "" otherwise."""
    name, comma, said = value.rpartition(",")
    if comma and name.strip() and _SAID_OF.fullmatch(said.strip()):
        return name.strip(), said.strip()
    return value, ""


def _split_maker(name: str) -> list[str]:
    """``name``, or the maker's words and the named party when it joins them: a name of two
    words or more ("the artist and Family" is no one's name), capitalised ("Émile Zola" as
    "Alan Cristea"; a letter of a script without capitals, as Arabic's, counts as one)."""
    found = _WITH_MAKER.fullmatch(name.strip())
    if (
        found is None
        or not _capitalised(found["other"])
        or _RELATIVE.search(found["other"])
        or _AND_FAMILY.search(found["other"])
        or len(found["other"].split()) < 2
    ):
        return [name]
    return [found["maker"], found["other"]]


def _capitalised(text: str) -> bool:
    """Whether ``text`` begins with a capital letter, or a letter of a script without case."""
    first = text[:1]
    return first.isalpha() and not first.islower()


def actor_class(name: str) -> NamedNode:
    """Whom a credit line names as the previous owner: a group when its name says so (a
    foundation, a gallery, "Mr. and Mrs. ...", an estate), otherwise a person. Linked Art
    knows only persons and groups as parties to an acquisition, never a bare actor."""
    return CRM.E74_Group if group_named(name) else CRM.E21_Person


_RELATIVE = re.compile(
    r"\bthe\s+(?:artist|maker|sitter|architect|photographer|designer)s?\b|^(?:his|her|their)\s"
    r"|\banonym(?:ous|ously|e)?\b|\banon\.?(?:\s|$)|\b(?:unknown|unidentified)\b"
    r"|^private\s+(?:collector|collection|donor)s?\b|^(?-i:an?)\s",
    re.IGNORECASE,
)
"""A party said relative to the object ("the artist's widow", Tate's seven of 1888; "the
artist's estate", "the Artists", "her family"; "the artist and family", "the Estate of the
artist", "the artist and his gallery", "the architect": whoever made that object),
or by no name at all ("an anonymous donor", "Unknown", "Private collection", "a private
collector"): the same words name another party on another object, so they are no name to
mint from. Minted, every artist's family was one group, every anonymous donor one person."""


def _makers_meant(name: str, makers: Makers, phrase: str = "") -> list[NamedNode] | None:
    """Which of the object's makers a credit line's "the artist" (or "the architect", "the
    Artists"...) is: None when ``name`` says no maker; an empty list when the record does not
    tell which. ``phrase``: the credit line's whole phrase that ``name`` was read from.

    The words name the maker when the record tells which one: the phrase writes one maker's
    name too ("the artist, George Biddle"); "the artist" is the one maker, or the one person
    among makers that are otherwise groups (a studio, a manufacturer); "the Artists" are the
    makers when there are several (the persons among them when two or more are). Otherwise
    (two painters of one object and "Gift of the artist", "the Artists" on a work by one, or a
    record that names no maker) any choice would be a guess, and a wrong party is worse than
    none: the words stay a party of the acquisition, linked to no maker (see ``emit``)."""
    text = name.strip()
    said = _THE_MAKER.fullmatch(text) or _THE_MAKER_NAMED.fullmatch(text)
    if said is None:
        return None
    everyone = list(dict.fromkeys(makers.carried_out))
    told = makers.named_in(f"{text} {phrase}")
    if len([a for a in everyone if a in told]) == 1:
        return [a for a in everyone if a in told]
    persons = makers.persons
    if said["plural"]:
        several = persons if len(persons) > 1 else everyone
        return several if len(several) > 1 else []
    if len(everyone) == 1:
        return everyone
    return persons if len(persons) == 1 else []


def _party(
    name: str,
    acquisition: NamedNode,
    n: int,
    b: RecordBuilder,
    *,
    relative: bool = False,
    group: bool | None = None,
) -> NamedNode:
    """The ``n``th party a credit line names and the record does not otherwise: minted from
    its name within the source (``{source}/person/name-…``, ``…/group/name-…``), as a maker
    known only by name is, so that the donor of many of a partner's objects is one node, not
    one per object. Only the partner's own name text decides, and only within its source:
    whether two partners' donors are one is reconciliation's to say. A party said relative to
    the object (or ``relative``) stays a node of the acquisition (``{acquisition}/from/{n}``);
    ``group`` overrides what its name says it is."""
    if group is None:
        group = actor_class(name) == CRM.E74_Group
    if relative or _RELATIVE.search(name):
        actor = NamedNode(f"{acquisition.value}/from/{n}")
    else:
        actor = b.minter.actor("group" if group else "person", "name-" + label_key(name))
    b.a(actor, CRM.E74_Group if group else CRM.E21_Person)
    b.label(actor, name, None)
    b.name(actor, name_node(actor, name), name, None)
    return actor


def _members(
    families: Sequence[Family],
    parties: dict[str, NamedNode],
    persons: dict[str, NamedNode],
    b: RecordBuilder,
) -> None:
    """Each person a credit line names before its "and family" is a member of that family
    (Linked Art's ``member_of``, ``P107i_is_current_or_former_member_of``): "Dana Robineau
    Kelley" of "Dana Robineau Kelley and family". Only a person named by a name of their own
    in the family's phrase: not "the artist" (words, not a name), nor a group ("Emmanuel and
    Mary Fellouzis", a couple; "Alan Cristea Gallery" in "the artist and Alan Cristea Gallery
    and family"), nor any other party of the credit line."""
    for family in families:
        group = parties.get(family.name)
        if group is None:
            continue
        for name in family.members:
            for part in _split_maker(name):
                person = persons.get(part)
                if person is not None:
                    b.add(person, CRM.P107i_is_current_or_former_member_of, group)


def _said(party: NamedNode, relation: str, b: RecordBuilder) -> None:
    """Who the credit line says ``party`` is to the object ("the artist's wife"), in its words:
    a statement of the party (Linked Art ``referred_to_by``, a description), one node per text
    as a name's, so that the gifts of one donor so described are one statement. Cut at the
    comma, the words were the credit line's alone; they stay relative to the object, as the
    line writes them: Museion says no family link the record does not (the artist's wife is
    no ``member_of`` of a family, and no maker is named)."""
    if relation:
        node = text_node(party, "statement/relation", relation)
        b.statement(party, node, relation, AAT.DESCRIPTION)


def _capped(sellers: list[tuple[str, str, str]], b: RecordBuilder) -> list[tuple[str, str, str]]:
    """``sellers`` (each a party's name first) naming at most ``MAX_PARTIES`` parties: the
    first ones, in the credit line's order, with a warning to the partner past that."""
    names = list(dict.fromkeys(name for name, _, _ in sellers))
    if len(names) <= MAX_PARTIES:
        return sellers
    b.warnings.append(messages.PARTIES_CAPPED(count=len(names), limit=MAX_PARTIES))
    kept = set(names[:MAX_PARTIES])
    return [seller for seller in sellers if seller[0] in kept]


@dataclass(frozen=True, slots=True)
class ProvenanceSpec:
    date: DateSpec | None
    method: FieldList | None
    transferred_from: FieldList | None
    read_commas: bool = False

    @classmethod
    def compile(cls, spec: AcquisitionModel | None) -> ProvenanceSpec:
        if spec is None:
            return cls(None, None, None)
        return cls(
            DateSpec.compile(spec.date),
            compile_fields(spec.method),
            compile_fields(spec.transferred_from),
            spec.read_commas,
        )

    def emit(
        self,
        obj: Any,
        o: NamedNode,
        b: RecordBuilder,
        *,
        statements: Sequence[tuple[str, Lang]],
        makers: Makers,
        concept: ConceptOf,
    ) -> None:
        """``statements``: the provenance texts (and languages); ``makers``: whom the
        production names, for a credit line that says the artist gave or sold the object, or
        names one of them ("Gift of Mel Bochner" on a work by Mel Bochner): that actor is
        the party, not a second node with the same name.

        "The artist" the record does not tell among several makers (``_makers_meant``) is
        left unassigned, never guessed: it is a party of the acquisition of its own
        (``{acquisition}/from/{n}``, labelled with the credit line's words, a person when the
        makers it could be are persons, a group when they are groups), so that the
        acquisition still says it came from someone, linked to no maker; the record warns the
        partner (``MAKER_NOT_TOLD``), and the credit line stays whole as the object's
        statement. Nothing of it is lost, and no maker is given a gift they may not have
        made."""
        span = self.date.span(obj, b) if self.date else None
        methods = self.method.items(obj) if self.method else []
        said = [  # each phrase's names, and who the credit line says they are to the object
            _said_of(str(v))
            for v in (self.transferred_from.values(obj) if self.transferred_from else [])
        ]
        # (a party's name, the phrase's words, who it is to the object)
        sellers = [(value, value, relation) for value, relation in said]
        families: list[Family] = []
        if self.read_commas:
            texts = [text for text, _ in statements]
            families = [f for v, _ in said if (f := read_family(v, texts)) is not None]
            named = {f.name for f in families}  # the family is not who its member is said to be
            sellers = [
                (name, value, "" if name in named else relation)
                for value, relation in said
                for name in party_names(value, texts)
            ]
        sellers = _capped(
            [
                (part, phrase if part == name else part, relation)
                for name, phrase, relation in sellers
                for part in _split_maker(name)
            ],
            b,
        )
        if not (span or methods or sellers or statements):
            return
        activity = NamedNode(f"{o.value}/provenance")
        b.a(activity, CRM.E7_Activity)
        b.add(activity, CRM.P2_has_type, AAT.PROVENANCE_ACTIVITY)
        for n, (text, language) in enumerate(statements, start=1):
            node = NamedNode(f"{activity.value}/statement" + ("" if n == 1 else f"/{n}"))
            b.statement(activity, node, text, AAT.PROVENANCE_STATEMENT, language)
        if span:
            b.timespan(activity, NamedNode(f"{activity.value}/timespan"), span)
        # Even a provenance text alone tells that the partner acquired the object somehow: the
        # acquisition (to the partner) links the object to its provenance.
        acquisition = NamedNode(f"{activity.value}/acquisition")
        b.add(activity, CRM.P9_consists_of, acquisition)
        b.add(acquisition, CRM.P9i_forms_part_of, activity)  # the object's page reaches it
        b.add(o, CRM.P24i_changed_ownership_through, acquisition)
        b.a(acquisition, CRM.E8_Acquisition)
        b.add(acquisition, CRM.P24_transferred_title_of, o)
        b.add(acquisition, CRM.P22_transferred_title_to, b.minter.partner())
        seen: set[str] = set()
        for value, field in methods:
            found = concept(field.vocab or "acquisition_method", value, b)
            if found.iri.value not in seen:
                seen.add(found.iri.value)
                b.classify(acquisition, found)
        self._from(sellers, families, acquisition, makers, b)

    @classmethod
    def _from(
        cls,
        sellers: Sequence[tuple[str, str, str]],
        families: Sequence[Family],
        acquisition: NamedNode,
        makers: Makers,
        b: RecordBuilder,
    ) -> None:
        """Whom the acquisition is from: ``sellers``, each a party's name, the credit line's
        phrase it was read from and who the line says the party is to the object (``_said``);
        the persons named before a family its members."""
        parties: dict[str, NamedNode] = {}  # each party by its name
        persons: dict[str, NamedNode] = {}  # each person named by a name of their own
        for n, (name, phrase, relation) in enumerate(sellers, start=1):
            meant = _makers_meant(name, makers, phrase)
            if meant is None:
                named = makers.called(name)
                meant = [named] if named is not None else None
                if named is not None and named in makers.persons:
                    persons[name] = named
            if meant:
                for actor in meant:
                    b.add(acquisition, CRM.P23_transferred_title_from, actor)
                continue
            if meant is None:
                party = _party(name, acquisition, n, b)
                _said(party, relation, b)
                if not _RELATIVE.search(name) and actor_class(name) == CRM.E21_Person:
                    persons[name] = party
            else:
                party = cls._untold(name, acquisition, n, makers, b)
            b.add(acquisition, CRM.P23_transferred_title_from, party)
            parties[name] = party
        _members(families, parties, persons, b)

    @staticmethod
    def _untold(
        name: str, acquisition: NamedNode, n: int, makers: Makers, b: RecordBuilder
    ) -> NamedNode:
        """ "The artist" the record does not tell: a party of the acquisition of its own."""
        everyone = list(dict.fromkeys(makers.carried_out))
        plural = bool((said := _THE_MAKER.fullmatch(name.strip())) and said["plural"])
        group = plural or (bool(everyone) and not makers.persons)
        if len(everyone) > 1:
            b.warnings.append(messages.MAKER_NOT_TOLD(words=name.strip(), count=len(everyone)))
        return _party(name, acquisition, n, b, relative=True, group=group)
