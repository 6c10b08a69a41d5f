"""Which column of a partner's sample goes to which field of a drafted mapping
(``museion mapping draft``): each column is placed by its header (English, French, German and
Arabic words, kept as data in ``museion/data/draft_headers.toml``) and checked against its
values: a column named "Date" whose cells are not dates is not used as the date, a column of
image URLs becomes the image whatever its header, and a "Technique" column of materials is the
medium. Also the languages the headers name: a title's ("Titre (az)"), and the mapping's.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from mappings import (
    parse_date_text,
    parse_dimension_statement,
    parse_measured_value,
    parse_number,
    terms_in,
    unit_for,
)
from museion_core.language import language_tag

__all__ = [
    "Column",
    "guess_columns",
    "header_language",
    "header_vocabulary",
    "is_technique_header",
    "mapping_language",
    "other_titles",
    "sample_columns",
    "title_language",
]

_BRACKETS = re.compile(r"[(\[]([^)\]]*)[)\]]")
_IMAGE = re.compile(r"(\.(jpe?g|png|gif|tiff?|webp)(\?.*)?$)|/iiif/|/images?/", re.IGNORECASE)
_URL = re.compile(r"^https?://[^\s/]+/?")
_QUALIFIERS = {"id", "ids", "uri", "url", "code", "ar", "en", "fr", "de", "original", "2"}
"""Header words that make a column another field's neighbour ("artist_id" is not the artist)."""
_LANGUAGE_SUFFIX = re.compile(
    r"^(?P<base>.*?\S)\s*(?:\((?P<round>[^()]+)\)|\[(?P<square>[^\[\]]+)\]"
    r"|\s[-–—]\s*(?P<dash>\S+)|_(?P<under>[A-Za-z]{2,3})|\.(?P<dot>[A-Za-z]{2,3}))\s*$"
)
"""A header that ends with what may be a language tag: "Titre (az)", "Title [de]", "Titel - fr",
"titre_ar", or the path of a JSON field keyed by language ("titre.az" of ``{"titre": {"fr":
..., "az": ...}}``)."""
_TAG_SHAPE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_DIMENSION_HINT = re.compile(r"\d\s*(x|×|cm|mm|in\b|m\b|kg|g\b|\")", re.IGNORECASE)


@dataclass
class Column:
    """A column of the sample: its name, its values (one per record, None where a record has
    none) and the unit its header names ("Height (cm)")."""

    name: str
    values: list[Any] = field(default_factory=list)
    unit: str | None = None

    @property
    def texts(self) -> list[str]:
        return [str(v) for v in self.values if v not in (None, "")]


@cache
def header_vocabulary() -> tuple[dict[str, tuple[set[str], str | None]], dict[str, list[str]]]:
    text = resources.files("museion").joinpath("data/draft_headers.toml").read_text("utf-8")
    data = tomllib.loads(text)
    fields = {
        name: ({_fold(h) for h in spec["headers"]}, spec.get("values"))
        for name, spec in data["fields"].items()
    }
    return fields, data.get("languages", {})


def _fold(text: str) -> str:
    """Case, accents, brackets and punctuation removed; Arabic letters kept."""
    text = _BRACKETS.sub(" ", unicodedata.normalize("NFKC", str(text))).casefold()
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(
        c
        if c.isalnum() or c.isspace()
        else (" " if unicodedata.category(c)[0] in "PSZ" or c in "'’_" else "")
        for c in decomposed
        if not (unicodedata.category(c) == "Mn" and not _arabic(c))
    )
    return " ".join(unicodedata.normalize("NFC", kept).split())


def _arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff"


def sample_columns(rows: list[dict[str, Any]]) -> list[Column]:
    """The sample's columns, in the order their names first appear in its records."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    columns = []
    for name in names:
        unit = None
        for inner in _BRACKETS.findall(name):
            if unit_for(inner) is not None:
                unit = inner.strip()
        columns.append(Column(name, [row.get(name) for row in rows], unit))
    return columns


def _share(texts: list[str], test: Any) -> float:
    return sum(1 for t in texts if test(t)) / len(texts) if texts else 0.0


def _is_date(text: str) -> bool:
    parsed = parse_date_text(text)
    return parsed is not None


def _is_number(text: str) -> bool:
    """A measurement cell the mapping reads as a value: "45,5", and "45,5 cm", "ca. 45" too."""
    return parse_number(text) is not None or parse_measured_value(text) is not None


def _is_dimensions(text: str) -> bool:
    return bool(_DIMENSION_HINT.search(text)) and parse_dimension_statement(text).parsed


def _values_fit(kind: str | None, column: Column, exact: bool = False) -> bool:
    """Do the column's values look like ``kind``? A header that names the field exactly needs
    fewer dates to stand (Museion does not read every way of writing a date)."""
    texts = column.texts
    if kind is None or not texts:
        return True
    if kind == "date":
        return _share(texts, _is_date) >= (0.3 if exact else 0.6)
    if kind == "number":
        # A column the header names ("Hauteur (cm)") stands with a few cells typed otherwise
        # ("12 x 8", "-3"): the mapping keeps each as a statement and says so, where leaving
        # the column out of the draft dropped every height without a word.
        return _share(texts, _is_number) >= (0.5 if exact else 0.8)
    if kind == "dimensions":
        return _share(texts, _is_dimensions) >= 0.5
    if kind == "image":
        return _share(texts, lambda t: bool(_URL.match(t))) >= 0.8
    if kind == "url":
        return _share(texts, lambda t: bool(_URL.match(t))) >= 0.8
    return True


def _header_score(header: str, words: set[str]) -> int:
    folded = _fold(header.replace("[]", "."))
    last = _fold(re.split(r"[.\[\]]+", header.strip(".[]"))[-1]) if "." in header else folded
    if folded in words or last in words:
        return 3
    if set(last.split()) & _QUALIFIERS:
        return 0
    padded = f" {last} "
    longest = max((len(w) for w in words if f" {w} " in padded and len(w) > 2), default=0)
    return 2 if longest else 0


def guess_columns(rows: list[dict[str, Any]]) -> tuple[dict[str, Column], list[Column]]:
    """Field → column, best first by header score, each column used once; and the columns
    left over."""
    columns = sample_columns(rows)
    placed = _by_headers(columns)
    _by_values(columns, placed)
    if "accession_number" not in placed:
        _identifier(columns, len(rows), placed)
    _technique_as_medium(placed)
    used = {column.name for column in placed.values()}
    return placed, [c for c in columns if c.name not in used]


def _technique_as_medium(placed: dict[str, Column]) -> None:
    """A "Technique" column whose values name materials ("Huile sur toile", "Verre soufflé",
    as French registrars fill it) is the medium: drafted as techniques, each whole value was a
    term no vocabulary knew, and the oil and the canvas were never materials. Its values stay
    whole in the medium statement; the techniques found in them are read too."""
    column = placed.get("technique")
    if column is None or "materials" in placed:
        return
    if _share(column.texts, lambda text: bool(terms_in("material", text))) >= 0.5:
        placed["materials"] = placed.pop("technique")


def is_technique_header(column: Column) -> bool:
    return _header_score(column.name, header_vocabulary()[0]["technique"][0]) == 3


def _by_headers(columns: list[Column]) -> dict[str, Column]:
    """The fields whose header words a column's name has and whose kind its values fit."""
    fields, _ = header_vocabulary()
    candidates: list[tuple[int, int, str, Column]] = []
    for order, column in enumerate(columns):
        if not column.texts:
            continue
        for name, (words, kind) in fields.items():
            score = _header_score(column.name, words)
            if score and _values_fit(kind, column, exact=score == 3):
                candidates.append((-score, order, name, column))
    placed: dict[str, Column] = {}
    used: set[str] = set()
    for _, _, name, column in sorted(candidates, key=lambda c: (c[0], c[1])):
        if name not in placed and column.name not in used:
            placed[name] = column
            used.add(column.name)
    return placed


def _by_values(columns: list[Column], placed: dict[str, Column]) -> None:
    """Place the columns left by their values alone: URLs and measurements say what they are."""
    used = {column.name for column in placed.values()}
    for column in columns:
        if column.name in used or not column.texts:
            continue
        for name, kind in (("image", "image"), ("web_page", "url"), ("dimensions", "dimensions")):
            fits = kind != "image" or _share(column.texts, lambda t: bool(_IMAGE.search(t))) > 0.5
            if name not in placed and fits and _values_fit(kind, column):
                placed[name] = column
                used.add(column.name)
                break


def _identifier(columns: list[Column], rows: int, placed: dict[str, Column]) -> None:
    """No header names the identifier: the first column left with a different value in
    every record is taken for it."""
    used = {column.name for column in placed.values()}
    for column in columns:
        texts = column.texts
        if column.name not in used and len(texts) == rows and len(set(texts)) == len(texts):
            placed["accession_number"] = column
            return


def mapping_language(columns: Iterable[Column]) -> str | None:
    _, languages = header_vocabulary()
    headers = [_fold(c.name) for c in columns]
    if any(_arabic(ch) for h in headers for ch in h):
        arabic = sum(1 for h in headers if any(_arabic(ch) for ch in h))
        if arabic * 2 >= len(headers):
            return "ar"
    counts = {
        lang: sum(1 for h in headers if set(h.split()) & {_fold(w) for w in words})
        for lang, words in languages.items()
    }
    best = max(counts.items(), key=lambda kv: kv[1], default=("en", 0))
    return best[0] if best[1] >= 2 else "en"


def header_language(header: str) -> str | None:
    """The BCP 47 tag a header ends with ("Titre (az)", "Title [de]", "Titel - fr", "titre_ar"),
    valid as a mapping's ``language`` must be, in its standard form; None if it names none.
    A three-letter word counts only as an ISO 639-2 code of a language with a shorter tag
    ("eng", "ger"): "Title (alt)" or "(new)" is not Southern Altai or Newari."""
    match = _LANGUAGE_SUFFIX.match(header.strip())
    if match is None:
        return None
    given = next(v for k, v in match.groupdict().items() if k != "base" and v).strip()
    if not _TAG_SHAPE.match(given):
        return None
    tag = language_tag(given)
    primary = re.split(r"[-_]", given)[0]
    if tag is None or (len(primary) == 3 and tag.split("-")[0].casefold() == primary.casefold()):
        return None
    return tag


def _is_arabic(text: str) -> bool:
    return sum(1 for c in text if _arabic(c)) > len(text) / 3


def other_titles(placed: dict[str, Column], unplaced: list[Column]) -> list[Column]:
    """The other title columns ("Titre (az)", "Titel [de]", "titre_ar", "titel original"):
    the title in other languages, in the order of the file."""
    if "title" not in placed:
        return []
    words = header_vocabulary()[0]["title"][0]
    others = []
    for column in unplaced:
        match = _LANGUAGE_SUFFIX.match(column.name.strip())
        base = _fold(match.group("base")) if match and header_language(column.name) else ""
        folded = _fold(column.name).split()
        if column.texts and (base in words or (folded and folded[0] in words)):
            others.append(column)
    return others


def title_language(column: Column, *, other: bool = True) -> str | None:
    """The language of a title column: the one its header names, else (for a title other than
    the first) Arabic when its texts are, else None (the mapping's language)."""
    tag = header_language(column.name)
    if tag is None and other and _share(column.texts, _is_arabic) > 0.5:
        tag = "ar"
    return tag
