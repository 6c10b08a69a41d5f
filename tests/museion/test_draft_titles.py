"""``museion mapping draft`` keeps the language of every title column its header names:
"Titre (az)" was drafted with ``language = ""`` (no language, by design) and "Titre (de)" was
left unplaced, so titles lost their language or were not read at all."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from mappings.declarative.schema import MappingFile
from museion.draft_columns import header_language
from museion.drafting import draft_mapping


def _titles(tmp_path: Path, header: str, *rows: str) -> Any:
    export = tmp_path / "export.csv"
    export.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    drafted = draft_mapping(export, name="titles")
    mapping = tomllib.loads(drafted.text)
    MappingFile.model_validate(mapping)  # the draft is a mapping Museion reads as it is
    return drafted, mapping["object"]["titles"]


@pytest.mark.parametrize(
    ("header", "row", "titles"),
    [
        (
            "Inventaire;Titre;Titre (az);Titre (de)",
            "A-1;Tapis;Xalça;Teppich",
            [
                "Titre",
                {"path": "Titre (az)", "language": "az"},
                {"path": "Titre (de)", "language": "de"},
            ],
        ),
        (
            "Inventory,Title,Title [fr],Title - de,Title [en-GB]",
            "A-1,Rug,Tapis,Teppich,Carpet",
            [
                "Title",
                {"path": "Title [fr]", "language": "fr"},
                {"path": "Title - de", "language": "de"},
                {"path": "Title [en-GB]", "language": "en-GB"},
            ],
        ),
        (  # the first title column names its language too; ISO 639-2 "ger" is "de"
            "Inventar,Titel (de),Titel (ger),Titel_en",
            "A-1,Teppich,Teppich,Rug",
            [
                {"path": "Titel (de)", "language": "de"},
                {"path": "Titel (ger)", "language": "de"},
                {"path": "Titel_en", "language": "en"},
            ],
        ),
        (  # Azerbaijani "title", as the partner's workbook has it
            "Inventaire;Titre;Başlıq (az)",
            "A-1;Tapis;Xalça",
            ["Titre", {"path": "Başlıq (az)", "language": "az"}],
        ),
        (
            "رقم الجرد,العنوان,عنوان (en),عنوان (fr)",
            "A-1,سجادة,Rug,Tapis",
            [
                "العنوان",
                {"path": "عنوان (en)", "language": "en"},
                {"path": "عنوان (fr)", "language": "fr"},
            ],
        ),
    ],
)
def test_draft_gives_each_title_column_the_language_its_header_names(
    tmp_path: Path, header: str, row: str, titles: list[Any]
) -> None:
    drafted, drafted_titles = _titles(tmp_path, header, row, row.replace("A-1", "A-2"))
    assert drafted_titles == titles
    assert 'language = ""' not in drafted.text
    assert drafted.unplaced == []


def test_draft_asks_for_the_language_a_title_header_does_not_name(tmp_path: Path) -> None:
    header = "N°,Titre,Titre original,Titre (alt)"
    drafted, titles = _titles(tmp_path, header, "A-1,Vase,Vaso,Urne", "A-2,Bol,Ciotola,Coupe")
    assert titles == [
        "Titre",
        {"path": "Titre original", "language": ""},
        {"path": "Titre (alt)", "language": ""},
    ]
    assert drafted.text.count("its language, as a BCP 47 tag") == 2


@pytest.mark.parametrize(
    ("header", "tag"),
    [
        ("Titre (az)", "az"),
        ("Title [DE]", "de"),
        ("Titel - fr", "fr"),
        ("Titel – fr-CA", "fr-CA"),
        ("titre_ar", "ar"),
        ("titre.az", "az"),  # a JSON title object keyed by language
        ("Title (eng)", "en"),
        ("Title (alt)", None),  # an English word, not Southern Altai
        ("Title (new)", None),
        ("Title (xx)", None),  # not a language
        ("Title (original)", None),
        ("Hauteur (cm)", None),
        ("Title", None),
        ("Title (2)", None),
    ],
)
def test_header_language(header: str, tag: str | None) -> None:
    assert header_language(header) == tag


def test_draft_reads_a_json_export_wrapped_under_the_partner_s_own_key(tmp_path: Path) -> None:
    """A collection system's JSON export puts its records under a key of its own language
    (``{"export": {...}, "objets": [...]}``): the whole file was profiled as one record and the
    draft wrote ``id = "objets[].numero"``, the export's own date as the date made, and every
    title language left unplaced. The list is the records, and each title keyed by language
    keeps it."""
    objects = [
        {"numero": f"J-{n}", "titre": {"fr": "Tapis", "ar": "سجادة", "az": "Xalça"}}
        for n in range(1, 4)
    ]
    export = tmp_path / "export.json"
    document = {"export": {"date": "2026-12-01", "logiciel": "Collections 2.1"}, "objets": objects}
    export.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    drafted = draft_mapping(export, name="json-export")
    assert drafted.items == "objets"
    assert drafted.rows == 3
    mapping = tomllib.loads(drafted.text)
    MappingFile.model_validate(mapping)
    assert mapping["object"]["id"] == "numero"
    assert mapping["object"]["titles"] == [
        {"path": "titre.fr", "language": "fr"},
        {"path": "titre.ar", "language": "ar"},
        {"path": "titre.az", "language": "az"},
    ]
    # a record of its own, whose list of images is not the bulk of it, stays one record
    record = tmp_path / "record.json"
    images = [{"url": f"https://example.org/{n}.jpg"} for n in range(2)]
    one = {"numero": "J-1", "titre": "Tapis", "date": "1890", "matériau": "laine", "images": images}
    record.write_text(json.dumps(one), encoding="utf-8")
    assert draft_mapping(record, name="one").items is None


def test_draft_says_which_column_lost_its_letters_to_question_marks(tmp_path: Path) -> None:
    """Excel on Windows saves "CSV (point-virgule)" in Windows-1252 and writes "?" for each
    Azerbaijani letter it cannot hold ("Marsel liman?n?n görünü?ü"): the draft read it without
    a word, and the titles were published so. It names the column and what to do; a question
    at the end of a title and a URL's query are not such a loss."""
    export = tmp_path / "inventaire.csv"
    rows = [
        "N°;Titre;Titre (az);Lien",
        "A-1;Vue du port;Marsel liman?n?n görünü?ü;https://example.org/?id=1",
        "A-2;Qui es-tu?;Q?? m?nz?r?si;https://example.org/o?id=2",
        "A-3;Vase;Mavi vaza;",
    ]
    export.write_bytes("\r\n".join(rows).encode("cp1252"))
    drafted = draft_mapping(export, encoding="cp1252")
    [said] = [line for line in drafted.found if "'?' inside a word" in line]
    assert said.startswith("column 'Titre (az)': 2 of 3 values have '?' inside a word")
    assert "save the file again as UTF-8" in said
