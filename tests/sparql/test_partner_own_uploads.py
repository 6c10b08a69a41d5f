"""What a partner museum sees of its own uploads, on a live ``museion serve`` with every upload
sent as the source page's form sends it (the token in a field, the files after it).

The Small Museum (``small``, the spreadsheet template's mapping) sends its inventory as a CSV
and it is published; then it sends a PDF in its place, named ``inventaire.csv``. That upload
held one "record", the file, quarantined whole: too small a share of the source for the
quarantine gate, it was published, "publié" with 0 new records. Nothing of it could be read,
so nothing was published: the upload's page, the source's report and the partners list say so,
and why, in English, French and Arabic.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from lxml import html

from museion_core import messages
from sparql import i18n
from tests.helpers.endpoint import Live, live_endpoint
from tests.helpers.sheets import write_xlsx
from tests.helpers.uploads import run_ended

TOKEN = "small-upload-token-0123456789"
HTML = "text/html,application/xhtml+xml,*/*;q=0.8"
INVENTORY = (
    "Inventory number,Title,Date\r\n2024.1,Vase,1890\r\n2024.2,Bowl,1901\r\n2024.3,Jug,1925\r\n"
    ",A row someone forgot to number,1930\r\n"
)
SENT_AS = "inventaire 2024.csv"
"""The inventory's name as the partner sends it (kept as ``001-inventaire_2024.csv``)."""
STORED = re.compile(r"\b[0-9]{3}-inventaire")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
LANGS = ("en", "fr", "ar")


@dataclass
class Sent:
    live: Live
    published: str
    """The id of the inventory's upload, published."""
    pdf: str
    """The id of the upload of a PDF sent as ``inventaire.csv``."""
    held: dict[str, str]
    """The source's page (``/sources/small``) in each language once that upload was held."""
    listed: dict[str, str]
    """The partners list (``/sources/``) in each language then."""
    failed: str
    """The id of the upload after it, whose run failed (the data directory's writer lock
    could not be taken)."""
    after_failure: dict[str, str]
    """The source's page (``/sources/small``) in each language once that upload had failed."""
    remapped: dict[str, str]
    """The source's page in each language once the coordinator had remapped its records."""


def _send(live: Live, name: str, content: bytes) -> str:
    """Send ``content`` as file ``name`` by the source page's form; the upload's id once its
    run has ended."""
    r = requests.post(
        f"{live.url}/sources/small/upload",
        data={"token": TOKEN},
        files={"files": (name, content, "text/csv")},
        headers={"Accept": HTML},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 303, r.text
    url = live.url + r.headers["Location"]
    run_ended(url)
    return url.rsplit("/", 1)[1]


def _config(folder: Path) -> Path:
    """A source ``small`` whose partner only uploads, with the spreadsheet template's mapping."""
    (folder / "feed").mkdir()
    config = folder / "museion.toml"
    config.write_text(
        f"""
[store]
path = "store"
[publish]
base_iri = "https://data.example.org/"

[[sources]]
name = "small"
kind = "files"
location = "{(folder / "feed").as_posix()}"
mapping = "template"
[sources.partner]
label = "Small Museum"
token = "{TOKEN}"
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sent]:
    config = _config(tmp_path_factory.mktemp("own-uploads"))
    with live_endpoint(config) as live:
        published = _send(live, SENT_AS, INVENTORY.encode())
        pdf = _send(live, "inventaire.csv", PDF)
        held = {lang: _get(live, "/sources/small", lang) for lang in LANGS}
        listed = {lang: _get(live, "/sources/", lang) for lang in LANGS}
        lock = live.config.data_dir / "writer.lock"
        lock.unlink(missing_ok=True)
        lock.mkdir()  # the run cannot take the writer lock: "Is a directory"
        failed = _send(live, SENT_AS, INVENTORY.encode())
        lock.rmdir()
        after = {lang: _get(live, "/sources/small", lang) for lang in LANGS}
        # the coordinator maps the stored records again: the unnumbered row the first upload
        # quarantined is still in quarantine, an earlier run's entry in the remap's report
        remap = [sys.executable, "-m", "museion", "--config", str(config), "remap", "small"]
        done = subprocess.run(remap, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        remapped = {lang: _get(live, "/sources/small", lang) for lang in LANGS}
        yield Sent(live, published, pdf, held, listed, failed, after, remapped)


def _get(live: Live, path: str, lang: str) -> str:
    r = requests.get(f"{live.url}{path}", params={"lang": lang}, headers={"Accept": HTML})
    assert r.status_code == 200, r.text
    return r.text


def _text(page: str) -> str:
    document: html.HtmlElement = html.document_fromstring(page)
    return " ".join(document.text_content().split())


def _page(live: Live, path: str, lang: str) -> str:
    return _text(_get(live, path, lang))


def _said(text: str, lang: str) -> str:
    return " ".join(i18n.translate(text, lang).split())


def test_an_upload_of_which_nothing_could_be_read_published_nothing(sent: Sent) -> None:
    upload = f"{sent.live.url}/sources/small/uploads/{sent.pdf}"
    status = requests.get(upload, params={"format": "json"}, timeout=30).json()
    assert status["status"] == "held", status
    assert status["reason"] == messages.GATE_NOTHING_READ()
    counts = status["report"]["counts"]
    assert (counts["new"], counts["quarantined"], counts["records_after"]) == (0, 1, 3)
    published = requests.get(
        f"{sent.live.url}/sources/small/uploads/{sent.published}",
        params={"format": "json"},
        timeout=30,
    ).json()
    assert published["status"] == "published"  # the inventory sent before it stays online


@pytest.mark.parametrize("lang", LANGS)
def test_the_upload_s_page_and_report_say_nothing_was_published_and_why(
    sent: Sent, lang: str
) -> None:
    upload = f"/sources/small/uploads/{sent.pdf}"
    for path, page in ((upload, _page(sent.live, upload, lang)), ("/", _text(sent.held[lang]))):
        assert _said("Nothing from this run was published.", lang) in page, path
        assert _said(messages.GATE_NOTHING_READ(), lang) in page, path
        assert _said("published", lang) + " ·" not in page  # not shown as published
        # why: the file is a PDF, with the partner's own name for it
        assert "inventaire.csv" in page
        assert "PDF" in page
        assert not STORED.search(page), path  # "001-inventaire.csv could not be read at all"
        none = "Until they are corrected, there is nothing of yours to publish: none of your "
        assert _said(none + "records could be read.", lang) in page, path


@pytest.mark.parametrize("lang", LANGS)
def test_the_partners_list_says_nothing_was_published_and_why(sent: Sent, lang: str) -> None:
    page = _text(sent.listed[lang])
    assert f"({_said('held', lang)}" in page
    assert _said(messages.GATE_NOTHING_READ(), lang) in page


@pytest.mark.parametrize("lang", LANGS)
def test_the_source_s_page_says_its_latest_upload_failed_and_links_to_why(
    sent: Sent, lang: str
) -> None:
    """The partners list said an upload had failed; the source's own page showed the report
    of the run before it, as if the files had never come."""
    page = sent.after_failure[lang]
    text = _text(page)
    assert _said("Your latest upload failed ({when}).", lang).split("(")[0] in text
    before = "Nothing of it was published: the report below is of the run before it."
    assert _said(before, lang) in text
    assert _said(messages.UPLOAD_NOT_WRITTEN(), lang) in text
    document: html.HtmlElement = html.document_fromstring(page)
    links = document.cssselect("a#upload-failed-link")
    assert [a.get("href") for a in links] == [f"/sources/small/uploads/{sent.failed}"]
    assert links[0].text_content() == _said("Why the upload failed", lang)
    status = requests.get(
        f"{sent.live.url}/sources/small/uploads/{sent.failed}",
        params={"format": "json"},
        timeout=30,
    ).json()
    assert status["status"] == "failed"


@pytest.mark.parametrize("lang", LANGS)
def test_earlier_runs_entries_name_the_files_as_they_were_sent(sent: Sent, lang: str) -> None:
    """The remap's report lists the row the first upload quarantined: its file was named as
    the server stored it ("001-inventaire_2024.csv, line 5"), since only the remap's own
    files (none) were looked up."""
    text = _text(sent.remapped[lang])
    assert _said("remap of stored records", lang) in text
    assert SENT_AS in text
    assert not STORED.search(text)


def test_the_same_records_sent_as_xlsx_after_csv_are_unchanged(tmp_path: Path) -> None:
    """The inventory sent as a CSV, then the same values as Excel's workbook: a year and a
    height are number cells there (1890, 45.0), text in the CSV ("1890", "45"). Every record
    was "changed", "mapped again by a new version of the mapping"; the sheet's numbers are
    now read as the CSV writes them, and nothing changed."""
    rows: list[list[str | float]] = [
        ["Inventory number", "Title", "Date from", "Measurements"],
        ["2024.1", "Vase", 1890, "45 cm"],
        ["2024.2", "Bowl", 1901.0, "12.5 cm"],
        ["2024.3", "Jug", 1925, "30 cm"],
    ]
    csv = "".join(",".join(str(v).removesuffix(".0") for v in row) + "\r\n" for row in rows)
    sheet = write_xlsx(tmp_path / "inventaire.xlsx", rows)
    with live_endpoint(_config(tmp_path)) as live:
        first = _send(live, "inventaire.csv", csv.encode())
        again = _send(live, "inventaire.xlsx", sheet.read_bytes())
        url = f"{live.url}/sources/small/uploads/"
        before = requests.get(url + first, params={"format": "json"}, timeout=30).json()
        after = requests.get(url + again, params={"format": "json"}, timeout=30).json()
    assert before["report"]["counts"]["new"] == 3
    counts = after["report"]["counts"]
    assert (after["status"], counts["changed"], counts["unchanged"]) == ("published", 0, 3)
