"""A drafted mapping written as commented TOML (``museion mapping draft``): every line says
which column it reads and what the column holds, the source options the file needs come first,
and the columns no field took are listed as comments.
"""

from __future__ import annotations

import re
from typing import Any

from .draft_columns import (
    Column,
    header_language,
    is_technique_header,
    mapping_language,
    other_titles,
    title_language,
)

__all__ = ["render", "toml_str"]

_ISO_DATE = re.compile(r"-?\d{1,4}(?:-\d\d(?:-\d\d(?:[T ][\d:.]+)?)?)?")
"""What a date field (``on``) reads without a warning: a year or an ISO date (a date cell)."""


def toml_str(text: str) -> str:
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
    language = mapping_language([*placed.values(), *unplaced])
    lines = [
        f"# Drafted by `museion mapping draft` from {rows} records of {source}.",
        "# Every line says which column it reads; check them, then run `museion check SOURCE`.",
        *_options(options or {}),
        "",
        "[mapping]",
        f"name = {toml_str(name)}",
        f"language = {toml_str(language or 'en')}   # the language of the texts: change if wrong",
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
        lines += [f"#   {toml_str(c.name)}: {_example(c)}" for c in unplaced]
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
            line("date", toml_str(acquired.name), acquired)
        else:
            # "12/03/1987", "vers 1990": a date text, read as such. As the date itself (`on`)
            # it was read the same way, but with a warning on every record of a French sheet.
            line("date", f"{{ text = {toml_str(acquired.name)} }}", acquired)
    if "acquisition_method" in placed:
        line("method", toml_str(placed["acquisition_method"].name), placed["acquisition_method"])


def _options(options: dict[str, str | int]) -> list[str]:
    if not options:
        return []
    lines = ["# The source that reads this file needs, under its [[sources]] in museion.toml:"]
    for key, value in options.items():
        lines.append(f"#   {key} = {toml_str(value) if isinstance(value, str) else value}")
    return lines


def _title_value(column: Column, *, other: bool = True) -> str:
    """A title column as the mapping reads it: with the language its header names, else (for
    a title other than the first) Arabic when its texts are, else in the mapping's language
    (a plain column name)."""
    tag = title_language(column, other=other)
    return (
        toml_str(column.name)
        if tag is None
        else f"{{ path = {toml_str(column.name)}, language = {toml_str(tag)} }}"
    )


def _texts(lines: list[str], placed: dict[str, Column], unplaced: list[Column], line: Any) -> None:
    """The identifier and the fields read as they are; the other title columns (other
    languages) join the first, each with its language, and leave ``unplaced``."""
    ident = placed.get("accession_number")
    if ident is None:
        lines.append('# id = "..."   # no column has a value in every record, each different')
    else:
        line("id", toml_str(ident.name), ident)
        line("accession_number", toml_str(ident.name), ident)
    simple = dict(_SIMPLE)
    others = other_titles(placed, unplaced)
    if "title" in placed and (others or header_language(placed["title"].name)):
        simple.pop("title")
        first = placed["title"]
        lines.append(f"titles = [   # {_example(first)}")
        lines.append(f"  {_title_value(first, other=False)},")
        for column in others:
            value = _title_value(column)
            unknown = value == toml_str(column.name)
            if unknown:  # no tag is better than the mapping's language, which it is not
                value = f'{{ path = {toml_str(column.name)}, language = "" }}'
            say = "its language, as a BCP 47 tag (fr, de, az...); " if unknown else ""
            lines.append(f"  {value},   # {say}{_example(column)}")
            unplaced.remove(column)
        lines.append("]")
    for field_name, key in simple.items():
        if field_name in placed:
            line(key, toml_str(placed[field_name].name), placed[field_name])


def _terms(lines: list[str], placed: dict[str, Column], line: Any) -> None:
    """The fields whose values go through a vocabulary: type, materials, subject."""
    if "object_type" in placed:
        column = placed["object_type"]
        line(
            "classification", f'{{ path = {toml_str(column.name)}, vocab = "object_type" }}', column
        )
    if "materials" in placed:
        column = placed["materials"]
        line("medium", toml_str(column.name), column)
        lines.append(
            f"materials = {{ path = {toml_str(column.name)}, scan = true, vocab = "
            '"material", unmatched = "skip" }'
        )
    if "subject" in placed:
        lines += ["", "[object.subjects]"]
        line("label", toml_str(placed["subject"].name), placed["subject"])
        lines.append('vocab = "subject"')


def _dimensions(lines: list[str], placed: dict[str, Column], line: Any) -> None:
    numeric = [k for k in ("height", "width", "depth", "diameter", "weight") if k in placed]
    if "dimensions" not in placed and not numeric:
        return
    lines += ["", "[object.dimensions]"]
    if "dimensions" in placed:
        line("statement", toml_str(placed["dimensions"].name), placed["dimensions"])
        lines.append("parse = true   # read heights, widths ... out of the statement")
    for key in numeric:
        line(key, toml_str(placed[key].name), placed[key])
    units = {u for k in numeric if k != "weight" for u in [placed[k].unit] if u}
    if numeric:
        known = len(units) == 1
        unit = units.pop() if known else "cm"
        guessed = "from the headers" if known else "a guess: check it"
        lines.append(f"unit = {{ value = {toml_str(unit)} }}   # {guessed}")


def _production(lines: list[str], placed: dict[str, Column], line: Any) -> None:
    keys = ("date", "date_begin", "date_end", "place", "technique", "maker")
    if not any(k in placed for k in keys):
        return
    lines += ["", "[object.production]"]
    parts = [
        f"{key} = {toml_str(placed[name].name)}"
        for key, name in (("text", "date"), ("begin", "date_begin"), ("end", "date_end"))
        if name in placed
    ]
    if parts:
        lines.append(f"date = {{ {', '.join(parts)} }}")
        for name in ("date", "date_begin", "date_end"):
            if name in placed:
                lines.append(f"#   {toml_str(placed[name].name)}: {_example(placed[name])}")
    if "place" in placed:
        line("places", toml_str(placed["place"].name), placed["place"])
    if "technique" not in placed and "materials" in placed:
        column = placed["materials"]
        if is_technique_header(column):  # a technique column of materials: the medium
            lines.append(
                f"techniques = {{ path = {toml_str(column.name)}, scan = true, "
                'vocab = "technique", unmatched = "skip" }   # the medium keeps each value whole'
            )
    if "technique" in placed:
        column = placed["technique"]
        # Each value whole: a term the vocabulary knows, else a local term the partner report
        # lists. Scanning with unmatched = "skip" dropped "dinanderie" and "tissage" without a
        # word, since no other field keeps a technique's text (the medium keeps materials').
        lines.append(
            f'techniques = {{ path = {toml_str(column.name)}, vocab = "technique" }}'
            f"   # {_example(column)}"
        )
    if "maker" in placed:
        lines += ["", "[object.production.creators]"]
        line("name", toml_str(placed["maker"].name), placed["maker"])
        for key, name in (
            ("role", "maker_role"),
            ("birth", "maker_birth"),
            ("death", "maker_death"),
        ):
            if name in placed:
                line(key, toml_str(placed[name].name), placed[name])
