"""``museion mapping draft`` on a small French museum's export: its acquisition dates, its
encoding."""

from __future__ import annotations

import tomllib
from pathlib import Path

from museion import Pipeline, load_config
from museion.drafting import draft_mapping
from publish import Workspace
from tests.conftest import BASE


def _configure(tmp_path: Path, mapping: str) -> None:
    """A source "p" reading ``inventaire.csv`` with ``mapping``, used unedited."""
    (tmp_path / "p.toml").write_text(mapping, encoding="utf-8")
    (tmp_path / "museion.toml").write_text(
        f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n[[sources]]\nname = "p"\n'
        'kind = "files"\nlocation = "inventaire.csv"\nmapping = "p.toml"\n'
        '[sources.partner]\nlabel = "P"\n',
        encoding="utf-8",
    )


def _check(tmp_path: Path, rows: str) -> tuple[dict[str, object], dict[str, int]]:
    """The drafted ``[object.acquisition]`` of a French export, and the warnings of a dry run
    of its source with that mapping, used unedited."""
    export = tmp_path / "inventaire.csv"
    export.write_text("N° inventaire;Titre;Date d'acquisition\n" + rows, encoding="utf-8")
    drafted = draft_mapping(export, name="p")
    _configure(tmp_path, drafted.text)
    with Pipeline(load_config(tmp_path / "museion.toml"), jobs=1).check("p") as (summary, _):
        warnings = dict(summary.warnings)
    return tomllib.loads(drafted.text)["object"]["acquisition"], warnings


def test_a_french_acquisition_date_is_drafted_as_a_date_text(tmp_path: Path) -> None:
    """A French sheet's acquisition dates ("12/03/1987") were drafted as the date itself
    (``date = "Date d'acquisition"``), which reads them only with a warning on every record:
    "date field '12/03/1987' is not a year or an ISO date; read as a date text". They are
    now drafted as the date's text, read the same way (day first in French), without it."""
    rows = "A1;Vase;12/03/1987\nA2;Bol;vers 1990\nA3;Plat;1991\n"
    acquisition, warnings = _check(tmp_path, rows)
    assert acquisition == {"date": {"text": "Date d'acquisition"}}
    assert warnings == {}


def test_years_and_iso_dates_stay_the_date_itself(tmp_path: Path) -> None:
    acquisition, warnings = _check(tmp_path, "A1;Vase;1987-03-12\nA2;Bol;1990\n")
    assert acquisition == {"date": "Date d'acquisition"}
    assert warnings == {}


def test_a_draft_read_in_another_encoding_names_the_source_s_encoding(tmp_path: Path) -> None:
    """French Excel's "CSV (séparateur: point-virgule)" is windows-1252: the draft, told so
    with --encoding, named the sheet and header row the source needs but not the encoding,
    so the partner's first `museion check` stopped at the header's "é" with "set `encoding`
    for this source", the draft having known it all along. A workbook needs none."""
    export = tmp_path / "inventaire.csv"
    export.write_bytes("N° inventaire;Titre\r\nA1;Café\r\n".encode("cp1252"))
    drafted = draft_mapping(export, name="p", encoding="cp1252")
    assert drafted.options == {"encoding": "cp1252"}
    assert '#   encoding = "cp1252"\n' in drafted.text
    assert 'read as cp1252: the source needs encoding = "cp1252"' in drafted.found
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text("N° inventaire;Titre\nA1;Café\n", encoding="utf-8")
    assert draft_mapping(utf8, name="p", encoding="UTF8").options == {}


def test_observations_are_the_description(tmp_path: Path) -> None:
    """ "Observations", the free-text column of French inventories, was left unplaced."""
    export = tmp_path / "inventaire.csv"
    export.write_text("N° inventaire;Titre;Observations\nA1;Vase;bords usés\n", encoding="utf-8")
    assert draft_mapping(export, name="p").placed["description"] == "Observations"


def test_a_french_acquisition_method_is_drafted_and_matched(tmp_path: Path) -> None:
    """ "Mode d'acquisition" was left unplaced; it is the acquisition's method, whose "Achat"
    and "Don" Museion's vocabulary knows (a bequest, "Legs", stays the partner's term)."""
    export = tmp_path / "inventaire.csv"
    export.write_text(
        "N° inventaire;Titre;Mode d'acquisition\nA1;Vase;Achat\nA2;Bol;Don\nA3;Pot;Legs\n",
        encoding="utf-8",
    )
    drafted = draft_mapping(export, name="p")
    assert tomllib.loads(drafted.text)["object"]["acquisition"] == {"method": "Mode d'acquisition"}
    _configure(tmp_path, drafted.text)
    with Pipeline(load_config(tmp_path / "museion.toml"), jobs=1).check("p") as (summary, _):
        local = dict(summary.local_terms)
    assert local == {("acquisition_method", "Legs"): 1}


def test_a_technique_column_of_materials_is_drafted_as_the_medium(tmp_path: Path) -> None:
    """French registrars fill "Technique" with "Huile sur toile", "Aquarelle", "Verre
    soufflé": drafted as techniques, each whole value became a term no vocabulary knew (the
    report listed every one), and no object had a material. Such a column is the medium now:
    kept whole as the statement, its materials and techniques found in it."""
    export = tmp_path / "inventaire.csv"
    export.write_text(
        "N° inventaire;Titre;Technique\nA1;Vue du port;Huile sur toile\nA2;Bouquet;Aquarelle\n"
        "A3;Vase;Verre soufflé\nA4;Planche;Eau-forte\n",
        encoding="utf-8",
    )
    drafted = draft_mapping(export, name="p")
    assert drafted.placed["materials"] == "Technique"
    assert "technique" not in drafted.placed
    _configure(tmp_path, drafted.text)
    with Pipeline(load_config(tmp_path / "museion.toml"), jobs=1).check("p") as (summary, _):
        unknown = dict(summary.local_terms)
    assert unknown == {}
    Pipeline(load_config(tmp_path / "museion.toml"), jobs=1).harvest()
    published = Workspace(tmp_path / "store").open_published()
    found = {
        (str(row["o"]).rsplit("/", 1)[-1], str(row["m"]).rsplit("/", 1)[-1])
        for row in published.select(
            "SELECT ?o ?m WHERE { ?o <http://www.cidoc-crm.org/cidoc-crm/P45_consists_of> ?m }"
        )
    }
    published.close()
    assert {("A1", "300015050"), ("A1", "300014078"), ("A3", "300010797")} <= found


def test_a_measurement_column_typed_as_registrars_type_it_is_drafted(tmp_path: Path) -> None:
    """A "Hauteur (cm)" column holding "45,5 cm", "ca. 30" and one "12 x 8" was left out of
    the draft (only bare numbers counted, four in five wanted): every height was dropped,
    though the mapping reads such cells and keeps the odd one as a statement with a warning."""
    export = tmp_path / "inventaire.csv"
    export.write_text(
        "N° inventaire;Titre;Hauteur (cm)\nA1;Vase;45,5 cm\nA2;Bol;ca. 30\nA3;Plat;12 x 8\n"
        "A4;Coupe;20\n",
        encoding="utf-8",
    )
    drafted = draft_mapping(export, name="p")
    assert drafted.placed["height"] == "Hauteur (cm)"
    _configure(tmp_path, drafted.text)
    with Pipeline(load_config(tmp_path / "museion.toml"), jobs=1).check("p") as (summary, _):
        warnings = dict(summary.warnings)
    assert warnings == {
        "measurement value '12 x 8' is not a number; kept as a dimension statement": 1
    }
