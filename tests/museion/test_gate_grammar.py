"""A gate's reason for one record: "1 of the 5 records of tate are no longer in the feed", "1
of 9 records were quarantined". One record is said in the singular now. The plural templates
are unchanged, and they are the keys stored reports are recognised by (``messages.recognise``,
then ``sparql/data/i18n/messages.toml``): a report written with "1 of 5 records ... were" is
still recognised, and read in French and Arabic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from museion import load_config
from museion.config import SourceConfig
from museion.gates import gate
from museion_core import messages
from publish import HarvestSummary, Rejection
from sparql import i18n
from sparql.report_page import stored_report
from tests.conftest import files_source


@pytest.fixture
def source(tmp_path: Path) -> SourceConfig:
    config = tmp_path / "museion.toml"
    config.write_text(
        '[publish]\nbase_iri = "https://data.example.org/"\n'
        + "[[sources]]\n"
        + files_source("tate", tmp_path, "tate", gates="{ min_records = 1 }")
    )
    return load_config(config).source("tate")


def summary(**counts: int) -> HarvestSummary:
    rejected = counts.pop("rejected", 0)
    made = HarvestSummary(
        "tate", rejections=[Rejection(f"r{n}", "the record has no title") for n in range(rejected)]
    )
    for name, count in counts.items():
        setattr(made, name, count)
    return made


@pytest.mark.parametrize(
    ("counts", "said"),
    [
        (
            {"read": 9, "rejected": 1, "records_before": 0, "records_after": 8},
            "1 record of 9 (11%) was quarantined, more than the 5% allowed (gates.max_quarantined)",
        ),
        (
            {"read": 9, "rejected": 2, "records_before": 0, "records_after": 7},
            "2 of 9 records (22%) were quarantined, more than the 5% allowed "
            "(gates.max_quarantined)",
        ),
        (
            {"records_before": 5, "records_after": 5, "absent": 1, "new": 1},
            "1 record of tate is no longer in the feed (20% of the 5 it held), more than the "
            "10% allowed (gates.max_record_drop), while 1 new one came in: was its id changed?",
        ),
        (
            {"records_before": 5, "records_after": 5, "absent": 1, "new": 2, "deleted": 1},
            "1 record of tate is no longer in the feed (20% of the 5 it held), more than the "
            "10% allowed (gates.max_record_drop), while 2 new ones came in: was its id changed?",
        ),
        (
            {"records_before": 20, "records_after": 18, "absent": 3, "new": 1},
            "3 of the 20 records of tate are no longer in the feed (15%), more than the 10% "
            "allowed (gates.max_record_drop), while 1 new one came in: were the ids changed?",
        ),
        (
            {"records_before": 20, "records_after": 20, "absent": 3, "new": 3},
            "3 of the 20 records of tate are no longer in the feed (15%), more than the 10% "
            "allowed (gates.max_record_drop), while 3 new ones came in: were the ids changed?",
        ),
        (
            {"records_before": 9, "records_after": 1},
            "the run would shrink tate from 9 records to 1 (-89%), more than the 10% allowed "
            "(gates.max_record_drop)",
        ),
        (
            {"records_before": 9, "records_after": 0},
            "the run would shrink tate from 9 to 0 records (-100%), more than the 10% allowed "
            "(gates.max_record_drop)",
        ),
    ],
)
def test_a_gate_s_reason_agrees_with_its_counts(
    source: SourceConfig, counts: dict[str, int], said: str
) -> None:
    held = gate(summary(**counts), source)
    assert held == said
    assert messages.recognise(said) is not None
    for lang in ("fr", "ar"):  # each reason has its translation
        with i18n.using(lang):
            shown = str(i18n.message_html(said))
        assert 'lang="en"' not in shown, shown


OLD = {
    "1 of 5 records (20%) were quarantined, more than the 5% allowed (gates.max_quarantined)": (
        "notices mises en quarantaine : 1 sur 5 (20%)",
        "السجلات الموضوعة في الحجر: 1 من أصل 5 (20%)",
    ),
    "1 of the 5 records of tate are no longer in the feed (20%), more than the 10% allowed "
    "(gates.max_record_drop), while 1 new ones came in: were the ids changed?": (
        "notices de tate qui ne sont plus dans le flux : 1 sur 5 (20%)",
        "سجلات tate التي لم تعد في التغذية: 1 من أصل 5 (20%)",
    ),
}
"""Reasons as reports kept before the singular said them, and how the pages read them."""


@pytest.mark.parametrize("reason", list(OLD))
def test_a_report_written_in_the_old_wording_is_still_read(
    reason: str, tmp_path: Path, source: SourceConfig
) -> None:
    report = _report(reason)
    (tmp_path / "tate.json").write_text(json.dumps(report), encoding="utf-8")
    (tmp_path / "tate.html").write_text("<html><body>as written</body></html>")
    for lang, expected in zip(("fr", "ar"), OLD[reason], strict=True):
        page = stored_report(tmp_path / "tate.json", lang)
        assert page is not None
        assert page != "<html><body>as written</body></html>"  # rendered, not the fallback
        document = html.fromstring(page)
        shown = " ".join("".join(str(t) for t in document.itertext()).split())
        assert " ".join(expected.split()) in shown, shown
        assert "were quarantined" not in shown
        assert "are no longer" not in shown


def _report(reason: str) -> dict[str, Any]:
    """A held run's report, as the JSON an earlier Museion kept."""
    return {
        "source": "tate",
        "partner": "Tate",
        "generated": "2026-12-01T10:00:00Z",
        "run": {"id": "20261201T100000000000Z-abcd", "status": "held", "reason": reason,
                "started": "2026-12-01T09:59:00Z", "ended": "2026-12-01T10:00:00Z",
                "mapping": "tate", "remap": False},
        "counts": {"read": 5, "new": 0, "changed": 0, "unchanged": 4, "deleted": 0,
                   "quarantined": 1, "records_before": 5, "records_after": 5},
        "quarantined": [{"record": "A5", "origin": "a.csv, line 6",
                         "reason": "the record has no title"}],
        "coverage": {"objects": 5, "fields": [], "dates_not_understood": 0},
        "object_id": {"share": 0.0, "complete": 0, "elements_total": 10, "elements": [],
                      "records": [], "incomplete": 0},
        "local_terms": [], "unparsed": [], "warnings": [], "notes_unknown": 0,
        "vocab_tables": True, "unused_fields": [], "missing_fields": [],
        "diff": {"added": [], "changed": [], "removed": [], "added_count": 0,
                 "changed_count": 0, "removed_count": 0, "edits": {}},
        "history": [],
    }  # fmt: skip
