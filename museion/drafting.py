"""``museion mapping draft``: a first mapping for a partner's sheet, CSV or JSON, drafted from a
sample so that the registrar edits three lines rather than writing thirty.

Each column is placed by its header (English, French, German and Arabic words, kept as data in
``museion/data/draft_headers.toml``) and checked against its values: a column named "Date"
whose cells are not dates is not used as the date, and a column of image URLs becomes the
image whatever its header. Columns it cannot place are listed as comments in the draft.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

from harvesters import (
    SHEET_FORMATS,
    Parsed,
    Unreadable,
    read_csv,
    read_json,
    read_sheet,
    records_key,
    sniff_format,
)
from mappings import (
    parse_date_text,
    parse_dimension_statement,
    parse_measured_value,
    parse_number,
    terms_in,
    unit_for,
)
from museion_core.errors import ConfigError
from museion_core.language import language_tag

from .draft_layout import Layout, find_layout

__all__ = ["Draft", "draft_mapping", "encoding_hint", "guess_columns", "sample_rows"]

SAMPLE = 500
"""Rows profiled: enough to see a column's kind, few enough for any sheet."""

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


_ISO_DATE = re.compile(r"-?\d{1,4}(?:-\d\d(?:-\d\d(?:[T ][\d:.]+)?)?)?")
"""What a date field (``on``) reads without a warning: a year or an ISO date (a date cell)."""


@dataclass
class Column:
    name: str
    values: list[Any] = field(default_factory=list)
    unit: str | None = None

    @property
    def texts(self) -> list[str]:
        return [str(v) for v in self.values if v not in (None, "")]


@dataclass
class Draft:
    """A drafted mapping: its TOML text, which column went to which field, and the rest."""

    text: str
    placed: dict[str, str]
    unplaced: list[str]
    rows: int
    unreadable: list[str] = field(default_factory=list)
    """The records of the sample that could not be read, each with where and why."""
    items: str | None = None
    """The key of the list of records in a JSON file that wraps them: the source's ``items``."""
    found: list[str] = field(default_factory=list)
    """What the draft found rather than was told (the sheet, the header row), as sentences."""
    options: dict[str, str | int] = field(default_factory=dict)
    """The source options the file needs to be read as the draft read it (sheet, header_row)."""


@cache
def _vocabulary() -> tuple[dict[str, tuple[set[str], str | None]], dict[str, list[str]]]:
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


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        scalars = [v for v in value if not isinstance(v, dict | list)]
        if scalars:
            out.setdefault(prefix, scalars[0])
        for item in value:
            if isinstance(item, dict):
                _flatten(item, f"{prefix}[]", out)
    elif value not in (None, "") and prefix:
        out.setdefault(prefix, value)


_FORMATS = (*SHEET_FORMATS, "csv", "tsv", "json", "jsonl")


def sample_rows(
    path: Path,
    sheet: str | int | None = None,
    header_row: int = 1,
    encoding: str = "utf-8",
    items: str | None = None,
    *,
    hint: str = "",
) -> tuple[list[dict[str, Any]], list[str]]:
    """Up to ``SAMPLE`` records of a sheet, CSV/TSV or JSON file (or of the files of a folder,
    in order), flattened to ``{column or path: value}``, and the records that could not be
    read, each with its reason; a file that cannot be read at all is one line of error, which
    ends with ``hint`` (what to try) unless the reason is the encoding."""
    files = [path]
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and _format(p.suffix, b"") in _FORMATS and not p.name.startswith(".")
        )
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for file in files:
        for item in _items(file, sheet, header_row, encoding, items):
            if isinstance(item, Parsed) and isinstance(item.value, dict):
                flat: dict[str, Any] = {}
                _flatten(item.value, "", flat)
                rows.append(flat)
            elif not isinstance(item, Parsed):
                where = f"{file.name}, " if file != path else ""
                problems.append(f"{where}{item.position}: {item.reason}")
            if len(rows) >= SAMPLE:
                return rows, problems
    if not rows:
        why = problems[0] if problems else "it holds no records"
        why += encoding_hint(why) or hint
        raise ConfigError(f"nothing to draft a mapping from: {why}", file=str(path))
    return rows, problems


def encoding_hint(reason: str) -> str:
    """What to try when a record could not be read for its bytes (a draft has the option
    ``--encoding``, where a source has ``encoding``): "" for any other reason."""
    if "undecodable" in reason or "cannot be decoded" in reason:
        return " (another encoding? try --encoding cp1252)"
    return ""


def _format(suffix: str, head: bytes) -> str:
    fmt = suffix.lower().lstrip(".")
    fmt = {"xlsm": "xlsx", "tab": "tsv", "ndjson": "jsonl"}.get(fmt, fmt)
    return fmt if fmt in _FORMATS or not head else sniff_format(head)


def _items(
    path: Path, sheet: str | int | None, header_row: int, encoding: str, items: str | None = None
) -> Iterator[Parsed | Unreadable]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror}", file=str(path)) from exc
    fmt = _format(path.suffix, data[:64])
    if fmt == "xml":
        raise ConfigError(
            'an XML file: LIDO needs no draft, the shipped mapping reads it (mapping = "lido")',
            file=str(path),
        )
    stream: io.BufferedReader = io.BufferedReader(cast(io.RawIOBase, io.BytesIO(data)))
    if fmt in SHEET_FORMATS:
        return read_sheet(data, sheet=sheet, header_row=header_row, title_check=False)
    if fmt in ("csv", "tsv"):
        delimiter = "\t" if fmt == "tsv" else None
        return read_csv(
            stream,
            encoding=encoding,
            delimiter=delimiter,
            header_row=header_row,
            title_check=False,  # the row it is told, as told (its layout says where it looks)
        )
    return read_json(
        stream, lines=fmt == "jsonl", encoding=encoding, items=[items] if items else ()
    )


def wrapper_key(path: Path) -> str | None:
    """The key of the list of records in a JSON file that wraps them in one object (an API's
    answer saved as a file: ``{"total": 3, "data": [{...}, ...]}``), among the keys APIs use;
    None for any other file. Found by scanning, not parsing: the file may be of any size."""
    if not path.is_file() or _format(path.suffix, b"{") != "json":
        return None
    data = path.read_bytes()
    return records_key(data) or _own_list_key(data)


_WRAPPER_KEYS = 4
"""The most keys of an object that wraps a list of records (``export``, ``total``, ``page``
beside the list): a record has more fields than that."""


def _own_list_key(data: bytes) -> str | None:
    """The key of the one list of objects that a file of one object wraps, under a name of the
    partner's own (``{"export": {...}, "objets": [...]}``): the draft took the whole file for
    one record and drafted ``id = "objets[].numero"``. A record's own list (its images, its
    makers) sits beside more fields than a wrapper has, and is not the half of its text."""
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except ValueError:
        return None
    if not isinstance(value, dict) or len(value) > _WRAPPER_KEYS:
        return None
    lists = [
        key
        for key, items in value.items()
        if isinstance(items, list)
        and len(items) > 1
        and all(isinstance(item, dict) for item in items)
        and "." not in key
    ]
    if len(lists) != 1:
        return None
    [key] = lists
    size = len(json.dumps(value[key], ensure_ascii=False))
    return key if 2 * size > len(json.dumps(value, ensure_ascii=False)) else None


def _columns(rows: list[dict[str, Any]]) -> list[Column]:
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
    columns = _columns(rows)
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


def _is_technique_header(column: Column) -> bool:
    return _header_score(column.name, _vocabulary()[0]["technique"][0]) == 3


def _by_headers(columns: list[Column]) -> dict[str, Column]:
    """The fields whose header words a column's name has and whose kind its values fit."""
    fields, _ = _vocabulary()
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


def _language(columns: Iterable[Column]) -> str | None:
    _, languages = _vocabulary()
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


def _q(text: str) -> str:
    """A TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'


def _example(column: Column) -> str:
    texts = column.texts
    sample = texts[0] if texts else ""
    sample = sample if len(sample) <= 40 else sample[:39] + "…"
    return f"{len(texts)}/{len(column.values)} filled, e.g. {sample!r}"


_SIMPLE = {
    "title": "titles",
    "credit_line": "credit_line",
    "rights": "rights",
    "provenance": "provenance",
    "inscription": "inscription",
    "distinguishing_features": "distinguishing_features",
    "description": "description",
    "web_page": "web_pages",
    "image": "images",
    "collection": "collections",
}
"""Fields drafted as ``key = "column"``: draft field → mapping key."""


def render(
    name: str,
    source: str,
    placed: dict[str, Column],
    unplaced: list[Column],
    options: dict[str, str | int] | None = None,
) -> str:
    """The drafted mapping as commented TOML; every placed line says which column and why,
    and the source ``options`` the file needs (its sheet, its header row) are named first."""
    rows = len(next(iter(placed.values())).values) if placed else 0
    language = _language([*placed.values(), *unplaced])
    lines = [
        f"# Drafted by `museion mapping draft` from {rows} records of {source}.",
        "# Every line says which column it reads; check them, then run `museion check SOURCE`.",
        *_options(options or {}),
        "",
        "[mapping]",
        f"name = {_q(name)}",
        f"language = {_q(language or 'en')}   # the language of the texts: change if wrong",
        'version = "1"',
        "",
        "[object]",
    ]

    def line(key: str, value: str, column: Column) -> None:
        lines.append(f"{key} = {value}   # {_example(column)}")

    _texts(lines, placed, unplaced, line)
    _terms(lines, placed, line)
    _dimensions(lines, placed, line)
    _production(lines, placed, line)
    _acquisition(lines, placed, line)
    if unplaced:
        lines += ["", "# Columns not placed (read by nothing; add them above if they matter):"]
        lines += [f"#   {_q(c.name)}: {_example(c)}" for c in unplaced]
    return "\n".join(lines) + "\n"


def _acquisition(lines: list[str], placed: dict[str, Column], line: Any) -> None:
    """``[object.acquisition]``: when, and how (purchase, gift: terms Museion's vocabulary
    knows in English, French, German and Arabic, "achat", "Schenkung", "هبة")."""
    if "acquisition_date" not in placed and "acquisition_method" not in placed:
        return
    lines += ["", "[object.acquisition]"]
    if "acquisition_date" in placed:
        acquired = placed["acquisition_date"]
        if all(_ISO_DATE.fullmatch(text.strip()) for text in acquired.texts):
            line("date", _q(acquired.name), acquired)
        else:
            # "12/03/1987", "vers 1990": a date text, read as such. As the date itself (`on`)
            # it was read the same way, but with a warning on every record of a French sheet.
            line("date", f"{{ text = {_q(acquired.name)} }}", acquired)
    if "acquisition_method" in placed:
        line("method", _q(placed["acquisition_method"].name), placed["acquisition_method"])


def _options(options: dict[str, str | int]) -> list[str]:
    if not options:
        return []
    lines = ["# The source that reads this file needs, under its [[sources]] in museion.toml:"]
    for key, value in options.items():
        lines.append(f"#   {key} = {_q(value) if isinstance(value, str) else value}")
    return lines


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


def _title_value(column: Column, *, other: bool = True) -> str:
    """A title column as the mapping reads it: with the language its header names, else (for
    a title other than the first) Arabic when its texts are, else in the mapping's language
    (a plain column name)."""
    tag = header_language(column.name)
    if tag is None and other and _share(column.texts, _is_arabic) > 0.5:
        tag = "ar"
    return (
        _q(column.name) if tag is None else f"{{ path = {_q(column.name)}, language = {_q(tag)} }}"
    )


def _texts(lines: list[str], placed: dict[str, Column], unplaced: list[Column], line: Any) -> None:
    """The identifier and the fields read as they are; the other title columns (other
    languages) join the first, each with its language, and leave ``unplaced``."""
    ident = placed.get("accession_number")
    if ident is None:
        lines.append('# id = "..."   # no column has a value in every record, each different')
    else:
        line("id", _q(ident.name), ident)
        line("accession_number", _q(ident.name), ident)
    simple = dict(_SIMPLE)
    others = _other_titles(placed, unplaced)
    if "title" in placed and (others or header_language(placed["title"].name)):
        simple.pop("title")
        first = placed["title"]
        lines.append(f"titles = [   # {_example(first)}")
        lines.append(f"  {_title_value(first, other=False)},")
        for column in others:
            value = _title_value(column)
            unknown = value == _q(column.name)
            if unknown:  # no tag is better than the mapping's language, which it is not
                value = f'{{ path = {_q(column.name)}, language = "" }}'
            say = "its language, as a BCP 47 tag (fr, de, az...); " if unknown else ""
            lines.append(f"  {value},   # {say}{_example(column)}")
            unplaced.remove(column)
        lines.append("]")
    for field_name, key in simple.items():
        if field_name in placed:
            line(key, _q(placed[field_name].name), placed[field_name])


def _terms(lines: list[str], placed: dict[str, Column], line: Any) -> None:
    """The fields whose values go through a vocabulary: type, materials, subject."""
    if "object_type" in placed:
        column = placed["object_type"]
        line("classification", f'{{ path = {_q(column.name)}, vocab = "object_type" }}', column)
    if "materials" in placed:
        column = placed["materials"]
        line("medium", _q(column.name), column)
        lines.append(
            f"materials = {{ path = {_q(column.name)}, scan = true, vocab = "
            '"material", unmatched = "skip" }'
        )
    if "subject" in placed:
        lines += ["", "[object.subjects]"]
        line("label", _q(placed["subject"].name), placed["subject"])
        lines.append('vocab = "subject"')


def _is_arabic(text: str) -> bool:
    return sum(1 for c in text if _arabic(c)) > len(text) / 3


def _other_titles(placed: dict[str, Column], unplaced: list[Column]) -> list[Column]:
    """The other title columns ("Titre (az)", "Titel [de]", "titre_ar", "titel original"):
    the title in other languages, in the order of the file."""
    if "title" not in placed:
        return []
    words = _vocabulary()[0]["title"][0]
    others = []
    for column in unplaced:
        match = _LANGUAGE_SUFFIX.match(column.name.strip())
        base = _fold(match.group("base")) if match and header_language(column.name) else ""
        folded = _fold(column.name).split()
        if column.texts and (base in words or (folded and folded[0] in words)):
            others.append(column)
    return others


def _dimensions(lines: list[str], placed: dict[str, Column], line: Any) -> None:
    numeric = [k for k in ("height", "width", "depth", "diameter", "weight") if k in placed]
    if "dimensions" not in placed and not numeric:
        return
    lines += ["", "[object.dimensions]"]
    if "dimensions" in placed:
        line("statement", _q(placed["dimensions"].name), placed["dimensions"])
        lines.append("parse = true   # read heights, widths ... out of the statement")
    for key in numeric:
        line(key, _q(placed[key].name), placed[key])
    units = {u for k in numeric if k != "weight" for u in [placed[k].unit] if u}
    if numeric:
        known = len(units) == 1
        unit = units.pop() if known else "cm"
        guessed = "from the headers" if known else "a guess: check it"
        lines.append(f"unit = {{ value = {_q(unit)} }}   # {guessed}")


def _production(lines: list[str], placed: dict[str, Column], line: Any) -> None:
    keys = ("date", "date_begin", "date_end", "place", "technique", "maker")
    if not any(k in placed for k in keys):
        return
    lines += ["", "[object.production]"]
    parts = [
        f"{key} = {_q(placed[name].name)}"
        for key, name in (("text", "date"), ("begin", "date_begin"), ("end", "date_end"))
        if name in placed
    ]
    if parts:
        lines.append(f"date = {{ {', '.join(parts)} }}")
        for name in ("date", "date_begin", "date_end"):
            if name in placed:
                lines.append(f"#   {_q(placed[name].name)}: {_example(placed[name])}")
    if "place" in placed:
        line("places", _q(placed["place"].name), placed["place"])
    if "technique" not in placed and "materials" in placed:
        column = placed["materials"]
        if _is_technique_header(column):  # a technique column of materials: the medium
            lines.append(
                f'techniques = {{ path = {_q(column.name)}, scan = true, vocab = "technique", '
                'unmatched = "skip" }   # the medium keeps each value whole'
            )
    if "technique" in placed:
        column = placed["technique"]
        # Each value whole: a term the vocabulary knows, else a local term the partner report
        # lists. Scanning with unmatched = "skip" dropped "dinanderie" and "tissage" without a
        # word, since no other field keeps a technique's text (the medium keeps materials').
        lines.append(
            f'techniques = {{ path = {_q(column.name)}, vocab = "technique" }}'
            f"   # {_example(column)}"
        )
    if "maker" in placed:
        lines += ["", "[object.production.creators]"]
        line("name", _q(placed["maker"].name), placed["maker"])
        for key, name in (
            ("role", "maker_role"),
            ("birth", "maker_birth"),
            ("death", "maker_death"),
        ):
            if name in placed:
                line(key, _q(placed[name].name), placed[name])


def draft_mapping(
    path: Path,
    *,
    name: str | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    encoding: str = "utf-8",
) -> Draft:
    """Profile ``path`` and draft its mapping (named ``name``, default the file's stem). The
    sheet and header row not given are found (:mod:`museion.draft_layout`)."""
    items = wrapper_key(path)
    layout = _layout(path, sheet, header_row, encoding)
    sheet = layout.sheet
    rows, unreadable = sample_rows(
        path, sheet, layout.header_row, encoding, items, hint=layout.hint()
    )
    placed, unplaced = guess_columns(rows)
    slug = name or re.sub(r"[^a-z0-9]+", "-", path.stem.casefold()).strip("-") or "partner"
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", slug):
        raise ConfigError(f"{slug!r} is not a mapping name: use a-z, 0-9 and dashes")
    where = f"{path.name}" + (f", sheet {sheet!r}" if sheet is not None else "")
    if items is not None:
        where += f' (the list under `{items}`: give the source items = "{items}")'
    options: dict[str, str | int] = {}
    if isinstance(sheet, str | int):
        options["sheet"] = sheet
    if layout.header_row != 1:
        options["header_row"] = layout.header_row
    found = list(layout.found)
    if _read_in(encoding, path):
        # The draft read it so because it was told: the source must be told too, or its
        # harvest stops at the header's first byte that is not UTF-8.
        options["encoding"] = encoding
        found.append(f"read as {encoding}: the source needs encoding = {_q(encoding)}")
    found += _replaced_letters(rows)
    text = render(slug, where, placed, unplaced, options)
    return Draft(
        text,
        {k: c.name for k, c in placed.items()},
        [c.name for c in unplaced],
        len(rows),
        unreadable,
        items,
        found,
        options,
    )


_REPLACED = re.compile(r"[^\W\d_]\?+[^\W\d_]")
"""A question mark inside a word: what Excel writes for each letter the encoding it saves a
CSV in cannot hold ("Marsel liman?n?n" for "Marsel limanının" in Windows-1252)."""


def _replaced_letters(rows: list[dict[str, Any]]) -> list[str]:
    """Where the program that saved the file replaced letters by question marks: the file
    holds them no more, so Museion would publish the titles so, and nothing else tells."""
    said = []
    for column in _columns(rows):
        texts = column.texts
        hit = [t for t in texts if _REPLACED.search(t) and "://" not in t]
        if hit:
            said.append(
                f"column {column.name!r}: {len(hit)} of {len(texts)} values have '?' inside a "
                f"word ({hit[0][:60]!r}): the program that saved the file put it for letters "
                "its encoding cannot hold, and they are lost; save the file again as UTF-8 "
                '(Excel: "CSV UTF-8"; LibreOffice: character set "Unicode (UTF-8)")'
            )
    return said


def _read_in(encoding: str, path: Path) -> bool:
    """Whether ``path`` was read in an encoding its source must name: one other than UTF-8,
    for text files (a workbook names its own)."""
    utf8 = codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    return not utf8 and path.suffix.lower().lstrip(".") not in SHEET_FORMATS


def _layout(path: Path, sheet: str | int | None, header_row: int | None, encoding: str) -> Layout:
    """The sheet and header row of a file (a folder's files are read as given, row 1 by
    default)."""
    if not path.is_file():
        return Layout(sheet=sheet, header_row=header_row or 1)
    try:
        data = path.read_bytes()
    except OSError:
        return Layout(sheet=sheet, header_row=header_row or 1)  # reading it says why
    return find_layout(data, _format(path.suffix, data[:64]), sheet, header_row, encoding)
