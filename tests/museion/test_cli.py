"""The command line as a user meets it: a real ``museion`` process, its output and exit code."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from museion.serving import listening_at
from tests.conftest import BASE, ConfigWriter, files_source
from tests.helpers.cli import museion
from tests.helpers.endpoint import live_endpoint
from tests.helpers.samples import sample_feeds

FEEDS = sample_feeds()


def write_partner(folder: Path, mapping: str = "", gates: str = "") -> None:
    """Partner p: ``inventory.csv`` beside its config, read by ``p.toml`` (its id and title
    columns, then ``mapping``), with ``gates`` (a TOML inline table) if given."""
    (folder / "p.toml").write_text(
        '[mapping]\nname = "p"\n[object]\nid = "Inventory No"\ntitles = "Title"\n' + mapping,
        encoding="utf-8",
    )
    (folder / "museion.toml").write_text(
        '[store]\npath = "store"\n[publish]\nbase_iri = "https://example.org/"\n[[sources]]\n'
        'name = "p"\nkind = "files"\nlocation = "inventory.csv"\nmapping = "p.toml"\n'
        + (f"gates = {gates}\n" if gates else "")
        + '[sources.partner]\nlabel = "P"\n',
        encoding="utf-8",
    )


@pytest.fixture
def config(write_config: ConfigWriter) -> Path:
    return write_config(
        files_source("tate", FEEDS / "tate", "tate", label="Tate"),
        files_source("cmoa", FEEDS / "cmoa", "cmoa", label="Carnegie Museum of Art"),
    )


def test_harvest_query_and_stats(config: Path) -> None:
    done = museion("--config", str(config), "harvest")
    assert done.returncode == 0, done.stderr
    assert "tate: 36 records read: 36 new, 0 changed, 0 unchanged, 0 withdrawn, 0 rejected" in (
        done.stderr
    )
    assert "cmoa: 24 records read: 24 new" in done.stderr
    again = museion("--config", str(config), "harvest")
    assert "tate: 36 records read: 0 new, 0 changed, 36 unchanged" in again.stderr

    query = (
        "SELECT ?title WHERE { ?o crm:P108i_was_produced_by/crm:P14_carried_out_by"
        '/rdfs:label "Pablo Picasso" ; rdfs:label ?title } ORDER BY ?title'
    )
    as_csv = museion("--config", str(config), "query", query, "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [
        ["title"],
        ["Bullfight Scene"],
        ["L'Homme a la Guitare (Man with the Guitar)"],
    ]
    as_json = museion("--config", str(config), "query", query, "--format", "json")
    bindings = json.loads(as_json.stdout)["results"]["bindings"]
    assert bindings[0]["title"] == {"type": "literal", "value": "Bullfight Scene", "xml:lang": "en"}
    table = museion("--config", str(config), "query", query)
    assert "Bullfight Scene @en" in table.stdout

    stats = museion("--config", str(config), "stats", "--json")
    counts = {s["source"]: s for s in json.loads(stats.stdout)["sources"]}
    assert counts["tate"]["objects"] == 21
    assert counts["cmoa"]["objects"] == 24


def test_one_source_by_name(config: Path) -> None:
    done = museion("--config", str(config), "harvest", "cmoa")
    assert done.returncode == 0
    assert "tate:" not in done.stderr
    unknown = museion("--config", str(config), "harvest", "tat")
    assert unknown.returncode == 2
    assert "no source named 'tat'" in unknown.stderr


def test_quarantined_records_exit_3_with_one_line_each(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "a.json").write_text('{"title": "no id here"}')
    (feed / "b.json").write_text("not json")
    (feed / "c.json").write_text(
        (FEEDS / "cmoa" / "f70d03e3-0fe7-4f6a-a430-ddced6d09d82.json").read_text()
    )
    source = files_source("cmoa", feed, "cmoa", gates="{ max_quarantined = 0.9 }")
    done = museion("--config", str(write_config(source)), "harvest")
    assert done.returncode == 3
    rejected = [line for line in done.stderr.splitlines() if line.startswith("  rejected ")]
    assert len(rejected) == 2
    assert any("a.json: the record has no identifier" in line for line in rejected)


def test_a_held_run_exits_4_with_its_reason(write_config: ConfigWriter, tmp_path: Path) -> None:
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "a.json").write_text('{"title": "no id here"}')
    done = museion("--config", str(write_config(files_source("cmoa", feed, "cmoa"))), "harvest")
    assert done.returncode == 4
    assert "held, not published: 1 record of 1 (100%) was quarantined" in done.stderr
    assert "museion publish cmoa --force" in done.stderr


def test_check_exits_as_its_harvest_would(write_config: ConfigWriter, tmp_path: Path) -> None:
    """A script could not tell from ``check`` that the run would be held: it exited 0."""
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "a.json").write_text('{"title": "no id here"}')
    config = str(write_config(files_source("cmoa", feed, "cmoa")))
    done = museion("--config", config, "check", "cmoa", "--json")
    assert done.returncode == 4
    assert "a harvest would be held: 1 record of 1 (100%)" in done.stderr
    assert json.loads(done.stdout)["counts"]["quarantined"] == 1  # the report, as before
    (feed / "b.json").write_text(
        (FEEDS / "cmoa" / "f70d03e3-0fe7-4f6a-a430-ddced6d09d82.json").read_text()
    )
    (feed / "c.json").write_text(
        (FEEDS / "cmoa" / "f70d03e3-0fe7-4f6a-a430-ddced6d09d82.json")
        .read_text()
        .replace("f70d03e3", "f70d03e4")
    )
    loose = files_source("cmoa", feed, "cmoa", gates="{ max_quarantined = 0.9 }")
    assert museion("--config", str(write_config(loose)), "check", "cmoa").returncode == 3


def test_a_bad_config_is_one_line_and_exit_2(write_config: ConfigWriter) -> None:
    path = write_config(files_source("cmoa", FEEDS / "cmoa", "cmoa").replace('"files"', '"ftp"'))
    done = museion("--config", str(path), "harvest")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "sources[1] (cmoa).kind: unknown kind 'ftp'" in done.stderr


def test_a_bad_query_is_one_line_and_exit_1(config: Path) -> None:
    museion("--config", str(config), "harvest", "cmoa")
    done = museion("--config", str(config), "query", "SELECT ?x WHERE {")
    assert done.returncode == 1
    assert done.stderr.startswith("error: the query is not valid SPARQL")


def test_a_query_calling_another_endpoint_is_refused_as_by_the_endpoint(config: Path) -> None:
    """``museion query`` ran any SERVICE it was given, a request from this machine's network
    (offline it failed with "failed to lookup address information"); it now keeps the
    endpoint's rule: only endpoints on ``[endpoint] service_allowlist`` are called."""
    museion("--config", str(config), "harvest", "cmoa")
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:39999/sparql> { ?s ?p ?o } }"
    done = museion("--config", str(config), "query", text)
    assert done.returncode == 1
    assert done.stderr.startswith("error: ")
    assert "federated queries are off" in done.stderr
    assert "http://127.0.0.1:39999/sparql" in done.stderr
    assert "Traceback" not in done.stderr


def test_query_before_any_harvest(config: Path) -> None:
    done = museion("--config", str(config), "query", "ASK {}")
    assert done.returncode == 1
    assert "nothing is published" in done.stderr
    assert "run `museion harvest` first" in done.stderr


def test_demo_needs_no_config(tmp_path: Path) -> None:
    done = museion("demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Every work by Pablo Picasso held by either partner" in done.stdout
    assert "Carnegie Museum of Art" in done.stdout
    assert "Bullfight Scene" in done.stdout
    # it ends with a sample checklist built from both partners: its URL and its rows
    tail = done.stdout[done.stdout.index("Sample: artists shared by Tate and Carnegie") :]
    assert re.search(r"http://localhost:8000/checklists/[\w-]+", tail)
    assert "Tate" in tail
    assert "Carnegie" in tail
    assert "T06803" in tail
    assert "8 objects from 2 lenders" in tail
    assert (tmp_path / "museion-demo" / "checklists.sqlite").exists()
    assert (tmp_path / "museion-demo" / "museion.toml").exists()
    again = museion(
        "--config",
        str(tmp_path / "museion-demo" / "museion.toml"),
        "query",
        # parts (a frame, the sheets of a work in several) are objects too, part of another
        "SELECT (COUNT(*) AS ?n) WHERE { ?o a crm:E22_Human-Made_Object "
        "FILTER NOT EXISTS { ?o crm:P46i_forms_part_of ?whole } }",
        "--format",
        "csv",
    )
    assert again.stdout.splitlines() == ["n", "812"]


def test_a_fault_of_the_export_is_one_line_however_many_rows(tmp_path: Path) -> None:
    """A spreadsheet export with a stray cell in six rows and three dates nobody can read: the
    harvest said each warning once per value ("1 × date text 'zz-qq' …"), and the report
    listed six reasons with no sum of them. Each kind is now counted, and the records are
    listed in the order of the file (line 10 came before line 6)."""
    rows = ["A1,Vase,zz-qq", "A2,Bol,yy-pp", "A3,Plat,xx-oo", "A4,Coupe,1900"]
    rows += [f"B{n},x,1900" + ",e" * (1 + n % 3) for n in range(6)]
    (tmp_path / "inventory.csv").write_text(
        "Inventory No,Title,Date\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    write_partner(
        tmp_path, '[object.production.date]\ntext = "Date"\n', "{ max_quarantined = 0.9 }"
    )
    done = museion("--config", "museion.toml", "harvest", cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "    3 × date text '…' not understood; kept as text only\n" in done.stderr
    rejected = re.findall(r"rejected p: B\d \(inventory\.csv, line (\d+)\)", done.stderr)
    assert rejected == [str(n) for n in range(6, 12)]
    report = museion("--config", "museion.toml", "report", "p", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert (
        "  6 quarantined, most common reasons:\n    6 × the row has … fields but the header has …\n"
    ) in report.stdout
    assert re.findall(r"quarantined B\d \(inventory\.csv, line (\d+)\)", report.stdout) == rejected


def test_python_m_museion_runs_in_a_data_folder(tmp_path: Path) -> None:
    """``python -m museion`` in the folder that holds the README's ``store/``: in an editable
    install the folder was taken for the store package, and every command died on import."""
    (tmp_path / "store").mkdir()
    done = museion("--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "harvest" in done.stdout


def test_reconcile_names_only_the_deployment_s_own_unknown_overrides(
    write_config: ConfigWriter, tmp_path: Path
) -> None:
    """The pairs shipped for the demo's partners named, at every `museion reconcile` of any
    other store, entities it does not hold; a deployment's own file is still checked."""
    feeds = tmp_path / "empty"
    feeds.mkdir()
    source = files_source("ours", feeds, "cmoa", label="Ours")
    shipped = museion("--config", str(write_config(source)), "reconcile")
    assert shipped.returncode == 0, shipped.stderr
    assert "overrides name an entity" not in shipped.stderr
    (tmp_path / "pairs.toml").write_text(
        '[[same]]\na = "ours/person/1"\nb = "ours/person/2"\nnote = "one painter"\n',
        encoding="utf-8",
    )
    own = write_config(source, extra='[reconciliation]\noverrides = "pairs.toml"')
    done = museion("--config", str(own), "reconcile")
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stderr.split())
    assert "overrides name an entity the store does not hold: " in said
    assert f"{BASE}ours/person/1" in said


def test_report_says_the_latest_harvest_failed_and_what_it_left(tmp_path: Path) -> None:
    """`museion report` showed a source whose export had gone as "run …: staging" with zero
    counts, and nothing of why, though the partner's page said it. It now says when and why
    the latest harvest failed, and that its unfinished run is taken up by the next harvest;
    the JSON carries it as the page's JSON does. A harvest that reads the feed clears it."""
    write_partner(tmp_path)
    failed = museion("--config", "museion.toml", "harvest", cwd=tmp_path)
    assert failed.returncode != 0
    shown = museion("--config", "museion.toml", "report", "p", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert re.fullmatch(r"P \(p\), run \S+: staging", lines[0])
    assert re.fullmatch(
        r"  the latest harvest failed \(\d{4}-\d\d-\d\dT[\d:]+Z\): inventory\.csv does not exist",
        lines[1],
    )
    assert lines[2] == "  it left this run staging: the next harvest takes it up"
    as_json = json.loads(
        museion("--config", "museion.toml", "report", "p", "--json", cwd=tmp_path).stdout
    )
    assert as_json["latest_harvest_failed"]["reason"] == "inventory.csv does not exist"
    (tmp_path / "inventory.csv").write_text("Inventory No,Title\nA1,Vase\n", encoding="utf-8")
    assert museion("--config", "museion.toml", "harvest", cwd=tmp_path).returncode == 0
    read = museion("--config", "museion.toml", "report", "p", "--json", cwd=tmp_path)
    assert "latest_harvest_failed" not in json.loads(read.stdout)
    assert json.loads(read.stdout)["run"]["status"] == "published"


def test_the_report_counts_terms_and_unread_texts_over_every_record_the_source_holds(
    tmp_path: Path,
) -> None:
    """A re-harvest that changed one record reported no terms without a vocabulary and no
    unread dates, and its page said "Every term matched a vocabulary", though the unchanged
    records still published them: the report counted only what its run mapped again. The
    mapping's notes are now kept with each record, and counted over the source as it stands
    (or, for a dry run, as it would stand); records mapped before notes were kept are said."""
    write_partner(
        tmp_path,
        '[object.classification]\npath = "Type"\nvocab = "object_type"\n'
        '[object.production.date]\ntext = "Date"\n',
        "{ max_record_drop = 1.0 }",
    )
    rows = ["A1,Schrank,Bol,zz-qq", "A2,Schrank,Vase,1900", "A3,vase,Plat,1890"]
    inventory = tmp_path / "inventory.csv"

    def harvest(lines: list[str]) -> dict[str, Any]:
        inventory.write_text("Inventory No,Type,Title,Date\n" + "\n".join(lines) + "\n")
        done = museion("--config", "museion.toml", "harvest", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        shown = museion("--config", "museion.toml", "report", "p", "--json", cwd=tmp_path)
        report: dict[str, Any] = json.loads(shown.stdout)
        return report

    def notes(report: dict[str, Any]) -> tuple[object, ...]:
        terms = {(t["label"], t["records"]) for t in report["local_terms"]}
        return terms, {(u["text"], u["records"]) for u in report["unparsed"]}

    first = harvest(rows)
    assert notes(first) == ({("Schrank", 2), ("vase", 1)}, {("zz-qq", 1)})
    again = harvest([*rows[:2], "A3,vase,Plat,1891"])  # only A3 changed
    assert again["counts"]["changed"] == 1
    assert notes(again) == notes(first)
    text = museion("--config", "museion.toml", "report", "p", cwd=tmp_path).stdout
    terms = (  # each with the records it is in, to open them
        "  2 terms no vocabulary knew:\n    2 × object_type: Schrank (in A1, A2)\n"
        "    1 × object_type: vase (in A3)\n"
    )
    assert terms in text
    assert again["unparsed"] == [
        {"kind": "date", "text": "zz-qq", "field": "Date", "records": 1, "examples": ["A1"]}
    ]
    assert "  1 text kept without values:\n" in text  # one, not "1 texts"
    assert "    1 × date (Date): zz-qq (in A1)\n" in text  # the column it came from
    # and which records the run changed, not only how many
    assert (
        "  since the previous published run: 0 added, 1 changed, 0 removed\n    changed: A3\n"
        in text
    )
    mended = harvest(["A1,vase,Bol,1901", *rows[1:2], "A3,vase,Plat,1891"])
    assert notes(mended) == ({("Schrank", 1), ("vase", 2)}, set())
    # an index written before the notes were kept: its records say nothing, and the report
    # says how many they are
    with sqlite3.connect(tmp_path / "store" / "records.sqlite") as db:
        db.execute("UPDATE records SET notes = NULL WHERE local_id = 'A2'")
    shown = museion("--config", "museion.toml", "report", "p", "--json", cwd=tmp_path)
    assert json.loads(shown.stdout)["notes_unknown"] == 1
    assert notes(json.loads(shown.stdout)) == ({("vase", 2)}, set())


def test_report_and_check_write_the_html_page_in_the_registrar_s_language(
    tmp_path: Path,
) -> None:
    """A French partner's registrar read ``museion report --html`` in English only: the page
    is translated for the endpoint's readers, but a partner without a server had no way to
    have it in French. ``--lang`` writes the --html page in French or Arabic, with Museion's
    messages about the records translated; the text and the JSON stay English."""
    write_partner(tmp_path)
    (tmp_path / "inventory.csv").write_text(
        "Inventory No,Title\nA1,Vase\nA2,Plat\n,Bol\n", encoding="utf-8"
    )
    museion("--config", "museion.toml", "harvest", cwd=tmp_path)
    page = tmp_path / "rapport.html"
    done = museion(
        "--config", "museion.toml", "report", "p", "--html", str(page), "--lang", "fr",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    french = page.read_text(encoding="utf-8")
    assert '<html lang="fr" dir="ltr">' in french
    assert "Notices en quarantaine (1)" in french
    assert "ligne <bdi>4</bdi>" in french  # the quarantined row's place, in French
    arabic = tmp_path / "taqrir.html"
    done = museion(
        "--config", "museion.toml", "check", "p", "--html", str(arabic), "--lang", "ar",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr  # one record of three quarantined, not held
    assert '<html lang="ar" dir="rtl">' in arabic.read_text(encoding="utf-8")
    english = tmp_path / "report.html"
    museion("--config", "museion.toml", "report", "p", "--html", str(english), cwd=tmp_path)
    assert '<html lang="en" dir="ltr">' in english.read_text(encoding="utf-8")
    alone = museion("--config", "museion.toml", "report", "p", "--lang", "fr", cwd=tmp_path)
    assert alone.returncode == 2
    assert "--lang sets the language of the --html page" in alone.stderr


def test_serve_prints_the_address_it_listens_on(config: Path) -> None:
    """``museion serve --host 127.0.0.1`` printed ``http://localhost:PORT/``: an address the
    server may not answer on (``localhost`` can resolve to ``::1`` first, or to another
    host in /etc/hosts). It prints the address it listens on; an address that stands for
    every interface, which no browser opens, is said to be one, with URLs for this machine."""
    with live_endpoint(config, "--host", "127.0.0.1") as live:
        log = live.read_log()
    assert f"Query UI: {live.url}/   SPARQL endpoint: {live.sparql}" in log
    assert f"Search: {live.url}/search" in log
    assert "localhost" not in log
    assert listening_at("::1", 8741) == ("http://[::1]:8741", None)
    assert listening_at("data.example.org", 80) == ("http://data.example.org:80", None)
    for wildcard in ("0.0.0.0", "::", "[::]"):
        url, note = listening_at(wildcard, 8741)
        assert url == "http://localhost:8741"
        assert "every address of this machine" in (note or "")


@pytest.mark.parametrize(
    ("command", "doing", "not_doing"),
    [(("remap", "tate"), "remapping", "harvesting"), (("harvest", "tate"), "harvesting", "remap")],
)
def test_the_spinner_says_what_the_command_is_doing(
    config: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    doing: str,
    not_doing: str,
) -> None:
    """`museion remap` reads no feed, yet its spinner said "harvesting" on a terminal until the
    first counts came: the command now gives the spinner its verb."""
    from click.testing import CliRunner
    from rich.console import Console

    import museion.console
    from museion.cli import main

    assert CliRunner().invoke(main, ["--config", str(config), "harvest", "tate"]).exit_code == 0
    shown = io.StringIO()
    monkeypatch.setattr(museion.console, "err", Console(file=shown, force_terminal=True, width=100))
    done = CliRunner().invoke(main, ["--config", str(config), *command])
    assert done.exit_code == 0, done.output
    spun = shown.getvalue().split("tate:")[0]  # before the first counts and the summary
    assert doing in spun
    assert not_doing not in spun
