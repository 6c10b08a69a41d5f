"""Where a record came from, as people see it: relative to the folder a source's location names,
so neither the partner report nor the public provenance graph shows the server's own folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harvesters import create_harvester, options_model
from harvesters.base import SourceSpec
from harvesters.files import FilesOptions
from tests.conftest import DATA

LINKED_ART = DATA / "linkedart"


@pytest.mark.parametrize(
    ("location", "path", "shown"),
    [
        ("/srv/museion/p/inventory.csv", "/srv/museion/p/inventory.csv", "inventory.csv"),
        ("/srv/exports/inv*.csv", "/srv/exports/inv1.csv", "inv1.csv"),
        ("/srv/exports/**/*.csv", "/srv/exports/2024/objects.csv", "2024/objects.csv"),
        ("exports/", "exports/a.json", "a.json"),
        ("https://example.org/feed.json", "https://example.org/feed.json", None),
    ],
)
def test_a_file_is_named_from_the_source_s_folder(location: str, path: str, shown: str) -> None:
    assert SourceSpec("p", location, FilesOptions()).shown(path) == (shown or path)


def test_a_directory_location_names_its_files_from_inside_it(tmp_path: Path) -> None:
    (tmp_path / "2024").mkdir()
    spec = SourceSpec("p", str(tmp_path), FilesOptions())
    assert spec.shown(str(tmp_path / "2024" / "a.csv")) == "2024/a.csv"
    assert spec.shown(str(tmp_path)) == tmp_path.name  # the location itself: its name


def test_the_file_and_rdf_harvesters_name_records_from_the_folder(tmp_path: Path) -> None:
    """What each harvester gives as a record's origin (and a rejected record's): no part of
    the server's path above the source's folder."""
    feed = tmp_path / "exports"
    shutil.copytree(LINKED_ART, feed / "2024")
    (feed / "2024" / "broken.ttl").write_text("<a> <b> .", encoding="utf-8")
    rdf = create_harvester("rdf", SourceSpec("la", str(feed), options_model("rdf")()))
    origins = {item.origin for item in rdf}
    assert origins
    assert not [o for o in origins if str(tmp_path) in o]
    assert "2024/broken.ttl" in origins  # the file that does not parse, named from the folder
    assert any(o.startswith("2024/A00001.jsonld, <") for o in origins)
    (feed / "inventory.csv").write_text("id,Title\nA1,Vase\nA2\n", encoding="utf-8")
    files = create_harvester(
        "files", SourceSpec("f", str(feed / "inventory.csv"), FilesOptions(), lambda r: r["id"])
    )
    assert {item.origin for item in files} == {"inventory.csv, line 2", "inventory.csv, line 3"}
