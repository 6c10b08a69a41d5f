"""A partner's own folder: its export beside its config, and Museion's data directory in it."""

from __future__ import annotations

from pathlib import Path

from museion import Pipeline, load_config
from tests.conftest import BASE


def test_a_location_holding_the_data_directory_never_reads_it(tmp_path: Path) -> None:
    """``location = "."`` beside ``museion.toml``: the second harvest read the data
    directory's own JSON (state, reports, snapshots' manifests) as records, quarantined them
    and was held although nothing had changed."""
    (tmp_path / "inventory.csv").write_text(
        "Inventory No,Title\n" + "".join(f"A{i},Object {i}\n" for i in range(40)),
        encoding="utf-8",
    )
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "p.toml").write_text(
        '[mapping]\nname = "p"\nlanguage = "en"\n[object]\nid = "Inventory No"\ntitles = "Title"\n',
        encoding="utf-8",
    )
    (tmp_path / "museion.toml").write_text(
        f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n[[sources]]\nname = "p"\n'
        'kind = "files"\nlocation = "."\nmapping = "mappings/p.toml"\n'
        '[sources.partner]\nlabel = "P"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "museion.toml")
    for _ in range(2):
        [summary] = Pipeline(config, jobs=1).harvest()
        assert summary.rejections == []
        assert summary.status == "published"
    assert (summary.new, summary.unchanged) == (0, 40)
    assert any((tmp_path / "store").rglob("*.json"))  # there was something to skip
