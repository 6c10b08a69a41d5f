"""End to end: partner files → harvester → mapping → Oxigraph on disk → SPARQL answers."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions

from museion import Pipeline, Workspace, load_config, source_counts
from museion.config import Config
from museion.pipeline import HarvestSummary
from store import Store
from tests.conftest import BASE, ConfigWriter, files_source
from tests.helpers.samples import sample_feeds
from tests.helpers.sheets import write_ods, write_xlsx
from tests.museion_core.test_vocab import known_term

FEEDS = sample_feeds()
PREFIXES = """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX museion: <https://w3id.org/museion/ns#>
PREFIX void: <http://rdfs.org/ns/void#>
"""


def harvest_all(config: Config) -> tuple[Store, list[HarvestSummary]]:
    """Harvest every source, and open what was published."""
    summaries = Pipeline(config).harvest()
    return Workspace(config.data_dir).open_published(), summaries


def rows(store: Store, query: str) -> list[dict[str, Any]]:
    results = store.query(PREFIXES + query)
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    return [{n: s[n] for n in names} for s in results]


OPEN = "{ max_quarantined = 1.0, max_record_drop = 1.0 }"
"""Gates that publish a run however many of its records are quarantined or withdrawn."""


def shop(write_config: ConfigWriter, feed: Path, title: str = "title", **options: str) -> Path:
    """The configuration of source "shop" reading ``feed`` (a file or a folder), its ids in
    column ``id`` and its titles in column ``title``; ``options``: more of the source's keys
    (its ``gates``)."""
    path = write_config(files_source("shop", feed, "m.toml", **options))
    mapping = f'[mapping]\nname = "m"\n[object]\nid = "id"\ntitles = "{title}"\n'
    (path.parent / "m.toml").write_text(mapping)
    return path


@pytest.fixture
def two_partners(write_config: ConfigWriter) -> Config:
    return load_config(
        write_config(
            files_source("tate", FEEDS / "tate", "tate", label="Tate"),
            files_source("cmoa", FEEDS / "cmoa", "cmoa", label="Carnegie Museum of Art"),
        )
    )


def test_two_feeds_into_one_store(two_partners: Config) -> None:
    store, summaries = harvest_all(two_partners)
    assert [(s.source, s.read, s.mapped, s.rejected) for s in summaries] == [
        ("tate", 36, 36, 0),
        ("cmoa", 24, 24, 0),
    ]
    counts = {c["source"]: c for c in source_counts(store, two_partners)}
    assert counts["tate"]["objects"] == 21
    # the persons each source's records describe: Tate's 15 artist records and those
    # its objects name (seven gifts of "the artist's widow" are seven parties: said relative
    # to each object, no name); CMOA sends no person records, and its objects name 33 persons
    # (one credit line gives three donors: "Dr. Helen Overs, Dr. Robert Overs and Gareth
    # Griffiths"; Dr. James B. Austin and Bruce Sokoloff each gave two objects, one node each
    # within CMOA's feed, where each gift made a node of its own and counted 36; "Gift of the
    # Artists" on a glass by its two makers is from those two, where a third person, "the
    # Artists", counted 34)
    assert counts["tate"]["persons"] == 26
    assert counts["cmoa"]["objects"] == 24
    assert counts["cmoa"]["persons"] == 33

    picasso = rows(
        store,
        """
        SELECT ?keeper ?title WHERE {
          ?object crm:P108i_was_produced_by/crm:P14_carried_out_by/rdfs:label "Pablo Picasso" ;
                  rdfs:label ?title ; crm:P50_has_current_keeper/rdfs:label ?keeper .
        } ORDER BY ?keeper""",
    )
    assert [(str(r["keeper"].value), r["title"]) for r in picasso] == [
        (
            "Carnegie Museum of Art",
            Literal("L'Homme a la Guitare (Man with the Guitar)", language="en"),
        ),
        ("Tate", Literal("Bullfight Scene", language="en")),
    ]


def test_titles_carry_language_tags_and_dates_are_datetimes(two_partners: Config) -> None:
    store, _ = harvest_all(two_partners)
    titles = rows(
        store,
        f"""
        SELECT ?text WHERE {{ <{BASE}tate/object/T06803> crm:P1_is_identified_by ?name .
                              ?name a crm:E33_E41_Linguistic_Appellation ;
                                    crm:P190_has_symbolic_content ?text }} ORDER BY ?text""",
    )
    assert [r["text"] for r in titles] == [
        Literal("Bullfight Scene", language="en"),
        Literal("Scène de corrida"),  # Tate's foreignTitle: language not given, so none claimed
    ]
    [span] = rows(
        store,
        f"""
        SELECT ?begin ?end ?text WHERE {{
          <{BASE}cmoa/object/1fb65224-a3b2-4caa-84b6-da89a278c87c>
              crm:P108i_was_produced_by/crm:P4_has_time-span ?span .
          ?span crm:P82a_begin_of_the_begin ?begin ; crm:P82b_end_of_the_end ?end ;
                crm:P1_is_identified_by/crm:P190_has_symbolic_content ?text }}""",
    )
    xsd = "http://www.w3.org/2001/XMLSchema#dateTime"
    assert span["begin"] == Literal("1916-01-01T00:00:00Z", datatype=NamedNode(xsd))
    assert span["end"] == Literal("1916-12-31T23:59:59Z", datatype=NamedNode(xsd))
    assert span["text"] == Literal("1916", language="en")


def test_harvesting_twice_changes_nothing(two_partners: Config) -> None:
    store, _ = harvest_all(two_partners)
    meta = NamedNode(f"{BASE}meta")  # left out: a run that writes adds its provenance there

    def data(store: Store) -> set[Quad]:
        return {
            q
            for q in store.oxigraph
            if isinstance(q.graph_name, NamedNode) and q.graph_name != meta
        }

    before = data(store)
    store.close()
    store, summaries = harvest_all(two_partners)
    assert [s.unchanged for s in summaries] == [36, 24]
    assert data(store) == before
    [count] = rows(
        store,
        """SELECT (COUNT(*) AS ?n) WHERE {
        ?p rdfs:label "Pablo Picasso" }""",
    )
    # Tate's and CMOA's, once each, and the aggregate person reconciliation made of them
    assert count["n"].value == "3"


def test_every_emitted_class_and_property_exists(two_partners: Config) -> None:
    store, _ = harvest_all(two_partners)
    used = rows(store, "SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?s a ?term } }")
    unknown = [
        str(r["term"].value)
        for r in used
        if str(r["term"].value).startswith(("http://www.cidoc-crm.org/", "https://linked.art/"))
        and not known_term(str(r["term"].value))
    ]
    assert unknown == []


@pytest.fixture
def broken_feed(tmp_path: Path) -> Path:
    feed = tmp_path / "feed"
    feed.mkdir()
    good = json.loads((FEEDS / "cmoa" / "f70d03e3-0fe7-4f6a-a430-ddced6d09d82.json").read_text())
    (feed / "good.json").write_text(json.dumps(good))
    (feed / "not-json.json").write_text("<html><body>502 Bad Gateway</body></html>")
    (feed / "no-id.json").write_text(json.dumps({k: v for k, v in good.items() if k != "id"}))
    lines = [json.dumps({**good, "id": f"cmoa:things/line-{n}"}) for n in range(3)]
    lines[1] = lines[1][:40]  # a truncated line in the middle
    (feed / "more.jsonl").write_text("\n".join(lines) + "\n")
    return feed


def test_bad_records_are_quarantined_and_the_rest_goes_on(
    write_config: ConfigWriter, broken_feed: Path
) -> None:
    gates = "{ max_quarantined = 1.0 }"  # publish however much is quarantined
    config = load_config(write_config(files_source("cmoa", broken_feed, "cmoa", gates=gates)))
    store, [summary] = harvest_all(config)
    assert (summary.read, summary.mapped, summary.rejected) == (6, 3, 3)
    reasons = {r.record.rsplit("/", 1)[-1]: r.reason for r in summary.rejections}
    assert "not JSON" in reasons["not-json.json"]
    assert "has no identifier: it has no field 'id' (it has 'title'," in reasons["no-id.json"]
    assert "not valid JSON" in reasons["more.jsonl, line 2"]
    quarantined = rows(
        store,
        """
        SELECT ?origin ?reason ?payload WHERE {
          ?q a museion:QuarantinedRecord ; museion:origin ?origin ; museion:reason ?reason ;
             museion:payload ?payload }""",
    )
    assert len(quarantined) == 3
    assert all(r["payload"] for r in quarantined)
    # The partner repairs its export; the next harvest clears the quarantine.
    good = json.loads((broken_feed / "good.json").read_text())
    for name in ("not-json", "no-id"):
        (broken_feed / f"{name}.json").write_text(json.dumps({**good, "id": f"fixed-{name}"}))
    lines = (broken_feed / "more.jsonl").read_text().splitlines()
    lines[1] = json.dumps({**good, "id": "cmoa:things/line-1"})
    (broken_feed / "more.jsonl").write_text("\n".join(lines) + "\n")
    store.close()
    store, [summary] = harvest_all(config)
    assert (summary.rejected, summary.new, summary.unchanged) == (0, 3, 3)
    assert rows(store, "SELECT ?q WHERE { ?q a museion:QuarantinedRecord }") == []


def test_an_undecodable_csv_row_is_rejected_with_its_reason(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    feed = tmp_path / "export.csv"
    feed.write_bytes(b"id,title\nA-1,Caf\xc3\xa9\nA-2,Caf\xe9 cr\xe8me\nA-3,Tea\n")
    config = load_config(shop(write_config, feed, gates="{ max_quarantined = 1.0 }"))
    _, [summary] = harvest_all(config)
    assert (summary.mapped, summary.rejected) == (2, 1)
    [rejection] = summary.rejections
    assert rejection.record.endswith("export.csv, line 3)")  # its id, and where it is
    assert rejection.record.startswith("A-2 (")
    assert "undecodable byte 0xE9 in column 'title'" in rejection.reason


def test_the_demo_examples_map_without_rejections(tmp_path: Path) -> None:
    from museion.demo import demo_config, examples_dir

    config = demo_config(tmp_path / "demo")
    store, summaries = harvest_all(config)
    assert [(s.source, s.mapped, s.rejected) for s in summaries] == [
        ("tate", 556, 0),
        ("cmoa", 404, 0),
    ]
    assert (examples_dir() / "README.md").exists()
    store.close()
    shutil.rmtree(tmp_path / "demo")


@pytest.mark.parametrize(
    ("spoilt", "reason"),
    [
        (b"A-2,Vase aux fleurs, bleu\n", "the row has 3 fields but the header has 2"),
        (b"A-2,Caf\xe9 cr\xe8me\n", "undecodable byte 0xE9 in column 'title'"),
    ],
    ids=["unquoted-comma", "latin-1-byte"],
)
def test_an_unreadable_row_of_a_held_record_keeps_it_rather_than_withdrawing_it(
    write_config: ConfigWriter, tmp_path: Path, spoilt: bytes, reason: str
) -> None:
    """One unquoted comma in a title (or one Latin-1 byte) in a row the source already
    published withdrew that object, and the report said "no longer in the feed". The row's
    id column can be read: the record is quarantined under its id and position, and its
    published version stays until the partner mends the row."""
    feed = tmp_path / "export.csv"
    good = b"id,title\nA-1,Bol\nA-2,Vase\nA-3,Plat\n"
    feed.write_bytes(good)
    config = load_config(shop(write_config, feed, gates=OPEN))
    store, _ = harvest_all(config)
    store.close()
    feed.write_bytes(good.replace(b"A-2,Vase\n", spoilt))
    store, [summary] = harvest_all(config)
    assert (summary.read, summary.unchanged, summary.deleted) == (3, 2, 0)
    [rejection] = summary.rejections
    assert rejection.record.startswith("A-2 (")
    assert rejection.record.endswith("export.csv, line 3)")
    assert reason in rejection.reason
    titles = rows(store, "SELECT ?t WHERE { ?o a crm:E22_Human-Made_Object ; rdfs:label ?t }")
    assert sorted(r["t"].value for r in titles) == ["Bol", "Plat", "Vase"]  # its last good version
    store.close()
    feed.write_bytes(good.replace(b"A-2,Vase\n", b""))  # and a row that is gone withdraws it
    store, [summary] = harvest_all(config)
    assert (summary.deleted, summary.rejected) == (1, 0)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda b: b.decode().encode("cp1252").replace(b"titre", b"t\xeetre"),  # Excel's re-save
        lambda b: b.replace(b"id,titre", b"id,titre,titre"),  # a column added twice
    ],
    ids=["cp1252-header", "repeated-column"],
)
def test_a_file_of_a_folder_that_cannot_be_read_at_all_withdraws_none_of_its_records(
    write_config: ConfigWriter, tmp_path: Path, spoil: Callable[[bytes], bytes]
) -> None:
    """A registrar re-saved one file of a two-file folder from Excel (cp1252, "titre" with
    a circumflex in its header): its header could not be read, so its records were not read,
    and all of them were withdrawn as "no longer in the feed" and published as gone (410).
    Which records an unread file holds is not known: the run withdraws nothing, says why,
    and the other file's edits are published."""
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "a.csv").write_bytes(b"id,titre\nA-1,Bol\nA-2,Vase\n")
    (folder / "b.csv").write_bytes(b"id,titre\nB-1,Plat\nB-2,Tapis de Gandja\n")
    config = load_config(shop(write_config, folder, "titre", gates=OPEN))
    store, _ = harvest_all(config)
    store.close()
    (folder / "b.csv").write_bytes(spoil((folder / "b.csv").read_bytes()))
    (folder / "a.csv").write_bytes(b"id,titre\nA-1,Bol bleu\nA-2,Vase\n")
    store, [summary] = harvest_all(config)
    assert (summary.changed, summary.deleted) == (1, 0)
    [held] = [w for w in summary.warnings if w.startswith("nothing was withdrawn")]
    assert "b.csv" in held
    titles = rows(store, "SELECT ?t WHERE { ?o a crm:E22_Human-Made_Object ; rdfs:label ?t }")
    assert sorted(r["t"].value for r in titles) == ["Bol bleu", "Plat", "Tapis de Gandja", "Vase"]
    store.close()
    (folder / "b.csv").unlink()  # a file that is gone withdraws its records
    store, [summary] = harvest_all(config)
    assert summary.deleted == 2
    store.close()


def test_a_file_that_cannot_be_read_stays_unread_when_the_harvest_resumes(
    write_config: ConfigWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harvest read past an unreadable file, then failed on a later one (a 503, a killed
    worker); the next harvest resumed after the unreadable file, saw nothing unread, and
    withdrew its records. What a pass could not read is kept in the checkpoint."""
    from harvesters.files import FilesHarvester
    from museion_core.errors import HarvestError, MuseionError

    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "a.csv").write_bytes(b"id,titre\nA-1,Bol\n")
    (folder / "b.csv").write_bytes(b"id,titre\nB-1,Plat\nB-2,Tapis\n")
    (folder / "c.csv").write_bytes(b"id,titre\nC-1,Coupe\nC-2,Coupe\nC-3,Coupe\nC-4,Coupe\n")
    (folder / "d.csv").write_bytes(b"id,titre\nD-1,Aiguiere\n")
    path = shop(write_config, folder, "titre", gates=OPEN)
    path.write_text(path.read_text().replace("[store]", "[store]\nbatch_size = 1\njobs = 1"))
    config = load_config(path)
    Pipeline(config).harvest()
    (folder / "b.csv").write_bytes(b"id,titre,titre\nB-1,Plat,x\nB-2,Tapis,y\n")
    read_file = FilesHarvester._read_file
    failed: list[str] = []

    def fails_once_on_d(self: FilesHarvester, location: str) -> Any:
        if location.endswith("d.csv") and not failed:
            failed.append(location)
            raise HarvestError("d.csv: HTTP 503", source="shop")
        yield from read_file(self, location)

    monkeypatch.setattr(FilesHarvester, "_read_file", fails_once_on_d)
    with pytest.raises(MuseionError):
        Pipeline(config).harvest()
    [summary] = Pipeline(config).harvest()  # resumed in c.csv, past b.csv
    assert (summary.status, summary.deleted) == ("published", 0)
    [held] = [w for w in summary.warnings if w.startswith("nothing was withdrawn")]
    assert held.startswith("nothing was withdrawn: b.csv could not")  # named once
    store = Workspace(config.data_dir).open_published()
    titles = rows(store, "SELECT ?t WHERE { ?o a crm:E22_Human-Made_Object ; rdfs:label ?t }")
    assert sorted(r["t"].value for r in titles) == [
        "Aiguiere",
        "Bol",
        *["Coupe"] * 4,
        "Plat",
        "Tapis",
    ]


def test_a_row_repeated_identically_is_read_once_and_said(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """A row pasted twice into an export was read once and said nowhere: the registrar
    counted 8 rows and the report said 7 read."""
    feed = tmp_path / "export.csv"
    feed.write_bytes(b"id,title\nA-1,Bol\nA-2,Vase\nA-1,Bol\n")
    config = load_config(shop(write_config, feed))
    store, [summary] = harvest_all(config)
    store.close()
    assert (summary.new, summary.rejected) == (2, 0)
    assert summary.warnings == {
        "the record 'A-1' occurs twice in the feed, identically; it was read once": 1
    }
    # and the partner reads it in the report, not only on the harvest's console
    workspace = Workspace(config.data_dir)
    report = json.loads((workspace.reports_dir / "shop.json").read_text(encoding="utf-8"))
    said = [w["text"] for w in report["warnings"]]
    assert "the record 'A-1' occurs twice in the feed, identically; it was read once" in said


def test_an_unreadable_row_before_a_readable_one_of_its_record_does_not_hide_it(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """A row one cell too wide, then the same record's row mended further down: the mended
    row is read (it was taken for a duplicate of the kept record, and its edit lost)."""
    feed = tmp_path / "export.csv"
    feed.write_bytes(b"id,title\nA-1,Bol\nA-2,Vase\n")
    config = load_config(shop(write_config, feed, gates="{ max_quarantined = 1.0 }"))
    store, _ = harvest_all(config)
    store.close()
    feed.write_bytes(b"id,title\nA-1,Bol\nA-2,Vase, bleu\nA-2,Vase bleu\n")
    store, [summary] = harvest_all(config)
    assert [r.record.split(" (")[0] for r in summary.rejections] == ["A-2"]
    assert "fields but the header" in summary.rejections[0].reason
    assert (summary.changed, summary.deleted) == (1, 0)
    titles = rows(store, "SELECT ?t WHERE { ?o a crm:E22_Human-Made_Object ; rdfs:label ?t }")
    assert sorted(r["t"].value for r in titles) == ["Bol", "Vase bleu"]


def test_renumbered_ids_hold_the_run_though_the_count_stays(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """A collection system renumbered its objects ("MG-1890-001" to "MG.1890.001"): the run
    withdrew every published object and added as many new ones, so the source did not shrink
    and no gate held it, and every IRI curators had linked became a tombstone."""
    feed = tmp_path / "export.csv"
    config = load_config(shop(write_config, feed))

    def harvest(ids: list[str]) -> HarvestSummary:
        feed.write_text("id,title\n" + "".join(f"{i},Vase\n" for i in ids), encoding="utf-8")
        store, [summary] = harvest_all(config)
        store.close()
        return summary

    old = [f"MG-1890-{n:03d}" for n in range(20)]
    assert harvest(old).status == "published"
    renumbered = harvest([i.replace("-", ".") for i in old])
    assert (renumbered.status, renumbered.absent, renumbered.new) == ("held", 20, 20)
    assert renumbered.reason is not None
    assert renumbered.reason.startswith("20 of the 20 records of shop are no longer in the feed")
    assert renumbered.reason.endswith("were the ids changed?")
    # a partner who replaces one object in twenty, or only adds, is published
    assert harvest([*old[:19], "MG-1890-100"]).status == "published"
    assert harvest([*old[:19], "MG-1890-100", "MG-1890-101"]).status == "published"


def test_a_renamed_column_holds_the_run_instead_of_emptying_every_title(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """An export whose "title" column came out as "Titre" changed every record and emptied
    every title, and no gate held it: no record was lost or quarantined. A field the mapping
    reads that most changed records filled before and fill no more now holds the run."""
    feed = tmp_path / "export.csv"
    config = load_config(shop(write_config, feed))

    def harvest(header: str, titles: list[str], note: str = "n") -> HarvestSummary:
        rows = [f"A-{n},{title},{note}" for n, title in enumerate(titles)]
        feed.write_text(f"{header}\n" + "\n".join(rows) + "\n", encoding="utf-8")
        store, [summary] = harvest_all(config)
        store.close()
        return summary

    titles = [f"Vase {n}" for n in range(12)]
    assert harvest("id,title,note", titles).status == "published"
    held = harvest("id,Titre,note", titles)
    assert held.status == "held"
    assert held.reason == (
        "12 of the 12 records that filled 'title' fill it no more (100%), more than "
        "the 50% allowed (gates.max_field_loss): was the column renamed or left out of the "
        "export?"
    )
    # a partner clearing a few titles, or a column the mapping never reads, is not held
    assert harvest("id,title,note", ["", "", *titles[2:]]).status == "published"
    assert harvest("id,title,remark", ["", "", *titles[2:]]).status == "published"
    # nor clearing titles in more than 10 records, which are all the run changes, of a
    # source where most keep theirs (an incremental harvest changes only what was edited)
    many = [f"Vase {n}" for n in range(40)]
    assert harvest("id,title,remark", many).status == "published"
    assert harvest("id,title,remark", ["" for _ in range(12)] + many[12:]).status == "published"


@pytest.mark.parametrize("blank", [b"", b"\xef\xbb\xbf \r\n", b"\xff\xfe \x00\n\x00"])
@pytest.mark.parametrize("suffix", ["csv", "json", "jsonl"])
def test_an_export_sent_empty_is_told_and_withdraws_none_of_its_records(
    write_config: ConfigWriter, tmp_path: Path, suffix: str, blank: bytes
) -> None:
    """A partner's export came empty (an export that failed, a file saved before it was
    written): it was read as "no records", silently, and every record it held was withdrawn
    and published as gone. An empty file is a fault of the whole file, named in the run."""
    folder = tmp_path / "feed"
    folder.mkdir()

    def texts(records: list[tuple[str, str]]) -> str:
        if suffix == "csv":
            return "id,titre\n" + "".join(f"{i},{t}\n" for i, t in records)
        objects = [json.dumps({"id": i, "titre": t}) for i, t in records]
        return "[" + ",".join(objects) + "]" if suffix == "json" else "\n".join(objects) + "\n"

    (folder / f"a.{suffix}").write_text(texts([("A-1", "Bol")]))
    (folder / f"b.{suffix}").write_text(texts([("B-1", "Plat"), ("B-2", "Tapis")]))
    config = load_config(shop(write_config, folder, "titre", gates=OPEN))
    store, _ = harvest_all(config)
    store.close()
    (folder / f"b.{suffix}").write_bytes(blank)
    store, [summary] = harvest_all(config)
    assert (summary.deleted, summary.rejected) == (0, 1)
    [rejection] = summary.rejections
    assert rejection.record.endswith(f"b.{suffix}")
    assert rejection.reason == "the file is empty: it holds no record, not even an empty list"
    [held] = [w for w in summary.warnings if w.startswith("nothing was withdrawn")]
    assert f"b.{suffix}" in held
    titles = rows(store, "SELECT ?t WHERE { ?o a crm:E22_Human-Made_Object ; rdfs:label ?t }")
    assert sorted(r["t"].value for r in titles) == ["Bol", "Plat", "Tapis"]
    store.close()


HEADER_ONLY = (
    "the file has its header row but no row under it: an export that found nothing does not "
    "withdraw the records the file held (to withdraw them, remove the file)"
)
EMPTY = "the file is empty: it holds no record, not even an empty list"


SEP_LINE_ONLY = (
    "the file holds Excel's 'sep=;' line and nothing under it: no header row and no record; an "
    "export that found nothing does not withdraw the records the file held (to withdraw them, "
    "remove the file)"
)


@pytest.mark.parametrize(
    ("text", "said"),
    [("sep=;\r\n", SEP_LINE_ONLY), ("sep=;\r\nid;titre\r\n", HEADER_ONLY)],
    ids=["sep-line-alone", "sep-line-and-header"],
)
def test_an_export_of_excel_s_sep_line_alone_says_it_has_no_header(
    write_config: ConfigWriter, tmp_path: Path, text: str, said: str
) -> None:
    """Excel's CSV of an empty query, its ``sep=;`` line and no more, was said to have "its
    header row but no row under it": the ``sep=`` line is no header. Said as it is, and,
    as for a header alone, none of the file's records is withdrawn."""
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "a.csv").write_text("sep=;\r\nid;titre\r\nA-1;Bol\r\n")
    (folder / "b.csv").write_text("sep=;\r\nid;titre\r\nB-1;Plat\r\nB-2;Tapis\r\n")
    config = load_config(shop(write_config, folder, "titre", gates=OPEN))
    store, _ = harvest_all(config)
    store.close()
    (folder / "b.csv").write_text(text)
    store, [summary] = harvest_all(config)
    assert (summary.deleted, summary.rejected) == (0, 1)
    [rejection] = summary.rejections
    assert (rejection.record.rsplit("/", 1)[-1], rejection.reason) == ("b.csv", said)
    titles = rows(store, "SELECT ?t WHERE { ?o a crm:E22_Human-Made_Object ; rdfs:label ?t }")
    assert sorted(r["t"].value for r in titles) == ["Bol", "Plat", "Tapis"]
    store.close()


def write_table(path: Path, table: list[list[str]], blank: int = 0) -> None:
    """``table`` as a CSV, xlsx or ods file (by ``path``'s suffix), with ``blank`` empty rows
    after it (as an export keeps them: ",," lines, a sheet's formatted empty cells)."""
    if path.suffix == ".csv":
        path.write_text("".join(",".join(row) + "\n" for row in table) + ",\n" * blank)
    elif path.suffix == ".xlsx":
        write_xlsx(path, table, styled_empty_rows=blank)
    else:
        write_ods(path, table)


@pytest.mark.parametrize(
    ("suffix", "blank", "header"),
    [
        ("csv", 0, True),
        ("csv", 3, True),
        ("xlsx", 0, True),
        ("xlsx", 3, True),
        ("ods", 0, True),
        ("xlsx", 0, False),
    ],
    ids=["csv", "csv-blank-rows", "xlsx", "xlsx-blank-rows", "ods", "xlsx-empty-sheet"],
)
def test_an_export_of_its_header_alone_is_told_and_withdraws_none_of_its_records(
    write_config: ConfigWriter, tmp_path: Path, suffix: str, blank: int, header: bool
) -> None:
    """A partner's spreadsheet came with its header row and no row under it (an export that
    found nothing, a query run on the wrong day): it was read as a file of no record, without
    a word, and every record it held was withdrawn and published as gone. It is now a fault
    of the whole file, said in the run, as an empty file is; removing the file withdraws."""
    folder = tmp_path / "feed"
    folder.mkdir()
    write_table(folder / f"a.{suffix}", [["id", "titre"], ["A-1", "Bol"]])
    write_table(folder / f"b.{suffix}", [["id", "titre"], ["B-1", "Plat"], ["B-2", "Tapis"]])
    config = load_config(shop(write_config, folder, "titre", gates=OPEN))
    store, _ = harvest_all(config)
    store.close()
    write_table(folder / f"b.{suffix}", [["id", "titre"]] if header else [], blank)
    store, [summary] = harvest_all(config)
    assert (summary.deleted, summary.rejected) == (0, 1)
    [rejection] = summary.rejections
    assert rejection.record.endswith(f"b.{suffix}")
    assert rejection.reason == (HEADER_ONLY if header else EMPTY)
    [held] = [w for w in summary.warnings if w.startswith("nothing was withdrawn")]
    assert f"b.{suffix}" in held
    titles = rows(store, "SELECT ?t WHERE { ?o a crm:E22_Human-Made_Object ; rdfs:label ?t }")
    assert sorted(r["t"].value for r in titles) == ["Bol", "Plat", "Tapis"]
    store.close()
    (folder / f"b.{suffix}").unlink()
    store, [summary] = harvest_all(config)
    assert summary.deleted == 2
    store.close()
