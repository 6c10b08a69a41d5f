"""LIDO dump files through the files harvester: streamed, safe, every bad record quarantined."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

import harvesters
from harvesters import XmlError, parse_xml
from harvesters.files import FilesOptions
from harvesters.readers import Unreadable
from harvesters.xml import LIDO_NS, read_xml
from mappings import get_mapping
from museion import Pipeline, Workspace, load_config
from tests.conftest import BASE, DATA, ConfigWriter, files_source
from tests.harvesters.test_oaipmh import objects
from tests.helpers.memory import MIB, peak_rss

LIDO = DATA / "lido"


def read(path: Path, **options: str) -> list[harvesters.HarvestItem]:
    spec = harvesters.SourceSpec(
        name="dump",
        location=str(path),
        options=FilesOptions(**options),  # type: ignore[arg-type]
        identify=get_mapping("lido").identify,
    )
    return list(harvesters.create_harvester("files", spec))


def test_a_lido_wrap_yields_each_record_with_its_own_bytes() -> None:
    items = read(LIDO / "LIDO-Example_FMobj20344012-Fontana_del_Moro.xml")
    assert [i.local_id for i in items] == [
        "DE-Mb112/lido-obj20344012",
        "DE-Mb112/lido-obj20344012,T,001",
        "DE-Mb112/lido-obj20344012,T,002",
    ]
    first = items[0]
    assert isinstance(first, harvesters.SourceRecord)
    assert first.media_type == "application/xml"
    assert first.origin.endswith("Fontana_del_Moro.xml, record 1")
    root = etree.fromstring(first.payload)
    assert root.tag == "{http://www.lido-schema.org}lido"  # one record, namespaces declared


def test_a_single_record_file_is_one_record_named_by_the_file() -> None:
    [item] = read(LIDO / "ddb_DSM.xml")
    assert item.local_id == "DE-MUS-028013/289821"
    [single] = read(LIDO / "ddb_KHB.xml")
    assert isinstance(single, harvesters.SourceRecord)


def test_a_directory_of_dumps_is_read_by_extension(tmp_path: Path) -> None:
    for name in ("ddb_DSM.xml", "ddb_KHB.xml"):
        shutil.copy(LIDO / name, tmp_path / name)
    assert len(read(tmp_path)) == 2


def test_broken_records_are_quarantined_with_their_reason(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    for path in (LIDO / "broken").glob("*.xml"):
        shutil.copy(path, dumps / path.name)
    shutil.copy(LIDO / "ddb_DSM.xml", dumps / "ddb_DSM.xml")
    (dumps / "truncated.xml").write_bytes((LIDO / "ddb_KHB.xml").read_bytes()[:3000])
    (dumps / "empty.xml").write_bytes(
        b'<lido:lido xmlns:lido="http://www.lido-schema.org">'
        b"<lido:lidoRecID>DE-X/empty</lido:lidoRecID></lido:lido>"
    )
    gates = "{ max_quarantined = 1.0 }"  # publish, to show what the quarantine holds
    config = load_config(write_config(files_source("ddb", dumps, "lido", gates=gates)))
    [summary] = Pipeline(config).harvest()
    store = Workspace(config.data_dir).open_published()
    assert (summary.read, summary.mapped, summary.rejected) == (5, 1, 4)
    reasons = {r.record.rsplit("/", 1)[-1]: r.reason for r in summary.rejections}
    # A record that is read but cannot be mapped is quarantined under its identifier.
    assert "no descriptiveMetadata" in reasons["empty"]
    assert "2 different lidoRecIDs" in reasons["DDB_LIDO_record_1.xml, record 1"]
    assert "no lidoRecID" in reasons["DDB_LIDO_record_2.xml"]
    truncated = reasons["truncated.xml, record 1"]
    assert "not well-formed XML after 0 record(s)" in truncated
    assert "the rest of the file was not read" in truncated
    quarantined = store.select(
        f"""SELECT ?reason ?payload WHERE {{ GRAPH <{BASE}meta> {{
              ?q a <https://w3id.org/museion/ns#QuarantinedRecord> ;
                 <https://w3id.org/museion/ns#reason> ?reason .
              OPTIONAL {{ ?q <https://w3id.org/museion/ns#payload> ?payload }} }} }}"""
    )
    assert len(quarantined) == 4
    assert all(row["payload"] is not None for row in quarantined)
    assert objects(store) == {f"{BASE}ddb/object/DE-MUS-028013%2F289821"}


def test_a_wrong_record_element_is_reported_not_silently_empty(tmp_path: Path) -> None:
    [item] = read(LIDO / "ddb_DSM.xml", record_element="lido:record")
    assert isinstance(item, harvesters.RejectedRecord)
    assert "holds no <lido:record> record element (its root is <lido:lidoWrap>)" in item.reason


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lido:lidoWrap [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<lido:lidoWrap xmlns:lido="http://www.lido-schema.org"><lido:lido>
<lido:lidoRecID>bomb</lido:lidoRecID><lido:descriptiveMetadata><lido:objectIdentificationWrap>
<lido:titleWrap><lido:titleSet><lido:appellationValue>&e;</lido:appellationValue></lido:titleSet>
</lido:titleWrap></lido:objectIdentificationWrap></lido:descriptiveMetadata></lido:lido>
</lido:lidoWrap>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE lido:lido [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<lido:lido xmlns:lido="http://www.lido-schema.org"><lido:lidoRecID>xxe</lido:lidoRecID>
<lido:descriptiveMetadata><lido:objectIdentificationWrap><lido:titleWrap><lido:titleSet>
<lido:appellationValue>&secret;</lido:appellationValue></lido:titleSet></lido:titleWrap>
</lido:objectIdentificationWrap></lido:descriptiveMetadata></lido:lido>"""


@pytest.mark.parametrize("payload", [BOMB, XXE], ids=["billion-laughs", "xxe"])
def test_a_dump_with_entity_tricks_is_refused_without_expanding(
    payload: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "evil.xml"
    path.write_bytes(payload)
    items = read(path)
    assert [type(i) for i in items] == [harvesters.RejectedRecord]
    assert isinstance(items[0], harvesters.RejectedRecord)
    assert "DTD" in items[0].reason or "amplification" in items[0].reason
    assert b"root:" not in items[0].payload
    # Nothing was expanded: reading it costs no more memory than reading a real record (the
    # bomb expands to about a gigabyte). Measured in a process of its own, libxml2 included.
    plain = tmp_path / "plain.xml"
    shutil.copy(LIDO / "ddb_DSM.xml", plain)
    _, evil_peak = peak_rss(READ_DUMP, str(path))
    _, plain_peak = peak_rss(READ_DUMP, str(plain))
    assert evil_peak - plain_peak < 32 * MIB


@pytest.mark.parametrize("payload", [BOMB, XXE], ids=["billion-laughs", "xxe"])
def test_parse_xml_refuses_entity_tricks(payload: bytes) -> None:
    with pytest.raises(XmlError) as refused:
        parse_xml(payload)
    assert "root:" not in str(refused.value)


READ_DUMP = """
import sys
import harvesters
from harvesters.files import FilesOptions
from mappings import get_mapping
spec = harvesters.SourceSpec(
    name="dump", location=sys.argv[1], options=FilesOptions(),
    identify=get_mapping("lido").identify,
)
kinds = {}
for item in harvesters.create_harvester("files", spec):
    kinds[type(item).__name__] = kinds.get(type(item).__name__, 0) + 1
result = kinds
"""
"""Reads a dump with the files harvester, record by record; ``result``: records by kind."""


def big_dump(path: Path, records: int) -> Path:
    record = etree.tostring(etree.parse(str(LIDO / "ddb_DSM.xml")).getroot()[0])
    with path.open("wb") as out:
        out.write(b'<lido:lidoWrap xmlns:lido="http://www.lido-schema.org">')
        for n in range(records):
            out.write(record.replace(b"DE-MUS-028013/289821", f"big/{n}".encode()))
        out.write(b"</lido:lidoWrap>")
    return path


def test_a_large_dump_streams_in_flat_memory(tmp_path: Path) -> None:
    """10 times more records, the same memory: each element is freed as the reader moves on.

    The peak RSS of a process reading 400 records is compared with one reading 4,000 (about
    120 MB of XML, which libxml2 would hold as several times that if elements were kept)."""
    small = big_dump(tmp_path / "small.xml", 400)
    large = big_dump(tmp_path / "large.xml", 4000)
    small_kinds, small_peak = peak_rss(READ_DUMP, str(small))
    large_kinds, large_peak = peak_rss(READ_DUMP, str(large))
    assert small_kinds == {"SourceRecord": 400}
    assert large_kinds == {"SourceRecord": 4000}
    assert large_peak - small_peak < 48 * MIB, (small_peak // MIB, large_peak // MIB)


def lido_wrap(encoding: str = "UTF-8") -> bytes:
    """Every record of the bundled DDB dumps in one lidoWrap, as collection systems export."""
    records = []
    for path in sorted(LIDO.glob("ddb_*.xml")):
        for element in etree.parse(str(path)).getroot().iter(f"{{{LIDO_NS}}}lido"):
            records.append(etree.tostring(element, encoding="unicode"))
    body = "\n  ".join(r.replace(f' xmlns:lido="{LIDO_NS}"', "") for r in records)
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<lido:lidoWrap xmlns:lido="{LIDO_NS}" xmlns:gml="http://www.opengis.net/gml"\n'
        f'    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n  {body}\n</lido:lidoWrap>\n'
    )
    return text.encode(encoding, "xmlcharrefreplace")


def spoilt(dump: bytes, record: int, fault: bytes) -> bytes:
    """``fault`` written into the first text of the ``record``-th record."""
    starts = [m.start() for m in re.finditer(rb"<lido:lido[\s>]", dump)]
    at = dump.index(b"<lido:appellationValue", starts[record - 1])
    at = dump.index(b">", at) + 1
    return dump[:at] + fault + dump[at:]


FAULTS = {
    # what partners' exports hold: (bytes written into a title, what the parser says)
    "control-character": (b"\x0b", "invalid Char value 11"),
    "latin-1-byte": ("é".encode("latin-1"), "not valid in UTF-8, the file's encoding"),
    "stray-ampersand": (b"Smith & Sons ", "EntityRef"),
    "undeclared-entity": (b"&nbsp;", "Entity 'nbsp' not defined"),
    "mismatched-tag": (b"<b>bold</i>", "mismatch"),
}


@pytest.mark.parametrize(
    ("encoding", "fault"),
    [
        *(pytest.param("UTF-8", fault, id=name) for name, fault in FAULTS.items()),
        # Every byte is a character in ISO-8859-1: its files have no encoding fault.
        *(
            pytest.param("ISO-8859-1", fault, id=f"{name}-latin-1")
            for name, fault in FAULTS.items()
            if name != "latin-1-byte"
        ),
    ],
)
def test_a_broken_record_costs_that_record_not_the_rest_of_the_file(
    tmp_path: Path, encoding: str, fault: tuple[bytes, str]
) -> None:
    """One record that is not well-formed XML is quarantined with the parser's message at its
    line and column of the file; every record after it is read exactly as from a clean file."""
    clean = lido_wrap(encoding)
    (tmp_path / "clean.xml").write_bytes(clean)
    broken = spoilt(clean, 3, fault[0])
    (tmp_path / "broken.xml").write_bytes(broken)
    want = read(tmp_path / "clean.xml")
    got = read(tmp_path / "broken.xml")
    assert len(want) > 10
    assert all(isinstance(item, harvesters.SourceRecord) for item in want)
    assert len(got) == len(want)
    for n, (item, clean_item) in enumerate(zip(got, want, strict=True), 1):
        if n != 3:
            assert isinstance(item, harvesters.SourceRecord)
            assert item.payload == clean_item.payload
            assert item.local_id == clean_item.local_id
            continue
        assert isinstance(item, harvesters.RejectedRecord)
        assert item.origin.endswith("broken.xml, record 3")
        assert item.reason.startswith("record 3 is not well-formed XML: ")
        assert item.reason.endswith("; the records after it were read")
        assert fault[1] in item.reason
        with pytest.raises(etree.XMLSyntaxError) as whole:
            etree.fromstring(broken)
        line, column = whole.value.position
        assert f"line {line}, column {column}" in item.reason
        assert fault[0] in item.payload
        assert item.payload.startswith(b"<lido:lido")


def test_a_fault_between_records_is_reported_and_every_record_read(tmp_path: Path) -> None:
    dump = lido_wrap()
    at = dump.index(b"</lido:lido>") + len(b"</lido:lido>")
    (tmp_path / "between.xml").write_bytes(dump[:at] + b" AT&T " + dump[at:])
    (tmp_path / "clean.xml").write_bytes(dump)
    got = read(tmp_path / "between.xml")
    want = read(tmp_path / "clean.xml")
    *records, fault = got
    assert [r.payload for r in records] == [w.payload for w in want]
    assert isinstance(fault, harvesters.RejectedRecord)
    assert fault.reason.startswith("not well-formed XML outside its records: ")
    assert f"each of its {len(want)} record(s) was read" in fault.reason


def test_tags_that_do_not_balance_still_stop_the_file_where_the_parser_stopped(
    tmp_path: Path,
) -> None:
    """Where an open record ends cannot be told: nothing is guessed."""
    dump = lido_wrap()
    at = dump.index(b"</lido:lido>", dump.index(b"</lido:lido>") + 1)  # record 2's end
    (tmp_path / "open.xml").write_bytes(dump[:at] + dump[at + len(b"</lido:lido>") :])
    got = read(tmp_path / "open.xml")
    assert [type(item).__name__ for item in got] == ["SourceRecord", "RejectedRecord"]
    assert "the rest of the file was not read" in got[-1].reason  # type: ignore[union-attr]


def test_a_dump_broken_early_still_streams_in_flat_memory(tmp_path: Path) -> None:
    """The records after a broken one are cut from the file chunk by chunk, not read whole."""
    kinds_peak = []
    for records in (400, 4000):
        dump = big_dump(tmp_path / f"{records}.xml", records)
        data = dump.read_bytes()
        at = data.index(b"big/1<")
        dump.write_bytes(data[:at] + b"\x01" + data[at:])
        kinds_peak.append(peak_rss(READ_DUMP, str(dump)))
    (small_kinds, small_peak), (large_kinds, large_peak) = kinds_peak
    assert small_kinds == {"SourceRecord": 399, "RejectedRecord": 1}
    assert large_kinds == {"SourceRecord": 3999, "RejectedRecord": 1}
    assert large_peak - small_peak < 48 * MIB, (small_peak // MIB, large_peak // MIB)


def test_a_record_that_swallows_others_says_how_many_it_holds(tmp_path: Path) -> None:
    """A CDATA opener typed into an attribute of one record (where no '<' may be) and a ']]>'
    into another's title, two faults that balance out for the cutter, make one cut of four
    records: it is quarantined saying so, with their bytes, and the records after it are
    read."""
    dump = spoilt(lido_wrap(), 6, b"]]>")
    starts = [m.start() for m in re.finditer(rb"<lido:lido[\s>]", dump)]
    at = dump.index(b'lido:type="', starts[2]) + len(b'lido:type="')
    dump = dump[:at] + b"<![CDATA[" + dump[at:]
    (tmp_path / "swallow.xml").write_bytes(dump)
    (tmp_path / "clean.xml").write_bytes(lido_wrap())
    got, want = read(tmp_path / "swallow.xml"), read(tmp_path / "clean.xml")
    assert len(got) == len(want) - 3
    swallowing = got[2]
    assert isinstance(swallowing, harvesters.RejectedRecord)
    assert "it holds the start tags of 3 more record(s), kept with it unread" in swallowing.reason
    for record in want[3:5]:  # records 4 and 5, whole inside it
        assert isinstance(record, harvesters.SourceRecord)
        assert record.local_id.encode() in swallowing.payload
    assert [r.payload for r in got[3:]] == [r.payload for r in want[6:]]


def test_a_fault_in_the_root_element_stops_the_file_as_before(tmp_path: Path) -> None:
    """A '>' typed into the lidoWrap's start tag unbinds the prefix every record needs: the
    records cannot be read apart, and none is called broken for it."""
    dump = lido_wrap()
    at = dump.index(b" xmlns:lido=")
    (tmp_path / "root.xml").write_bytes(dump[:at] + b">" + dump[at:])
    [item] = read(tmp_path / "root.xml")
    assert isinstance(item, harvesters.RejectedRecord)
    assert "after 0 record(s)" in item.reason
    assert "the rest of the file was not read" in item.reason


def _record(number: int, prefixed: bool, fault: bytes = b"") -> bytes:
    if prefixed:
        return b"<lido:lido><lido:lidoRecID>r%d%s</lido:lidoRecID></lido:lido>\n" % (number, fault)
    lido = LIDO_NS.encode()
    return b'<lido xmlns="%s"><lidoRecID>r%d%s</lidoRecID></lido>\n' % (lido, number, fault)


def test_records_spelt_two_ways_are_each_read_once_past_a_fault() -> None:
    """Records with the prefix and records in the default namespace, and one element of the
    record's name in another namespace (which a clean read skips too): after the fault, each
    record comes once, none is lost, and the numbering is a clean read's."""
    other = b'<lido xmlns="urn:other"><x/></lido>\n'
    records = [_record(1, True), _record(2, True, b"\x01"), _record(3, False), other]
    records += [_record(4, True), _record(5, False), _record(6, True)]
    wrap = b'<?xml version="1.0"?>\n<lido:lidoWrap xmlns:lido="%s">\n%s</lido:lidoWrap>\n'
    broken = wrap % (LIDO_NS.encode(), b"".join(records))
    clean = broken.replace(b"\x01", b"")
    read_clean = list(read_xml(io.BufferedReader(io.BytesIO(clean))))
    read_broken = list(read_xml(io.BufferedReader(io.BytesIO(broken))))
    assert [i.position for i in read_broken] == [i.position for i in read_clean]
    assert [i.raw for i in read_broken[2:]] == [i.raw for i in read_clean[2:]]
    assert isinstance(read_broken[1], Unreadable)
    assert [type(i).__name__ for i in read_clean] == ["Parsed"] * 6


def test_the_bytes_kept_when_the_file_cannot_be_read_apart_are_where_the_parser_stopped(
    tmp_path: Path,
) -> None:
    """The resync reads the file again before giving up; the quarantined bytes are still those
    after the fault, not a second copy of records read from the start."""
    dump = lido_wrap()
    at = dump.index(b" xmlns:lido=")
    (tmp_path / "root.xml").write_bytes(dump[:at] + b">" + dump[at:])
    [item] = read(tmp_path / "root.xml")
    assert isinstance(item, harvesters.RejectedRecord)
    ids = re.findall(rb"<lido:lidoRecID[^>]*>([^<]+)<", item.payload)
    assert ids
    assert len(ids) == len(set(ids))


def test_where_the_cut_stops_the_bytes_after_it_are_kept(tmp_path: Path) -> None:
    """A broken record, then a stray end tag records later: the cut cannot go past the tag,
    and the quarantine keeps the bytes from there for the partner to see."""
    dump = spoilt(lido_wrap(), 2, b"\x0b")
    ends = [m.end() for m in re.finditer(rb"</lido:lido>", dump)]
    dump = dump[: ends[4]] + b"</lido:lido>" + dump[ends[4] :]
    (tmp_path / "stray.xml").write_bytes(dump)
    got = read(tmp_path / "stray.xml")
    assert [type(i).__name__ for i in got] == [
        "SourceRecord",
        "RejectedRecord",
        *["SourceRecord"] * 3,
        "RejectedRecord",
    ]
    last = got[-1]
    assert isinstance(last, harvesters.RejectedRecord)
    assert "the rest of the file was not read" in last.reason
    assert b"</lido:lido></lido:lido>" in last.payload
    assert dump[ends[4] : ends[4] + 500] in last.payload  # the tag and after: unread, kept


LIMITS = {
    # libxml2's resource limits, which it words as advice to set XML_PARSE_HUGE (Museion
    # never does): (the document, what the partner is told instead)
    "depth": (b"<a>" * 300 + b"</a>" * 300, "nests elements more than 256 levels deep"),
    "text": (b"<a>" + b"x" * 10_000_001 + b"</a>", "a text is longer than the parser's limit"),
    "value": (b'<a b="' + b"x" * 10_000_001 + b'"/>', "a value is longer than the parser's limit"),
}


@pytest.mark.parametrize("limit", sorted(LIMITS))
def test_a_limit_of_the_parser_is_told_in_plain_words(limit: str) -> None:
    """A partner cannot set a parser option: the reason says which limit the document passed,
    not libxml2's advice to lift it."""
    document, words = LIMITS[limit]
    with pytest.raises(XmlError) as refused:
        parse_xml(document)
    assert words in str(refused.value)
    assert "XML_PARSE_HUGE" not in str(refused.value)
    assert " ," not in str(refused.value)


def test_a_record_past_a_limit_in_a_dump_is_quarantined_in_plain_words(tmp_path: Path) -> None:
    """The same words for one record of a streamed dump, at its place in the file."""
    (tmp_path / "long.xml").write_bytes(spoilt(lido_wrap(), 2, b"x" * 10_000_001))
    items = read(tmp_path / "long.xml")
    rejected = [item for item in items if isinstance(item, harvesters.RejectedRecord)]
    assert rejected, "the record with a 10 MB title was read"
    reason = rejected[0].reason
    assert "a text is longer than the parser's limit of 10,000,000 bytes" in reason
    assert "XML_PARSE_HUGE" not in reason
