"""``museion mapping draft``: a first mapping for a partner's sheet, CSV or JSON, drafted from a
sample so that the registrar edits three lines rather than writing thirty.

This module reads the sample (up to ``SAMPLE`` records of a file or folder, flattened to
``{column or path: value}``, the list a JSON export wraps under a key found) and drafts from it:
``draft_columns`` places each column by its header and values, ``draft_render`` writes the
mapping as commented TOML, ``draft_layout`` finds the sheet and header row. What the draft
found rather than was told (the encoding the source must name, letters the file lost to
question marks) is said beside it. Columns it cannot place are listed as comments in the draft.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
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
from mappings import get_mapping, letters_replaced
from museion_core import messages
from museion_core.errors import ConfigError, MuseionError

from .draft_columns import guess_columns, sample_columns
from .draft_layout import Layout, find_layout
from .draft_render import render, toml_str

__all__ = ["Draft", "draft_mapping", "encoding_hint", "sample_rows"]

SAMPLE = 500
"""Rows profiled: enough to see a column's kind, few enough for any sheet."""


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
    not_records: list[str] = field(default_factory=list)
    """Why each row of the sample that is no record was left out of the count and profile:
    a totals line ("Total", "Totaux", "المجموع"), which the harvest quarantines."""


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
        found.append(f"read as {encoding}: the source needs encoding = {toml_str(encoding)}")
    found += _replaced_letters(rows)
    text = render(slug, where, placed, unplaced, options)
    rows, not_records = _records(text, rows)
    if not_records:  # profiled again without them: a count's column is no object's
        placed, unplaced = guess_columns(rows)
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
        not_records,
    )


def _records(text: str, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows of the sample that are records, by the drafted mapping (``text``) as the
    harvest reads them, and why each other one is not: a totals line under the records
    ("Total", "Totaux", "المجموع"; a row of only numbers has no identifier), which the
    harvest quarantines (its mapping's ``identify``), was counted and profiled as a record.
    A draft whose mapping cannot be read, or that identifies no row, keeps every row."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "draft.toml"
        path.write_text(text, encoding="utf-8")
        try:
            drafted = get_mapping(str(path))
        except MuseionError:
            return rows, []
    totals = messages.TOTALS_LINE.pattern()
    kept, left = [], []
    for row in rows:
        try:
            drafted.identify(row)
        except ValueError as exc:
            reason = str(exc)
            numbers = all(_number(v) for v in row.values())
            if totals.fullmatch(reason) or (numbers and row):
                left.append(reason)
                continue
        kept.append(row)
    return (kept, left) if kept else (rows, [])


def _number(value: Any) -> bool:
    """Whether a cell holds only a number (a count or a sum, as a totals line's)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return True
    try:
        float(str(value).replace(",", ".").replace(" ", ""))
    except ValueError:
        return False
    return True


def _replaced_letters(rows: list[dict[str, Any]]) -> list[str]:
    """Where the program that saved the file replaced letters by question marks: the file
    holds them no more, so Museion would publish the titles so, and nothing else tells."""
    said = []
    for column in sample_columns(rows):
        texts = column.texts
        hit = [t for t in texts if letters_replaced(t) and "://" not in t]
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
