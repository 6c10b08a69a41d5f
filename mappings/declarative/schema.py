"""The shape of a declarative mapping file (TOML), validated before any record is mapped.

Every part of the Linked Art object pattern names the source field(s) it comes from. A field is
given as a path (``"title"``, ``"dateRange.startYear"``, ``"creator[].full_name"``), as a table
with options (``{ path = "medium", split = ",", vocab = "material" }``), or as a list of those.
See ``docs``-style comments in ``mappings/data/tate.toml`` for a worked example.
"""

from __future__ import annotations

import re
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator

from museion_core.language import valid_language as _valid_language
from museion_core.settings import StrictModel as Strict

from ..normalise.units import UNITS, unit_for

__all__ = [
    "ActorModel",
    "CreatorModel",
    "DateLike",
    "DateModel",
    "DimensionsModel",
    "FieldLike",
    "FieldModel",
    "MappingFile",
    "ObjectModel",
    "PersonModel",
    "RoleModel",
]

Scalar = str | int | float
Precision = Literal["year", "month", "day", "january-1"]

_CURIE = re.compile(r"^(aat|tgn|ulan|wd|wikidata|viaf|gnd):[\w.-]+$")


class FieldModel(Strict):
    path: str | None = None
    """Where the value is: keys joined by dots, ``[]`` to go into every item of a list."""
    value: Scalar | None = None
    """A constant instead of a path."""
    pattern: str | None = None
    """A regular expression; the value is its group ``value`` (or group 1, or the whole match).
    Values that do not match are left out."""
    split: str | None = None
    """A regular expression to split one text into several values."""
    ignore: list[Scalar] = Field(default_factory=list)
    """Values that mean "nothing" (``"date not known"``, ``0``); compared without case."""
    map: dict[str, Scalar] = Field(default_factory=dict)
    """Replace values (compared without case) before anything else uses them."""
    default: Scalar | None = None
    """Used when the field yields nothing."""
    language: str | None = None
    """BCP 47 tag of a text; ``""`` for none. Defaults to the mapping's language."""
    vocab: str | None = None
    """Which vocabulary table turns the values into concepts."""
    unmatched: Literal["keep", "skip"] = "keep"
    """For terms: ``skip`` leaves out values no vocabulary knows, where the text is kept
    anyway (materials read out of a medium statement); ``keep`` mints a local term."""
    precision: Precision | None = None
    """For dates: widen a full date to its year or month; ``january-1`` reads a 1 January date
    as its year (collection systems that store "1915" as 1915-01-01)."""
    scan: bool = False
    """For terms: find the vocabulary's known terms inside a free text ("Oil paint on canvas"
    gives oil paint and canvas) instead of reading the whole value as one term."""
    html: bool | None = None
    """The value may embed HTML: strip tags and decode entities. Defaults to the mapping's
    ``html``."""

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return _valid_language(value, empty_ok=True)

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.path is None) == (self.value is None):
            raise ValueError("give exactly one of `path` or `value`")
        for name in ("pattern", "split"):
            expression = getattr(self, name)
            if expression is not None:
                try:
                    re.compile(expression)
                except re.error as exc:
                    raise ValueError(f"`{name}` is not a valid regular expression: {exc}") from None
        return self


FieldLike = str | FieldModel | list[str | FieldModel]


class DateModel(Strict):
    text: FieldLike | None = None
    """The date as the partner wrote it; kept as the time-span's name."""
    begin: FieldLike | None = None
    """A year or ISO date: the earliest the event can have begun."""
    end: FieldLike | None = None
    """A year or ISO date: the latest the event can have ended."""
    on: FieldLike | None = None
    """One year or ISO date that is both begin and end (a birth year)."""
    precision: Precision | None = None
    prefer: Literal["fields", "text"] = "fields"
    """Which wins where both give a bound: the structured ``begin``/``end``/``on`` fields
    (default), or what Museion reads out of ``text``. Either way, a bound only one of them
    gives is taken from it, and fields whose begin is after their end are not used."""
    negative_years: Literal["iso", "bc"] = "iso"
    """How the structured fields count years before Christ: ``iso`` (default), as ISO 8601
    and XSD 1.1 do, with a year 0 (``-0043`` is 44 BC); ``bc`` as people write them, with no
    year 0 (``-0202`` is 202 BC), as CMOA's export does."""


DateLike = str | DateModel


class ActorModel(Strict):
    id: FieldLike | None = None
    kind: FieldLike | None = None
    """``person`` or ``group`` (use ``map`` to translate the partner's words); default person."""
    name: FieldLike | None = None
    sort_name: FieldLike | None = None
    birth: DateLike | None = None
    birth_place: FieldLike | None = None
    death: DateLike | None = None
    death_place: FieldLike | None = None
    nationality: FieldLike | None = None
    gender: FieldLike | None = None
    equivalent: FieldLike | None = None
    """Authority IRIs (ULAN, Wikidata, VIAF, GND) for the actor."""
    web_pages: FieldLike | None = None
    description: FieldLike | None = None


class CreatorModel(ActorModel):
    each: str | None = None
    """Path to the list of creator entries; the other fields are read inside each entry (``.``
    is the entry itself, for a plain list of names). Left out, there is at most one creator,
    read from the record's own fields (a spreadsheet's "artist" column)."""
    role: FieldLike | None = None
    direct_roles: list[str] = Field(default_factory=lambda: ["", "artist"])
    """Roles that make the actor the production's own ``carried_out_by``; any other role gets a
    part of the production classified by the role."""


class PersonModel(ActorModel):
    match: str | None = None
    """Records with a value at this path are person records."""


class RoleModel(Strict):
    type: str | None = None
    """The role concept: ``aat:NNN`` or an IRI; left out, the role becomes a local term."""
    relation: Literal["carried_out_by", "influenced_by", "attributed"] = "carried_out_by"
    """``influenced_by`` for "after X", "copy after": X did not make the object.
    ``attributed`` for "attributed to", "possibly by": an uncertain attribution is an
    attribute assignment (Linked Art ``attributed_by``) typed by the role, never a plain
    ``carried_out_by``."""


class DimensionsModel(Strict):
    statement: FieldLike | None = None
    parse: bool = False
    """Read typed values out of the statement text; the numeric fields are then used only
    for records whose statement gives none."""
    height: FieldLike | None = None
    width: FieldLike | None = None
    depth: FieldLike | None = None
    diameter: FieldLike | None = None
    weight: FieldLike | None = None
    unit: FieldLike | None = None
    """Unit of the numeric fields: a path or a constant (``{ value = "in" }``)."""
    zero_is_missing: bool = True

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: FieldLike | None) -> FieldLike | None:
        """A constant unit is checked now, not once a record at harvest (a path's values
        can only be checked there)."""
        constants = [
            u.value
            for u in (unit if isinstance(unit, list) else [unit])
            if isinstance(u, FieldModel) and u.value is not None
        ]
        for constant in constants:
            if unit_for(str(constant)) is None:
                raise ValueError(
                    f"unknown unit {constant!r}; known: {', '.join(sorted(UNITS))} "
                    "(or their names: centimetres, inches...)"
                )
        return unit


class ProductionModel(Strict):
    date: DateLike | None = None
    places: FieldLike | None = None
    techniques: FieldLike | None = None
    creators: CreatorModel | list[CreatorModel] | None = None


class AcquisitionModel(Strict):
    """The acquisition, as the part of a provenance activity (Linked Art's provenance pattern);
    the object's ``provenance`` text becomes the activity's statement."""

    date: DateLike | None = None
    method: FieldLike | None = None
    """Gift, bequest, purchase...: terms (through ``vocab``, default ``acquisition_method``)
    that classify the acquisition, usually read out of the credit line with a ``pattern``."""
    transferred_from: FieldLike | None = None
    """Who gave or sold the object (a ``pattern`` on the credit line); "the artist" is the
    production's creator when there is exactly one."""
    read_commas: bool = False
    """``transferred_from`` is a credit line's phrase whose commas are read (CMOA's "Barry
    Friedman, Ltd.", "Dr. Helen Overs, Dr. Robert Overs and Gareth Griffiths", "the Carnegie
    Library of Pittsburgh, Lorant Collection"): a suffix or a comma the provenance text also
    writes is inside a name, a list of full names is several parties, any other comma ends the
    name (``mappings.declarative.parties``). Off: each value is one name, commas and all."""


class BroaderModel(Strict):
    """A broader concept named inside each entry (the era of a movement)."""

    id: FieldLike | None = None
    label: FieldLike
    vocab: str


class SubjectsModel(Strict):
    each: str | None = None
    """Path to a list of subject entries; ``id`` and ``label`` are read inside each."""
    id: FieldLike | None = None
    label: FieldLike
    vocab: str = "subject"
    children: str | None = None
    """The key of an entry's narrower entries, for subjects that form a tree: every entry is a
    concept, ``skos:broader`` of its children's; the leaves are what the object shows."""
    broader: BroaderModel | None = None
    relation: Literal["represents_instance_of_type", "about", "style"] = (
        "represents_instance_of_type"
    )
    """How the object's visual content links the concepts: it depicts things of these types
    (Linked Art ``represents_instance_of_type``), is ``about`` them, or is in this style
    (``classified_as``, the concept typed AAT "styles and periods")."""


class ObjectModel(Strict):
    match: str | None = None
    """Records with a value at this path are object records (needed when there is a [person])."""
    id: FieldLike
    accession_number: FieldLike | None = None
    titles: FieldLike | None = None
    classification: FieldLike | None = None
    description: FieldLike | None = None
    medium: FieldLike | None = None
    materials: FieldLike | None = None
    dimensions: DimensionsModel | None = None
    credit_line: FieldLike | None = None
    provenance: FieldLike | None = None
    rights: FieldLike | None = None
    inscription: FieldLike | None = None
    distinguishing_features: FieldLike | None = None
    """Marks, damage, repairs: what tells this object from others like it (ICOM Object ID);
    a physical statement."""
    web_pages: FieldLike | None = None
    images: FieldLike | None = None
    iiif_manifest: FieldLike | None = None
    """The field naming the object's IIIF Presentation manifest; its images come from the
    digest the harvester attached (``kind = "jsonapi"`` with its ``iiif_manifest`` option)."""
    collections: FieldLike | None = None
    subjects: SubjectsModel | list[SubjectsModel] | None = None
    image_rights: FieldLike | None = None
    """Copyright of the images (not of the object): a rights statement on each image."""
    equivalent: FieldLike | None = None
    production: ProductionModel | None = None
    acquisition: AcquisitionModel | None = None


class MappingInfo(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = ""
    description: str = ""
    language: str | None = None
    """Default BCP 47 tag of the feed's texts (a source's ``language`` overrides it)."""
    version: str = "1"
    html: bool = False
    """The feed embeds HTML in its texts: every text value has tags stripped and entities
    decoded (values without markup are left as they are)."""

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return _valid_language(value)


class MappingFile(Strict):
    mapping: MappingInfo
    object: ObjectModel
    person: PersonModel | None = None
    vocab: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Per vocabulary, partner term → concept (``aat:NNN`` or an IRI)."""
    roles: dict[str, RoleModel | str] = Field(default_factory=dict)
    """Creator role (as the partner writes it) → how it attaches to the production."""
    unmapped: dict[str, str] = Field(default_factory=dict)
    """Source fields left out on purpose (path, lists walked through, no ``[]``) → why. The
    fidelity test and the partner report hold every other field the partner fills to being
    mapped."""

    @field_validator("unmapped")
    @classmethod
    def _reasons(cls, table: dict[str, str]) -> dict[str, str]:
        for path, reason in table.items():
            if not reason.strip():
                raise ValueError(f"unmapped.{path!r}: say why the field is left out")
        return table

    @field_validator("vocab")
    @classmethod
    def _concepts(cls, tables: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for scheme, table in tables.items():
            for term, target in table.items():
                if not (_CURIE.match(target) or target.startswith(("http://", "https://"))):
                    raise ValueError(
                        f"vocab.{scheme}.{term!r}: {target!r} is neither aat:NNN (or tgn:, ulan:, "
                        "wd:, viaf:, gnd:) nor an http(s) IRI"
                    )
        return tables

    @model_validator(mode="after")
    def _kinds_distinguishable(self) -> Self:
        if self.person is not None and not (self.object.match or self.person.match):
            raise ValueError("with a [person] section, [object] or [person] needs `match`")
        return self
