"""Where a record came from, as people see it: relative to the folder a source's location names,
so neither the partner report nor the public provenance graph shows the server's own folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvesters.base import SourceSpec
from harvesters.files import FilesOptions


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
