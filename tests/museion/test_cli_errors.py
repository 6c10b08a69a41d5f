"""Faults a user meets through the real ``museion`` command: one clear line, a non-zero exit
code, never a traceback."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BASE, ConfigWriter, files_source
from tests.helpers.cli import museion

LIDO_WITH_NBSP = b"""<?xml version="1.0" encoding="UTF-8"?>
<lido:lidoWrap xmlns:lido="http://www.lido-schema.org">
<lido:lido>
<lido:lidoRecID lido:type="local">rec-1</lido:lidoRecID>
<lido:descriptiveMetadata xml:lang="en">
<lido:objectIdentificationWrap><lido:titleWrap><lido:titleSet>
<lido:appellationValue>A&nbsp;title</lido:appellationValue>
</lido:titleSet></lido:titleWrap></lido:objectIdentificationWrap>
</lido:descriptiveMetadata>
</lido:lido>
</lido:lidoWrap>
"""


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def feed(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "a.json").write_text('{"id": "a", "title": "A"}')
    mapping = tmp_path / "m.toml"
    mapping.write_text('[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "title"\n')
    return folder, mapping


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("a-file", "it is a file, not a directory"),
        ("a-file/data", "a part of the path is a file, not a directory"),
    ],
)
def test_a_store_path_that_cannot_be_a_directory(
    where: str, says: str, tmp_path: Path, feed: tuple[Path, Path]
) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    config = tmp_path / "museion.toml"
    source = files_source("s", feed[0], str(feed[1]))
    config.write_text(
        f'[store]\npath = "{where}"\n[publish]\nbase_iri = "https://data.example.org/"\n'
        f"[[sources]]\n{source}\n"
    )
    for command in (["harvest"], ["stats"], ["query", "SELECT * WHERE { ?s ?p ?o }"]):
        done = museion("--config", str(config), *command)
        assert done.returncode == 1
        line = one_line_error(done)
        assert "a-file" in line
    harvest = one_line_error(museion("--config", str(config), "harvest"))
    assert says in " ".join(harvest.split())


def test_a_store_path_that_is_not_writable(tmp_path: Path, feed: tuple[Path, Path]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("permissions do not bind this user (root): covered by the paths above")
        config = tmp_path / "museion.toml"
        source = files_source("s", feed[0], str(feed[1]))
        config.write_text(
            '[store]\npath = "locked/data"\n[publish]\nbase_iri = "https://data.example.org/"\n'
            f"[[sources]]\n{source}\n"
        )
        done = museion("--config", str(config), "harvest")
        assert done.returncode == 1
        assert "Permission denied" in " ".join(one_line_error(done).split())
    finally:
        locked.chmod(stat.S_IRWXU)


def test_an_invalid_language_in_a_mapping_field_names_the_tag(
    write_config: ConfigWriter, tmp_path: Path, feed: tuple[Path, Path]
) -> None:
    mapping = tmp_path / "bad.toml"
    mapping.write_text(
        '[mapping]\nname = "m"\n[object]\nid = "id"\n'
        'titles = [{ path = "title", language = "en" }, { path = "t", language = "en_US!" }]\n'
    )
    done = museion(
        "--config", str(write_config(files_source("s", feed[0], str(mapping)))), "harvest"
    )
    assert done.returncode == 2
    line = " ".join(one_line_error(done).split())
    assert "object.titles[2].language: 'en_US!' is not a valid BCP 47 language tag" in line


def test_an_undeclared_entity_in_lido_gives_libxml2s_message(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    folder = tmp_path / "lido"
    folder.mkdir()
    (folder / "dump.xml").write_bytes(LIDO_WITH_NBSP)
    source = files_source("l", folder, "lido", gates="{ max_quarantined = 1.0 }")
    done = museion("--config", str(write_config(source)), "harvest")
    assert "Traceback" not in done.stderr
    assert done.returncode == 3
    text = " ".join(done.stderr.split())
    # The record is parsed again on its own; the place is the file's, as a whole-file parse says.
    assert "Entity 'nbsp' not defined, line 7, column 31" in text
    assert "no element found" not in text


def test_record_ids_are_printed_as_they_are() -> None:
    """Rich read ":x:" in "oai:x:7" as an emoji code and printed "oai❌7"; an operator copies
    ids from this output to look records up."""
    from museion.console import err, out

    for console in (out, err):
        with console.capture() as captured:
            console.print("oai:x:7 :art: :ok: :id:")
        assert captured.get().strip() == "oai:x:7 :art: :ok: :id:"


def test_serve_on_a_port_in_use_is_a_configuration_fault(write_config: ConfigWriter) -> None:
    """It printed its URLs as if serving, then uvicorn's "[Errno 98]" and exit 3, which the
    README gives as "published, but records were quarantined"."""
    import socket

    path = write_config()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "museion", "--config", str(path), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "400", "NO_COLOR": "1"},
            timeout=120,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Query UI" not in done.stderr + done.stdout


def test_a_changed_base_iri_is_refused_with_the_way_out(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """Moving from a staging host to production by editing base_iri published every object
    again under the new IRIs beside the old ones (816 objects for 408), and stats counted 408."""
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "objects.csv").write_text("id,title\na,Vase\nb,Bowl\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "title"\n')
    staging = BASE + "staging/"
    path = write_config(files_source("museum", feed, str(mapping)), base_iri=staging)
    first = museion("--config", str(path), "harvest")
    assert first.returncode == 0, first.stderr
    text = path.read_text(encoding="utf-8")
    # another host, and the staging base's own prefix (the production root)
    for new in ("https://collection.example.org/", BASE):
        path.write_text(text.replace(staging, new), encoding="utf-8")
        _refused(path, staging)


def _refused(path: Path, old: str) -> None:
    for command in (["harvest"], ["remap", "museum"]):
        again = museion("--config", str(path), *command)
        assert again.returncode == 2, again.stderr
        assert "Traceback" not in again.stderr
        message = " ".join(again.stderr.split())  # wrapped at the terminal's width
        assert f"the data was harvested under the base IRI {old}" in message
        assert "set base_iri back, or use a new [store] path" in message


def test_the_terminal_counts_one_in_the_singular() -> None:
    """The harvest said "1 records read" and "1 warnings", the search "1 objects"."""
    from museion.console import counted

    assert counted(1, "record") == "1 record"
    assert counted(0, "record") == "0 records"
    assert counted(2, "more rejected record") == "2 more rejected records"
    assert counted(3, "person", "people") == "3 people"
