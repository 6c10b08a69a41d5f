"""A checklist as files for registrars and machines: CSV, XLSX, Linked Art JSON-LD.

CSV and XLSX carry the same columns (``COLUMNS``); dimensions are in centimetres as numbers
(to a millimetre, as a registrar writes them), so a spreadsheet can add them up. Their headers
and the status are in the reader's language (``lang``; English by default, for scripts), and
an Arabic workbook reads right to left. A French CSV is the one French Excel opens: ``;``
between cells and a decimal comma. The lender's dimension statement keeps a line per part: a
line break in the XLSX cell, ``; `` in the CSV (a row stays one line for scripts). The
JSON-LD is the checklist as a Linked Art ``Set`` that an exhibition ``Activity`` (AAT
exhibitions) used, and each object ``member_of`` that set.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from museion_core.vocab import AAT

from .. import i18n
from ..negotiation import LINKED_ART_PROFILE
from ..object_dates import date_said
from .fields import rounded_cm
from .rows import WITHDRAWN
from .store import Checklist, Item

__all__ = [
    "COLUMNS",
    "HEADER",
    "csv_bytes",
    "header",
    "linked_art_set",
    "row_values",
    "xlsx_bytes",
]

Getter = Callable[[Item], object]
WITHDRAWN_NOTE = "withdrawn by lender"


def _join(values: list[str]) -> str:
    return "; ".join(v for v in values if v)


COLUMNS: list[tuple[str, Getter]] = [
    ("Lender", lambda item: item.fields.lender),
    ("Accession number", lambda item: item.fields.accession_number),
    ("Title", lambda item: item.fields.title),
    ("Maker", lambda item: _join(item.fields.makers)),
    ("Date", lambda item: item.fields.date),
    ("Materials", lambda item: item.fields.medium or _join(item.fields.materials)),
    ("Height (cm)", lambda item: rounded_cm(item.fields.height_cm)),
    ("Width (cm)", lambda item: rounded_cm(item.fields.width_cm)),
    ("Depth (cm)", lambda item: rounded_cm(item.fields.depth_cm)),
    ("Dimensions (as given)", lambda item: item.fields.dimensions),
    ("Credit line", lambda item: item.fields.credit_line),
    ("Rights", lambda item: item.fields.rights),
    ("Image", lambda item: item.fields.image),
    ("Image rights", lambda item: item.fields.image_rights),
    ("Web page", lambda item: item.fields.web_page),
    ("Museion IRI", lambda item: item.iri),
    ("Status", lambda item: WITHDRAWN_NOTE if item.status == WITHDRAWN else ""),
    ("Note", lambda item: item.note),
]

HEADER = ["No.", *(name for name, _ in COLUMNS)]
_STATUS = HEADER.index("Status")
_GIVEN = HEADER.index("Dimensions (as given)")
_MATERIALS = HEADER.index("Materials")
_MAKER = HEADER.index("Maker")
_DATE = HEADER.index("Date")
_WIDE = frozenset({"Title", "Credit line", "Materials", "Note"})


def header(lang: str = i18n.DEFAULT) -> list[str]:
    """The column names in ``lang``."""
    return [i18n.translate(name, lang) for name in HEADER]


def row_values(checklist: Checklist, lang: str = i18n.DEFAULT) -> list[list[object]]:
    withdrawn = i18n.translate(WITHDRAWN_NOTE, lang)
    rows = []
    for n, item in enumerate(checklist.items, 1):
        values = [n, *(get(item) for _, get in COLUMNS)]
        if not item.fields.medium:  # the vocabulary's labels, in the reader's language
            values[_MATERIALS] = _join(item.fields.materials_in(lang))
        values[_MAKER] = _join(item.fields.makers_in(lang))  # "after Turner", in its words
        values[_DATE] = date_said(item.fields.date, lang)  # "date not known", in its words
        if values[_STATUS] == WITHDRAWN_NOTE:
            values[_STATUS] = withdrawn
        rows.append(values)
    return rows


def csv_bytes(checklist: Checklist, lang: str = i18n.DEFAULT) -> bytes:
    """UTF-8 with a byte-order mark: Excel then reads accents and Arabic right. Where the
    reader's language writes a decimal comma (French), ``;`` between cells and ``48,9`` in
    number cells, as that language's Excel reads a CSV it opens; else ``,`` and ``48.9``."""
    comma = i18n.decimal_comma(lang)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if comma else ",", lineterminator="\r\n")
    writer.writerow(header(lang))
    for values in row_values(checklist, lang):
        given = values[_GIVEN]
        if isinstance(given, str):
            values[_GIVEN] = "; ".join(given.splitlines())
        writer.writerow([_csv_cell(v, comma) for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: object, decimal_comma: bool) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(value).replace(".", ",") if decimal_comma else value
    return _safe_cell(value)


def xlsx_bytes(checklist: Checklist, lang: str = i18n.DEFAULT) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _sheet_title(i18n.translate("Checklist", lang))
    sheet.sheet_view.rightToLeft = i18n.direction(lang) == "rtl"
    sheet.append(header(lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in row_values(checklist, lang):
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            # openpyxl stores a text starting with "=" as a formula: store it as the text it
            # is. (A text cell runs nothing, so it needs no apostrophe, which Excel shows.)
            if cell.data_type == "f":
                cell.data_type = "s"
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for index, name in enumerate(HEADER, start=1):
        width = 40 if name in _WIDE else 16
        sheet.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(text: str) -> str:
    """A worksheet name Excel takes: at most 31 characters, none of ``[]:*?/\\``."""
    return "".join(c for c in text if c not in "[]:*?/\\")[:31] or "Checklist"


def _safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) is
    quoted in the CSV: partner data is untrusted (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def linked_art_set(checklist: Checklist, set_iri: str) -> dict[str, Any]:
    """The checklist as a Linked Art JSON-LD document: the ``Set`` (with the exhibition
    ``Activity`` it is used for) and, in the same ``@graph``, each object ``member_of`` it."""
    set_ref = {"id": set_iri, "type": "Set", "_label": checklist.name}
    exhibition = {
        "type": "Activity",
        "_label": f"Exhibition: {checklist.name}",
        "classified_as": [
            {"id": AAT.EXHIBITION.value, "type": "Type", "_label": "exhibitions (events)"}
        ],
        "used_specific_object": [set_ref],
    }
    the_set: dict[str, Any] = {
        **set_ref,
        "identified_by": [
            {
                "type": "Name",
                "content": checklist.name,
                "classified_as": [
                    {"id": AAT.PRIMARY_NAME.value, "type": "Type", "_label": "Primary Name"}
                ],
            }
        ],
        "used_for": [exhibition],
    }
    members = [
        {
            "id": item.iri,
            "type": "HumanMadeObject",
            "_label": item.fields.title or item.iri,
            "member_of": [set_ref],
        }
        for item in checklist.items
    ]
    return {"@context": LINKED_ART_PROFILE, "@graph": [the_set, *members]}
