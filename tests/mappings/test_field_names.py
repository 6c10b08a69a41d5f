"""Column names as Excel writes them: a no-break space (U+00A0) in "N° inventaire", a line
break in a header cell. A path typed with a plain space read nothing of such a column (the
id: every row quarantined), and the message showed two names that look the same. Names are
matched with their white space made plain; a name that still differs from one that looks like
it says by which character."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harvesters import SourceRecord
from mappings import MappingContext, name_difference, spaced_name
from mappings.declarative.engine import DeclarativeMapping
from mappings.declarative.names import spaced_keys
from mappings.declarative.schema import MappingFile
from museion.coverage import fields_used, missing_entry
from museion_core import messages
from museion_core.vocab import CRM
from sparql import report_html
from tests.conftest import BASE, ConfigWriter, files_source
from tests.helpers.cli import museion

NBSP, NNBSP, ZWSP = "\u00a0", "\u202f", "\u200b"


def mapping(obj: dict[str, Any]) -> DeclarativeMapping:
    spec = {"mapping": {"name": "m", "language": "fr"}, "object": obj}
    return DeclarativeMapping(MappingFile.model_validate(spec))


def titles(m: DeclarativeMapping, record: dict[str, Any]) -> list[str]:
    payload = json.dumps(record, ensure_ascii=False).encode()
    result = m.map(SourceRecord("m", m.identify(record), payload), MappingContext(BASE, "m"))
    return sorted(
        str(q.object.value)  # type: ignore[union-attr]
        for q in result.quads
        if q.predicate == CRM.P190_has_symbolic_content and "/title/" in str(q.subject)
    )


@pytest.mark.parametrize(
    ("header", "typed"),
    [
        (f"N°{NBSP}inventaire", "N° inventaire"),  # Excel's no-break space; a typed path
        (f"N°{NNBSP}inventaire", "N° inventaire"),  # a narrow no-break space
        ("N°\ninventaire", "N° inventaire"),  # a line break typed in the header cell
        ("N°  inventaire", "N° inventaire"),  # two spaces
        ("N° inventaire", f"N°{NBSP}inventaire"),  # a path copied from the old export
        (f"N°{NBSP}inventaire", f"N°{NBSP}inventaire"),  # as the draft wrote it
    ],
)
def test_a_column_is_matched_with_its_white_space_made_plain(header: str, typed: str) -> None:
    titled = f"Titre{NBSP}(fr)"
    m = mapping({"id": typed, "titles": "Titre (fr)"})
    record = {header: "2024.1", titled: "Vue du port"}
    assert m.identify(record) == "2024.1"
    assert titles(m, record) == ["Vue du port"]


def test_a_record_s_keys_are_spaced_only_where_they_need_it() -> None:
    plain = {"id": "1", "Titre": "Bol", "Dim. (cm)": "3"}
    assert spaced_keys(plain) is plain  # nothing copied for most records
    odd = {f"N°{NBSP}inv": "1", "N° inv": "2"}
    assert spaced_keys(odd) == odd  # a key the record has already is not replaced
    assert spaced_name(f" Hauteur{NBSP}\n(cm) ") == "Hauteur (cm)"


@pytest.mark.parametrize(
    ("typed", "sent", "found", "wanted"),
    [
        ("N° inventaire", "Nº inventaire", "U+00BA MASCULINE ORDINAL INDICATOR (º)",
         "U+00B0 DEGREE SIGN (°)"),
        ("N° inventaire", f"N°{ZWSP} inventaire", "U+200B ZERO WIDTH SPACE", "nothing"),
        ("N° d'inventaire", "N° d’inventaire", "U+2019 RIGHT SINGLE QUOTATION MARK (’)",
         "U+0027 APOSTROPHE (')"),
        ("N° inventaire", "N°inventaire", "nothing", "U+0020 SPACE"),
    ],
)  # fmt: skip
def test_a_name_that_looks_like_the_path_says_which_character_differs(
    typed: str, sent: str, found: str, wanted: str
) -> None:
    assert name_difference(typed, sent) == (found, wanted)
    m = mapping({"id": typed})
    with pytest.raises(ValueError, match="no identifier") as caught:
        m.identify({sent: "2024.1", "Titre": "Vase"})
    assert str(caught.value) == messages.NO_IDENTIFIER_FIELD_LOOKALIKE(
        path=typed, like=sent, found=found, wanted=wanted
    )


def test_a_name_that_differs_visibly_lists_the_fields_as_before() -> None:
    assert name_difference("Inventory No", "Inventory Nr") is None  # a typo shows for itself
    assert name_difference("N° inventaire", f"N°{NBSP}inventaire") is None  # it matches
    m = mapping({"id": "Inventory No"})
    with pytest.raises(ValueError, match="no identifier") as caught:
        m.identify({"Inventory Nr": "A1"})
    assert str(caught.value) == messages.NO_IDENTIFIER_FIELD(
        where="'Inventory No'", fields="'Inventory Nr'"
    )


def test_the_report_s_fields_are_compared_as_the_mapping_matches_them() -> None:
    """The record's field "Hauteur\\u00a0(cm)" is read by the mapping's "Hauteur (cm)": not
    listed as never read, nor the mapping's as filled by no record."""
    assert fields_used([f"Hauteur{NBSP}(cm)", "Titre"], ["Hauteur (cm)"]) == {f"Hauteur{NBSP}(cm)"}
    entry = missing_entry("Hauteur (cm)", f"Haut{ZWSP}eur (cm)")
    assert entry["differs"] == messages.FIELD_LOOKS_ALIKE(
        like=f"Haut{ZWSP}eur (cm)",
        found="U+200B ZERO WIDTH SPACE",
        path="Hauteur (cm)",
        wanted="nothing",
    )
    assert "differs" not in missing_entry("Matériaux", "Matériaus")


def test_an_excel_csv_with_no_break_spaces_in_its_headers_is_read_by_a_typed_mapping(
    tmp_path: Path, write_config: ConfigWriter
) -> None:
    """Excel's "CSV" in Windows-1252 writes the no-break space as byte A0: a hand-typed
    mapping read no id (every row quarantined, "it has no field 'N° inventaire' (it has
    'N°\\xa0inventaire', ...)") and no height. Now every row is read, and a column whose
    name still differs from the mapping's by a character that looks the same ("Nº", the
    ordinal indicator, for "N°", the degree sign) is named with the character."""
    feed = tmp_path / "feed"
    feed.mkdir()
    header = f"N°{NBSP}inventaire;Titre;Hauteur{NBSP}(cm);Nº ancien\r\n"
    rows = "".join(f"2024.{i};Vue {i};4{i},5;A-{i}\r\n" for i in range(1, 4))
    (feed / "inventaire.csv").write_bytes((header + rows).encode("cp1252"))
    (tmp_path / "m.toml").write_text(
        '[mapping]\nname = "m"\nlanguage = "fr"\n[object]\nid = "N° inventaire"\n'
        'titles = "Titre"\naccession_number = "N° ancien"\n'
        '[object.dimensions]\nheight = "Hauteur (cm)"\nunit = { value = "cm" }\n',
        encoding="utf-8",
    )
    config = write_config(files_source("musee", feed, "m.toml", encoding='"cp1252"'))
    done = museion("--config", str(config), "check", "musee", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["counts"]["new"], report["counts"]["quarantined"]) == (3, 0)
    coverage = {f["field"]: f["records"] for f in report["coverage"]["fields"]}
    assert coverage["dimensions"] == 3  # the heights of "Hauteur\xa0(cm)"
    assert [f["field"] for f in report["unused_fields"]] == ["Nº ancien"]
    [missing] = report["missing_fields"]
    assert (missing["field"], missing["like"]) == ("N° ancien", "Nº ancien")
    assert missing["differs"] == messages.FIELD_LOOKS_ALIKE(
        like="Nº ancien",
        found="U+00BA MASCULINE ORDINAL INDICATOR (º)",
        path="N° ancien",
        wanted="U+00B0 DEGREE SIGN (°)",
    )
    page = report_html(report, "fr")
    assert "U+00BA MASCULINE ORDINAL INDICATOR (º)" in page
    assert "</bdi> là où «\u00a0<bdi>N° ancien</bdi>\u00a0»" in page  # French, values isolated
    said = museion("--config", str(config), "check", "musee")
    assert (
        "(the records have 'Nº ancien': 'Nº ancien' has U+00BA MASCULINE ORDINAL INDICATOR (º)"
        " where the mapping's 'N° ancien' has U+00B0 DEGREE SIGN (°))"
    ) in said.stdout
