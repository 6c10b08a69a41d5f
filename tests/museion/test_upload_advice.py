"""What a partner is told of a table that came with its header alone (or Excel's ``sep=`` line
alone) depends on how the file came: a harvested file is withdrawn by removing it from the
location; a partner who uploads cannot remove a file, and is told what an upload can do."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from museion import Pipeline, load_config
from museion.config import Config
from museion.pipeline import HarvestSummary
from museion.uploads import run_upload, upload_store
from tests.conftest import ConfigWriter, files_source
from tests.helpers.sheets import write_xlsx

HARVESTED_HEADER_ONLY = (
    "the file has its header row but no row under it: an export that found nothing does not "
    "withdraw the records the file held (to withdraw them, remove the file)"
)
UPLOADED_HEADER_ONLY = (
    "the file has its header row but no row under it: an export that found nothing withdraws "
    "no record (each upload stands for all your records: to withdraw some, upload your other "
    "files without this one; to withdraw every record, ask the network's coordinator, since "
    "an upload with no record withdraws nothing)"
)
UPLOADED_SEP_LINE_ONLY = (
    "the file holds Excel's 'sep=;' line and nothing under it: no header row and no record; an "
    "export that found nothing withdraws no record (each upload stands for all your records: to "
    "withdraw some, upload your other files without this one; to withdraw every record, ask the "
    "network's coordinator, since an upload with no record withdraws nothing)"
)

A = b"id;titre\r\nA-1;Bol\r\n"
B = b"id;titre\r\nB-1;Plat\r\nB-2;Tapis\r\n"


def _config(write_config: ConfigWriter, feed: Path) -> Config:
    gates = "{ max_quarantined = 1.0, max_record_drop = 1.0 }"
    path = write_config(files_source("shop", feed, "m.toml", gates=gates))
    mapping = '[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "titre"\n'
    (path.parent / "m.toml").write_text(mapping)
    return load_config(path)


def _upload(config: Config, files: dict[str, bytes]) -> HarvestSummary:
    upload_id = upload_store(config.data_dir).receive(
        "shop", [(name, io.BytesIO(data)) for name, data in files.items()]
    )
    return run_upload(config, "shop", upload_id)


def _xlsx(path: Path, table: list[list[str]]) -> bytes:
    write_xlsx(path, table)
    return path.read_bytes()


@pytest.mark.parametrize("sent", ["csv", "sep-line", "xlsx"])
def test_an_upload_of_a_header_alone_tells_the_partner_what_an_upload_can_do(
    write_config: ConfigWriter, tmp_path: Path, sent: str
) -> None:
    """A partner that uploads was told "to withdraw them, remove the file", a file it has no
    access to. It is told what is true of uploads: an upload stands for all the partner's
    records, so leaving the file out of the next one withdraws its records (shown here), and
    only the network's coordinator can empty a source."""
    feed = tmp_path / "feed"  # the source's location: empty, the partner uploads
    feed.mkdir()
    config = _config(write_config, feed)
    first = _upload(config, {"a.csv": A, "b.csv": B})
    assert (first.new, first.rejected) == (3, 0)
    if sent == "xlsx":
        name, said = "b.xlsx", UPLOADED_HEADER_ONLY
        data = _xlsx(tmp_path / "b.xlsx", [["id", "titre"]])
    elif sent == "sep-line":
        name, data, said = "b.csv", b"sep=;\r\n", UPLOADED_SEP_LINE_ONLY
    else:
        name, data, said = "b.csv", b"id;titre\r\n", UPLOADED_HEADER_ONLY
    held = _upload(config, {"a.csv": A, name: data})
    assert (held.deleted, held.rejected) == (0, 1)
    [rejection] = held.rejections
    assert rejection.record.endswith(name)
    assert rejection.reason == said
    left_out = _upload(config, {"a.csv": A})  # what the advice says: B-1 and B-2 withdrawn
    assert (left_out.deleted, left_out.rejected) == (2, 0)


def test_a_harvested_header_alone_keeps_its_advice_to_remove_the_file(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "a.csv").write_bytes(A)
    (feed / "b.csv").write_bytes(B)
    config = _config(write_config, feed)
    Pipeline(config).harvest()
    (feed / "b.csv").write_bytes(b"id;titre\r\n")
    [summary] = Pipeline(config).harvest()
    [rejection] = summary.rejections
    assert rejection.reason == HARVESTED_HEADER_ONLY
