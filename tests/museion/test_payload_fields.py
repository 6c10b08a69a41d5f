"""The fields an XML record fills are read with the harvesters' safe parser: an entity or a
DTD the record names is not read (a secret on the mapping host never becomes a field), and
a record that fails to parse fills none."""

from __future__ import annotations

from pathlib import Path

from museion.coverage import payload_fields


def test_external_entities_and_dtds_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    dtd = tmp_path / "fields.dtd"
    dtd.write_text('<!ENTITY from_dtd "FROM-DTD"><!ELEMENT r ANY>', encoding="utf-8")
    entity = f'<!DOCTYPE r [<!ENTITY x SYSTEM "{secret.as_uri()}">]><r><a>&x;</a><b>ok</b></r>'
    assert payload_fields("application/xml", entity.encode()) == {"r/b"}
    external = f'<!DOCTYPE r SYSTEM "{dtd.as_uri()}"><r><a>&from_dtd;</a><b>ok</b></r>'
    assert payload_fields("application/xml", external.encode()) == {"r/b"}
    internal = b'<!DOCTYPE r [<!ENTITY x "expanded">]><r><a>&x;</a><b>ok</b></r>'
    assert payload_fields("application/xml", internal) == {"r/b"}


def test_a_record_declaring_a_dtd_still_has_its_fields() -> None:
    assert payload_fields("application/xml", b"<!DOCTYPE r><r><a>x</a></r>") == {"r/a"}


def test_xml_that_does_not_parse_fills_no_field() -> None:
    assert payload_fields("application/xml", b"<r><a>x</r>") == set()
