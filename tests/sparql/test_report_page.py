"""A partner report as the endpoint renders it from the run's JSON: in the reader's language,
partner texts isolated for bidi, and a report an older Museion wrote still served."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from harvesters.jsonscan import load_json
from harvesters.readers import Unreadable
from harvesters.sheets import read_sheet
from museion import Pipeline, load_config
from museion.coverage import OBJECT_ID, REPORTED
from museion.demo import demo_config
from museion_core import messages
from publish import Workspace
from sparql import i18n
from sparql.report_page import REPORT_KEYS, report_html, stored_report
from sparql.uploads import UploadStore
from tests.conftest import BASE
from tests.helpers.browser import PHONE, guarded_page, launch
from tests.helpers.sheets import write_xlsx

ORIGINS = "SELECT ?o WHERE { GRAPH ?g { ?s <https://w3id.org/museion/ns#origin> ?o } }"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = demo_config(tmp_path_factory.mktemp("reports"))
    Pipeline(config).harvest()
    return config.data_dir / "reports"


def test_an_arabic_report_isolates_what_reads_left_to_right(reports: Path) -> None:
    page = stored_report(reports / "tate.json", "ar")
    assert page is not None
    document = html.fromstring(page)
    assert (document.get("lang"), document.get("dir")) == ("ar", "rtl")
    # The table name a partner types into its mapping file, not "[*.vocab]".
    assert '<bdi dir="ltr"><code>[vocab.*]</code></bdi>' in page
    texts = [td for td in document.iter("td") if td.get("dir") == "auto"]
    assert texts, "the partner's own texts (dates kept as text, local terms) are dir=auto"
    assert [h.get("dir") for h in document.iter("h1")] == ["auto"]


def test_each_note_names_the_records_it_is_in(reports: Path) -> None:
    """ "date not known: 485 records" told a partner how many, not which: each term, text kept
    without values and warning now lists its first records, and a partner whose mapping is
    code (LIDO, Linked Art) is not told to edit a mapping file it does not have."""
    report = json.loads((reports / "tate.json").read_text(encoding="utf-8"))
    first = report["unparsed"][0]
    assert 1 <= len(first["examples"]) <= min(5, first["records"])
    assert all(w["examples"] for w in report["warnings"])
    page = html.fromstring(report_html(report, "en"))
    rows = page.iter("tr")
    [row] = [tr for tr in rows if first["text"] in html.tostring(tr, encoding="unicode")]
    assert [c.text for c in row.iter("code")] == first["examples"]
    assert report["vocab_tables"] is True
    report["vocab_tables"] = False
    page_text = report_html({**report}, "en")
    assert "[vocab.*]" not in page_text
    assert "identifiers in your export" in page_text


@pytest.mark.parametrize("missing", ["object_id", "unparsed", "history"])
def test_a_report_an_older_museion_wrote_is_served_as_written(
    reports: Path, tmp_path: Path, missing: str
) -> None:
    """Rendered from JSON without the key, it was a 500 (object_id, history) or a page that
    said every date was read (unparsed)."""
    report = json.loads((reports / "tate.json").read_text(encoding="utf-8"))
    assert report.keys() >= REPORT_KEYS
    del report[missing]
    (tmp_path / "tate.json").write_text(json.dumps(report), encoding="utf-8")
    (tmp_path / "tate.html").write_text("<html><body><h1>as written</h1></body></html>")
    assert stored_report(tmp_path / "tate.json", "fr") == (
        "<html><body><h1>as written</h1></body></html>"
    )


def test_a_damaged_report_falls_back_and_no_report_is_none(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "a.html").write_text("kept page", encoding="utf-8")
    assert stored_report(tmp_path / "a.json", "en") == "kept page"
    assert stored_report(tmp_path / "b.json", "en") is None


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_charts_name_fields_and_object_id_elements_in_the_reader_s_language(
    reports: Path, lang: str
) -> None:
    names = [label for _, label in (*REPORTED, *OBJECT_ID)]
    untranslated = [name for name in names if name not in i18n.catalogue()[lang]]
    assert not untranslated
    page = stored_report(reports / "tate.json", lang)
    assert page is not None
    labels = html.fromstring(page).iter("span")
    shown = [str(e.text) for e in labels if e.get("class") == "chart-label"]  # the charts
    assert i18n.translate("materials and techniques", lang) in shown
    assert "materials and techniques" not in shown


@pytest.mark.parametrize(
    ("lang", "heading", "bar"),
    [
        ("en", r"\(\d+\.\d%", r"^\d+\.\d%$"),
        ("fr", "\\(\\d+,\\d\u202f%", "^\\d+,\\d\u202f%$"),
        ("ar", "\\d+\\.\\d\u066a", "^\\d+\\.\\d\u066a$"),
    ],
)
def test_percentages_are_written_as_the_reader_s_language_writes_them(
    reports: Path, lang: str, heading: str, bar: str
) -> None:
    """ "75,0 %" in French: "75.0 %" read as a slip, and a plain space let the sign wrap."""
    page = stored_report(reports / "tate.json", lang)
    assert page is not None
    document = html.fromstring(page)
    headings = ["".join(str(t) for t in h.itertext()) for h in document.iter("h2")]
    object_id = [text for text in headings if "Object ID" in text]
    assert len(object_id) == 1
    assert re.search(heading, object_id[0]), object_id
    shares = [str(e.text) for e in document.iter("span") if e.get("class") == "chart-share"]
    assert shares
    assert all(re.search(bar, share) for share in shares), shares


def test_a_partner_reads_why_its_records_were_held_back_in_its_own_language(
    tmp_path: Path,
) -> None:
    """A small museum's spreadsheet export with a row one cell too wide, an inventory number
    given twice and a date nobody can read: the report it reads in French or Arabic says why in
    that language (these reasons were English on every page), with its own values as it typed
    them; the harvest's English page is as it was."""
    (tmp_path / "inventory.csv").write_text(
        "Inventory No,Title,Date\n"
        "A1,Vase,1850\n"
        "A2,Bol,zz-qq\n"
        "A3,Plat,1900,en trop\n"
        "A1,Vase bleu,1851\n",
        encoding="utf-8",
    )
    (tmp_path / "p.toml").write_text(
        '[mapping]\nname = "p"\nlanguage = "fr"\n[object]\nid = "Inventory No"\n'
        'titles = "Title"\n[object.production.date]\ntext = "Date"\n',
        encoding="utf-8",
    )
    (tmp_path / "museion.toml").write_text(
        f'[store]\npath = "store"\n[publish]\nbase_iri = "{BASE}"\n[[sources]]\nname = "p"\n'
        'kind = "files"\nlocation = "inventory.csv"\nmapping = "p.toml"\n'
        '[sources.partner]\nlabel = "P"\n',
        encoding="utf-8",
    )
    pipeline = Pipeline(load_config(tmp_path / "museion.toml"), jobs=1)
    [summary] = pipeline.harvest()
    assert summary.status == "held"  # 2 of 4 rows quarantined, more than the 5% allowed
    report = tmp_path / "store" / "reports" / "p.json"
    english = stored_report(report, "en")
    assert english is not None
    assert "the row has 4 fields but the header has 3" in english
    # The row is named from the partner's folder, here and in the public provenance graph.
    assert "inventory.csv, line 4" in "".join(str(t) for t in html.fromstring(english).itertext())
    assert str(tmp_path) not in english
    pipeline.publish_held("p", force=True)
    published = Workspace(tmp_path / "store").open_published()
    origins = [str(row["o"]) for row in published.select(ORIGINS)]
    published.close()
    assert sorted(origins) == [f"inventory.csv, line {n}" for n in (2, 3, 4, 5)]
    expected = {
        "fr": [
            "la ligne a 4 champs mais l’en-tête en a 3",
            "l’identifiant «\u00a0A1\u00a0» apparaît deux fois dans le flux",
            "texte de date «\u00a0zz-qq\u00a0» non compris ; gardé comme texte seulement",
            "2 des 4 notices (50%) ont été mises en quarantaine",
        ],
        "ar": [
            "في السطر 4 حقلًا لكن في سطر العناوين 3",
            "يرد المعرّف «A1» مرتين في التغذية",
            "لم يُفهم نص التاريخ «zz-qq»؛ حُفظ نصًّا فقط",
            "وُضع 2 من 4 سجل (50%) في الحجر",
        ],
    }
    for lang, sentences in expected.items():
        written = stored_report(report, lang)
        assert written is not None
        document = html.fromstring(written)
        shown = " ".join("".join(str(t) for t in document.itertext()).split())
        assert [s for s in sentences if " ".join(s.split()) not in shown] == []
        assert "the row has" not in shown
        assert not [e for e in document.iter("bdi") if e.get("lang") == "en"]
        # where the row was: its position's words in the reader's language too
        assert i18n.translate(", line {n}", lang).format(n=4) in shown
        assert "line 4" not in shown
    # On a phone each reason stands under its record, on the screen: beside a record named by
    # its file's whole path it was squeezed into a column past the screen's edge.
    with launch() as browser, guarded_page(browser, viewport=PHONE) as page:
        page.set_content(stored_report(report, "ar") or "")
        for box in (cell.bounding_box() for cell in page.locator("td.reason-text").all()):
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= PHONE["width"]
            assert box["width"] > PHONE["width"] / 2


@pytest.mark.parametrize(
    ("lang", "where"),
    [("en", "(inventaire.csv, line 4)"), ("fr", "(inventaire.csv, ligne 4)"),
     ("ar", "(inventaire.csv، السطر 4)")],
)  # fmt: skip
def test_a_quarantined_row_is_placed_in_the_file_as_the_partner_sent_it(
    reports: Path, tmp_path: Path, lang: str, where: str
) -> None:
    """ "(001-inventaire.csv, line 4)" in a French report: "line" in English, and the name the
    upload kept the file under, not the one the registrar sent."""
    uploads = UploadStore(tmp_path)
    sent = "C:\\Users\\registrar\\inventaire.csv"  # as an old browser sends it
    run = uploads.receive("tate", [(sent, io.BytesIO(b"N;T\r\n"))])
    names = uploads.sent_names("tate", run)
    assert names == {"001-inventaire.csv": "inventaire.csv"}
    report = json.loads((reports / "tate.json").read_text(encoding="utf-8"))
    row = {"record": "MG-4", "origin": "001-inventaire.csv, line 4", "reason": "a reason"}
    report["quarantined"] = [row]
    report["run"] = {**report["run"], "id": run}
    (tmp_path / "tate.json").write_text(json.dumps(report), encoding="utf-8")
    page = stored_report(tmp_path / "tate.json", lang, lambda run: uploads.sent_names("tate", run))
    assert page is not None
    shown = _text(html.fromstring(page), '//bdi[contains(@class, "place")]')
    assert shown == where
    assert "001-" not in shown
    # a run that was not an upload keeps its files' names
    assert "001-inventaire.csv" in (stored_report(tmp_path / "tate.json", lang) or "")


def _text(document: Any, path: str) -> str:
    """The text of the one element at ``path``."""
    [found] = document.xpath(path)
    return "".join(found.itertext())


@pytest.mark.parametrize(
    ("lang", "nothing", "complete", "removed"),
    [
        ("en", "Nothing from this run was published.", "complete inventory", "would have been"),
        ("fr", "Rien de cette moisson n’a été publié.", "inventaire complet", "auraient été"),
        ("ar", "لم يُنشر شيء من هذا الحصاد.", "جردك الكامل", "كان سيُحذف"),
    ],
)
def test_a_held_run_says_first_that_nothing_was_published_and_what_to_do(
    reports: Path, lang: str, nothing: str, complete: str, removed: str
) -> None:
    """A registrar who uploaded only her new objects read "9 records removed — no longer in
    the feed" and the gate's reason, and took her objects for gone: the report never said that
    nothing was published, that the data online was unchanged, nor what to do next."""
    report = json.loads((reports / "tate.json").read_text(encoding="utf-8"))
    before = report["counts"]["records_before"]
    gate = messages.GATE_RECORD_DROP(source="tate", before=10, after=1, drop="90%", limit="50%")
    held = {**report, "run": {**report["run"], "status": "held", "reason": gate}}
    held["diff"] = {**report["diff"], "removed_count": 9}
    document = html.fromstring(report_html(held, lang))
    said = " ".join(_text(document, '//*[@id="held"]').split())
    assert nothing in said
    assert str(before) in said  # what is still online
    assert complete in said  # send the complete inventory...
    asked = i18n.translate(
        "If the change is what you meant (the objects missing from the file were really "
        "withdrawn), ask the network's coordinator to publish this run.",
        lang,
    )
    assert asked in said  # ... or ask the coordinator to publish
    # ... and it comes before the reason and the counts
    body = html.tostring(document, encoding="unicode")
    assert body.index('id="held"') < body.index('class="reason"') < body.index("<h2>")
    summaries = ["".join(str(t) for t in e.itertext()) for e in document.iter("summary")]
    assert any(removed in text for text in summaries), summaries
    # the gate's configuration key is for the coordinator: set apart, still there
    key = _text(document, '//p[@class="reason"]//small[contains(@class, "setting")]')
    assert key == "(gates.max_record_drop)"
    kept = i18n.translate(
        "Records held for this source: {before}, unchanged; this run would have left {after}.",
        lang,
    )
    assert kept.format(before=before, after=report["counts"]["records_after"]) in body
    published = html.fromstring(report_html(report, lang))
    assert not published.xpath('//*[@id="held"]')


def test_a_long_quarantine_is_counted_by_kind_and_listed_in_part(reports: Path) -> None:
    """An export in the wrong encoding quarantines every row: the page said so 1,203 times.
    Each kind of reason is now counted once (whatever the row's values), the commonest first,
    and the first 500 records are listed, the JSON holding the rest."""
    report = json.loads((reports / "tate.json").read_text(encoding="utf-8"))
    undecodable = [
        messages.CSV_UNDECODABLE_CELL(byte="0xE9", column=f"Titre {n % 7}", encoding="utf-8")
        for n in range(1_200)
    ]
    others = [messages.DUPLICATE_IDENTIFIER(identifier=f"A{n}") for n in range(2)]
    # The same words for every record of a kind: the page gives them, values and all.
    alike = [messages.CSV_ROW_TOO_WIDE(fields=4, header=3)] * 2
    reasons = [*undecodable, *others, *alike, "a parser's own words"]
    report["quarantined"] = [
        {"record": None, "origin": f"inventory.csv, line {n + 2}", "reason": reason}
        for n, reason in enumerate(reasons)
    ]
    page = report_html(report, "fr")
    document = html.fromstring(page)
    kinds = [
        [" ".join("".join(str(t) for t in td.itertext()).split()) for td in tr.iter("td")]
        for table in document.iter("table")
        if table.get("id") == "quarantine-kinds"
        for tr in table.iter("tr")
    ][1:]
    assert kinds == [
        [
            "octet indécodable … dans la colonne « … » (la source déclare le codage …) ; "
            "donnez à `encoding` de cette source le vrai codage du fichier",
            "1200",
        ],
        ["l’identifiant « … » apparaît deux fois dans le flux, avec des contenus différents ; "
         "seule sa première notice a été gardée", "2"],
        ["la ligne a 4 champs mais l’en-tête en a 3", "2"],
        ["a parser's own words", "1"],
    ]  # fmt: skip
    assert len([td for td in document.iter("td") if td.get("class") == "reason-text"]) == 500
    assert "… et 705 autres : le JSON du rapport les liste toutes." in page


def test_a_report_kept_as_a_file_fits_a_phone(reports: Path) -> None:
    """The report page on its own (as the harvest keeps it, and as the site serves it inside
    its header) at a phone's width in Debian's chromium: its charts shrink to the screen, a
    wide table scrolls by itself, and the runs chart's caption wraps as text (drawn inside
    the chart, a short history clipped it)."""
    with launch() as browser:
        for lang in ("en", "fr", "ar"):
            page_html = stored_report(reports / "tate.json", lang)
            assert page_html is not None
            with guarded_page(browser, viewport=PHONE) as page:
                page.set_content(page_html)
                width = page.evaluate("document.scrollingElement.scrollWidth")
                assert width <= PHONE["width"], lang
                caption = i18n.translate("records held after each run (red: held)", lang)
                assert page.locator("svg text", has_text=caption).count() == 0
                assert page.locator("p", has_text=caption).is_visible()
                # the coverage bars' labels keep the text's size (a drawing shrunk to the
                # screen drew them at 10 pixels)
                labels = page.locator(".chart .chart-label")
                assert labels.count() >= 7
                sizes = labels.evaluate_all(
                    "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
                )
                body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
                assert min(sizes) == body >= 14, lang


def test_a_workbook_that_cannot_be_read_is_explained_in_the_reader_s_language(
    reports: Path, tmp_path: Path
) -> None:
    """A spreadsheet export whose sheet was renamed, a CSV sent where a workbook was expected,
    and a JSON record nested past reading: these reasons were English on every page."""
    book = write_xlsx(tmp_path / "book.xlsx", [["id", "title"], [1, "x"]], other_sheets=["Notes"])
    unreadable = [
        next(iter(read_sheet(book.read_bytes(), sheet="Objets"))),
        next(iter(read_sheet(b"id,title\n1,x\n"))),
    ]
    reasons = [item.reason for item in unreadable if isinstance(item, Unreadable)]
    assert len(reasons) == 2
    with pytest.raises(ValueError, match="nested") as deep:
        load_json("[" * 100_000)
    reasons.append(messages.PAYLOAD_NOT_JSON(detail=deep.value))
    report = json.loads((reports / "tate.json").read_text(encoding="utf-8"))
    report["quarantined"] = [
        {"record": None, "origin": "book.xlsx, workbook", "reason": reason} for reason in reasons
    ]
    expected = {
        "fr": [
            "le classeur n’a pas de feuille «\u00a0Objets\u00a0» ; ses feuilles : "
            "'Inventory', 'Notes'",
            "pas un tableur que ce lecteur connaisse (xlsx, xls, ods) :",
            "le contenu n’est pas du JSON : imbriqué trop profondément pour être lu",
        ],
        "ar": [
            "لا ورقة «Objets» في المصنف؛ أوراقه: 'Inventory', 'Notes'",
            "ليس جدولًا إلكترونيًا يعرفه هذا القارئ (xlsx أو xls أو ods):",
            "متداخل بعمق لا تمكن معه قراءته",
        ],
    }
    for lang, sentences in expected.items():
        document = html.fromstring(report_html(report, lang))
        shown = " ".join(
            " ".join("".join(str(t) for t in td.itertext()).split())
            for td in document.iter("td")
            if td.get("class") == "reason-text"
        )
        assert [s for s in sentences if " ".join(s.split()) not in shown] == [], shown
