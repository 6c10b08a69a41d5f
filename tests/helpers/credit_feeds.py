"""A CMOA-like files feed whose records differ only in their credit lines: the donors a test
names, and changes between harvests."""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["write_credit_feed"]


def write_credit_feed(folder: Path, credits: dict[str, str]) -> None:
    """Make ``folder`` hold one record per entry of ``credits`` (local id → credit line), and
    no other: a record left out is withdrawn by the next harvest."""
    for old in folder.glob("*.json"):
        old.unlink()
    for ident, credit in credits.items():
        record = {
            "id": f"cmoa:things/{ident}",
            "title": f"Still life {ident}",
            "accession_number": f"2024.{ident}",
            "credit_line": credit,
            "date_acquired": "2024-01-02",
            "classification": "Paintings",
            "creator": [],
        }
        (folder / f"{ident}.json").write_text(json.dumps(record), encoding="utf-8")
