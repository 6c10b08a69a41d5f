"""Turning partner terms into concepts: mapping tables first, then Museion's AAT table, else a
local term that keeps its label (never dropped) and is listed in the partner report.

Terms match whatever their case, number, spelling or qualifier: "Watercolours",
"watercolor" and "watercolor (paint)" are one key (``match_key``), in any language the AAT
table has labels for (English, German, French). ``Vocabularies.find`` reads known terms out of
a free-text statement ("Watercolour, ink and graphite on paper"), longest phrase first, so that
"gelatin silver print" is a photograph and not silver.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from museion_core.vocab import AAT, AAT_NS, CRM, RDF, RDFS

from .authorities import normalise_authority
from .builder import Concept, clean_text
from .iris import Minter
from .normalise.folding import normalise_arabic

__all__ = [
    "SCHEME_CLASS",
    "Vocabularies",
    "aat_concept",
    "aat_label",
    "aat_labels",
    "aat_reading",
    "aat_table_digest",
    "expand_curie",
    "match_key",
    "subject_labels",
    "subject_labels_digest",
    "vocabulary_quads",
]

_PREFIXES = {
    "aat": AAT_NS,
    "tgn": "http://vocab.getty.edu/tgn/",
    "ulan": "http://vocab.getty.edu/ulan/",
    "wd": "http://www.wikidata.org/entity/",
    "wikidata": "http://www.wikidata.org/entity/",
    "viaf": "http://viaf.org/viaf/",
    "gnd": "https://d-nb.info/gnd/",
}

SCHEME_CLASS: dict[str, tuple[NamedNode, NamedNode | None]] = {
    # scheme: (class of its concepts, what kind of type a concept of it is)
    "object_type": (CRM.E55_Type, AAT.TYPE_OF_WORK),
    "material": (CRM.E57_Material, None),
    "technique": (CRM.E55_Type, None),
    "part_type": (CRM.E55_Type, AAT.PART_TYPE),
    "nationality": (CRM.E55_Type, AAT.NATIONALITY),
    "gender": (CRM.E55_Type, AAT.GENDER),
}

_BRITISH = {
    "colour": "color", "colours": "colors", "watercolour": "watercolor",
    "watercolours": "watercolors", "coloured": "colored", "grey": "gray", "fibre": "fiber",
    "fibres": "fibers", "aluminium": "aluminum", "jewellery": "jewelry", "mould": "mold",
    "moulded": "molded", "moulding": "molding", "centre": "center", "metre": "meter",
    "gelatine": "gelatin", "catalogue": "catalog", "armour": "armor", "sulphur": "sulfur",
    "enamelled": "enameled", "modelled": "modeled", "travelling": "traveling",
    "photogravure": "photogravure", "programme": "program", "lacquerware": "lacquerware",
}  # fmt: skip
_QUALIFIER = re.compile(r"\s*\([^()]*\)")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_KEEP_S = ("ss", "us", "is", "as", "os", "ys")
_FOUND_CACHE = 20000  # statements remembered per mapping ("Graphite on paper" is common)


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s") or word.endswith(_KEEP_S):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    return word[:-1]


def _key_words(words: list[str]) -> str:
    words = [_BRITISH.get(w, w) for w in words]
    if words:
        words[-1] = _singular(words[-1])
    return " ".join(words)


def match_key(term: str) -> str:
    """What a term is matched by: case, qualifiers ("paper (fiber product)"), British spelling,
    the plural of its last word, hyphens and punctuation do not count, nor Arabic's vowel
    marks and spelling variants ("مَخْطُوطَة" is "مخطوطه")."""
    text = normalise_arabic(unicodedata.normalize("NFKC", term)).casefold()
    text = _QUALIFIER.sub(" ", text)
    return _key_words(_WORD.findall(text))


def expand_curie(value: str) -> str:
    """``aat:300033618`` → the AAT IRI; authority references in any other form (a Getty or
    Wikidata web page, ``http`` for ``https``) → the authority's entity IRI."""
    prefix, _, rest = value.partition(":")
    base = _PREFIXES.get(prefix)
    return normalise_authority(base + rest if base and not rest.startswith("//") else value)


@cache
def _aat_table() -> dict[str, Any]:
    """``{"labels": {number: {lang: label}}, "terms": {scheme: {term: number}}, "stop": [...]}``."""
    with resources.files("mappings").joinpath("data/aat.json").open("rb") as handle:
        table: dict[str, Any] = json.load(handle)
    return table


@cache
def aat_table_digest() -> str:
    """A digest of ``data/aat.json``: what is read through the table (a search facet's value
    for a lender's own term) depends on it."""
    data = resources.files("mappings").joinpath("data/aat.json").read_bytes()
    return hashlib.sha256(data).hexdigest()[:12]


@cache
def _aat_index() -> dict[str, dict[str, str]]:
    """scheme → match key → AAT number."""
    index: dict[str, dict[str, str]] = {}
    for scheme, terms in _aat_table()["terms"].items():
        keys = index.setdefault(scheme, {})
        for term, number in terms.items():
            keys.setdefault(match_key(term), number)
    return index


def aat_concept(scheme: str, term: str) -> str | None:
    """The AAT concept Museion's table reads ``term`` as in ``scheme`` (any language it has
    terms in: "Druckgraphik" is the print, aat:300041273), or None."""
    number = _aat_index().get(scheme, {}).get(match_key(term))
    return AAT_NS + number if number is not None else None


def aat_labels(iri: str) -> dict[str, str]:
    """The labels Museion knows for an AAT concept, by language (English, German, French)."""
    if not iri.startswith(AAT_NS):
        return {}
    labels: dict[str, str] = _aat_table()["labels"].get(iri[len(AAT_NS) :], {})
    return labels


@cache
def _by_english_label() -> dict[str, dict[str, str]]:
    """An AAT concept's English label → its labels by language."""
    return {labels["en"]: labels for labels in _aat_table()["labels"].values() if labels.get("en")}


def label_in_language(english: str, language: str) -> str:
    """An AAT concept's label in ``language``, given its English label (a search facet's
    value: "paper (fiber product)" → "papier" on a French page); the English one when the
    concept is not known or has no label in that language."""
    return _by_english_label().get(english, {}).get(language) or english


_QUALIFIER = re.compile(r"\s+\([^()]*\)$")
"""The qualifier AAT adds to a label to tell its concepts apart: "oil paint (paint)"."""


def unqualified_labels(labels: Sequence[str]) -> list[str]:
    """Labels listed together (a search facet's), each AAT concept's English label without
    its qualifier, as a reader names the thing ("oil paint (paint)" → "oil paint"), unless
    two of the list would then read the same: the qualifier is kept where it tells them
    apart ("engraving (printing process)" beside "engraving (incised)", AAT's "prints
    (visual works)" beside a lender's own "Prints"). Any other text stays as it is (a
    lender's "Paper (Japanese)" is its whole name)."""
    known = _by_english_label()
    names = [_QUALIFIER.sub("", t) or t if t in known else t for t in labels]
    counts = Counter(name.casefold() for name in names)
    return [
        name if counts[name.casefold()] == 1 else label
        for label, name in zip(labels, names, strict=True)
    ]


def aat_reading(
    terms: Iterable[str], schemes: Sequence[str], languages: Sequence[str]
) -> tuple[str, str] | None:
    """AAT's label and its language for a lender's own term, read through Museion's table:
    the first of ``terms`` that the table reads as a concept of one of ``schemes`` (tried in
    order: a materials wrap often holds techniques) with a label in one of ``languages`` (in
    order), or None. A page, or a search facet, then names "Druckgraphik" as AAT's print."""
    for term in terms:
        for scheme in schemes:
            concept = aat_concept(scheme, term)
            labels = aat_labels(concept) if concept is not None else {}
            for language in languages:
                if labels.get(language):
                    return labels[language], language
    return None


def aat_label(iri: str, language: str = "en") -> str | None:
    """AAT's label for a concept Museion knows, in ``language`` if it has one, or None."""
    labels = aat_labels(iri)
    return labels.get(language) or labels.get("en")


@cache
def _subject_table() -> dict[str, dict[str, list[dict[str, str]]]]:
    """vocabulary → match key of a term (in any of its languages) → the entries (labels by
    language) it is a term of, from ``data/subjects.toml``."""
    with resources.files("mappings").joinpath("data/subjects.toml").open("rb") as handle:
        data: dict[str, dict[str, dict[str, str]]] = tomllib.load(handle)
    table: dict[str, dict[str, list[dict[str, str]]]] = {}
    for vocab, entries in data.items():
        keys = table.setdefault(vocab, {})
        for english, others in entries.items():
            labels = {"en": english, **others}
            for text in dict.fromkeys(labels.values()):
                keys.setdefault(match_key(text), []).append(labels)
    return table


@cache
def subject_labels_digest() -> str:
    """A digest of ``data/subjects.toml``: a mapping's output depends on it, so a change
    to it maps the records that use a subject again."""
    data = resources.files("mappings").joinpath("data/subjects.toml").read_bytes()
    return hashlib.sha256(data).hexdigest()[:12]


def subject_labels(vocab: str, term: str, language: str | None) -> dict[str, str]:
    """Museion's labels, in other languages, of a partner's subject term (Tate's "landscape"
    → ``{"fr": "paysage", "ar": "منظر طبيعي"}``), so that readers of those languages find and
    read it; ``language`` is the term's own (None: not known, and any language's term
    matches). Empty when the term is not one Museion has labels for."""
    return dict(_subject_labels(vocab, term, language))


@lru_cache(maxsize=16_384)
def _subject_labels(vocab: str, term: str, language: str | None) -> tuple[tuple[str, str], ...]:
    """``subject_labels``, kept for each term: a partner names the same few hundred subjects
    in record after record, and reading a term's key (``match_key``) cost a Tate record a
    fifth of its mapping time."""
    primary = language.split("-", 1)[0].lower() if language else None
    key = match_key(term)
    for labels in _subject_table().get(vocab, {}).get(key, []):
        own = [lang for lang, text in labels.items() if match_key(text) == key]
        if primary is None or primary in own:
            said = primary or own[0]
            return tuple((lang, text) for lang, text in labels.items() if lang != said)
    return ()


@dataclass(frozen=True, slots=True)
class _Phrases:
    """Every known phrase (mapping table and AAT, all schemes) → scheme → target IRI."""

    targets: dict[str, dict[str, str]]
    longest: int


class Vocabularies:
    """Resolves (scheme, term) to a Concept for one mapping; results are cached per source and
    base IRI (a shipped mapping is loaded once and may serve several configurations).

    The mapping's own tables win over the AAT table, term by term."""

    def __init__(self, tables: Mapping[str, Mapping[str, str]]) -> None:
        self._tables = {
            scheme: {match_key(term): expand_curie(target) for term, target in table.items()}
            for scheme, table in tables.items()
        }
        self._exact = {
            scheme: {
                clean_text(term).casefold(): expand_curie(target) for term, target in table.items()
            }
            for scheme, table in tables.items()
        }
        self._cache: dict[tuple[str, str, str], Concept] = {}
        self._found: dict[tuple[str, str], tuple[Concept, ...]] = {}
        self._phrases: _Phrases | None = None

    def target(self, scheme: str, term: str) -> str | None:
        """The IRI a term means in a scheme, or None when neither table knows it."""
        found = self._exact.get(scheme, {}).get(clean_text(term).casefold())
        if found is not None:
            return found
        key = match_key(term)
        found = self._tables.get(scheme, {}).get(key)
        if found is None:
            number = _aat_index().get(scheme, {}).get(key)
            found = AAT_NS + number if number is not None else None
        return found

    def concept(
        self, scheme: str, term: object, minter: Minter, language: str | None = None
    ) -> Concept:
        text = clean_text(str(term))
        key = (minter.prefix, scheme, text)  # a base IRI and a source: one mapping serves many
        found = self._cache.get(key)
        if found is None:
            found = self._resolve(scheme, text, minter, language)
            self._cache[key] = found
        return found

    def _resolve(self, scheme: str, text: str, minter: Minter, language: str | None) -> Concept:
        meta = SCHEME_CLASS.get(scheme, (CRM.E55_Type, None))[1]
        target = self.target(scheme, text)
        if target is not None:
            return Concept(NamedNode(target), meta=meta)
        return Concept(
            minter.concept(scheme.replace("_", "-"), text),
            text,
            language,
            meta,
            local_scheme=scheme,
        )

    def find(self, scheme: str, text: str) -> list[Concept]:
        """The concepts of ``scheme`` named in a free text, in order, each once.

        The longest known phrase of any scheme is taken at each word, so a phrase that names
        something else ("gelatin silver print", "wood engraving") hides the words inside it."""
        key = (scheme, text)
        cached = self._found.get(key)
        if cached is not None:
            return list(cached)
        phrases = self._phrase_index()
        words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
        meta = SCHEME_CLASS.get(scheme, (CRM.E55_Type, None))[1]
        found: list[Concept] = []
        seen: set[str] = set()
        position = 0
        while position < len(words):
            for size in range(min(phrases.longest, len(words) - position), 0, -1):
                targets = phrases.targets.get(_key_words(words[position : position + size]))
                if targets is None:
                    continue
                target = targets.get(scheme)
                if target is not None and target not in seen:
                    seen.add(target)
                    found.append(Concept(NamedNode(target), meta=meta))
                position += size
                break
            else:
                position += 1
        if len(self._found) < _FOUND_CACHE:
            self._found[key] = tuple(found)
        return found

    def _phrase_index(self) -> _Phrases:
        if self._phrases is None:
            targets: dict[str, dict[str, str]] = {}
            for scheme, keys in _aat_index().items():
                for key, number in keys.items():
                    targets.setdefault(key, {})[scheme] = AAT_NS + number
            for phrase in _aat_table().get("stop", []):
                targets.setdefault(match_key(phrase), {})
            for scheme, keys in self._tables.items():
                for key, target in keys.items():
                    targets.setdefault(key, {})[scheme] = target
            longest = max((len(k.split()) for k in targets), default=1)
            self._phrases = _Phrases(targets, longest)
        return self._phrases


@cache
def _shipped() -> Vocabularies:
    return Vocabularies({})


def terms_in(scheme: str, text: str) -> list[str]:
    """The IRIs of the terms of ``scheme`` that Museion's own tables find in a free text
    ("Huile sur toile": oil paint, canvas), as a mapping that scans it would."""
    return [concept.iri.value for concept in _shipped().find(scheme, text)]


STATEMENT_TYPES = (
    AAT.MATERIAL_STATEMENT,
    AAT.DIMENSION_STATEMENT,
    AAT.DESCRIPTION,
    AAT.CREDIT_LINE,
    AAT.RIGHTS_STATEMENT,
    AAT.PROVENANCE_STATEMENT,
    AAT.INSCRIPTION,
)
_SCHEME_CLASSES = {"material": CRM.E57_Material, "unit": CRM.E58_Measurement_Unit}


def vocabulary_quads(graph: NamedNode) -> list[Quad]:
    """What Museion knows of the AAT concepts it uses: class, labels (English, and German and
    French where known), and what kind of type each is (a statement type is a "brief text", an
    object type a "type of work", a frame a "part type")."""
    table = _aat_table()
    quads: list[Quad] = []
    classes: dict[str, NamedNode] = {}
    metas: dict[str, NamedNode] = {}
    for scheme, terms in table["terms"].items():
        for number in terms.values():
            if scheme in _SCHEME_CLASSES:
                classes[number] = _SCHEME_CLASSES[scheme]
            meta = SCHEME_CLASS.get(scheme, (CRM.E55_Type, None))[1]
            if meta is not None:
                metas.setdefault(number, meta)
    for kind in STATEMENT_TYPES:
        metas[kind.value[len(AAT_NS) :]] = AAT.BRIEF_TEXT
    for number, labels in table["labels"].items():
        concept = NamedNode(AAT_NS + number)
        quads.append(Quad(concept, RDF.type, classes.get(number, CRM.E55_Type), graph))
        for language, label in labels.items():
            quads.append(Quad(concept, RDFS.label, Literal(label, language=language), graph))
        if number in metas:
            quads.append(Quad(concept, CRM.P2_has_type, metas[number], graph))
    return quads
