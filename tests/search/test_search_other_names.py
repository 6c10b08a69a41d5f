"""A maker's other names (a partner's alternative names for a reconciled maker) are asked
for in Arabic script as the name shown is: La Primavera's Uffizi record names Botticelli
"Botticelli, Sandro", "Sandro Botticelli" and "Filipepi, Alessandro"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from museion import load_config
from museion.cli import run_harvest
from tests.conftest import DATA
from tests.helpers.endpoint import Live, live_endpoint

PRIMAVERA = DATA / "lido" / "LIDO-v1.1-Example_FMobj00154983-LaPrimavera.xml"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder: Path = tmp_path_factory.mktemp("other-names")
    path = folder / "museion.toml"
    path.write_text(
        '[store]\npath = "data"\n[publish]\nbase_iri = "http://localhost:8000/"\n'
        '[[sources]]\nname = "uffizi"\nkind = "files"\n'
        f'location = "{PRIMAVERA.as_posix()}"\nmapping = "lido"\n'
        '[sources.partner]\nlabel = "Uffizien"\n',
        encoding="utf-8",
    )
    run_harvest(load_config(path))
    with live_endpoint(path, "--query-processes", "1") as server:
        yield server


def search(live: Live, q: str) -> dict[str, Any]:
    reply = requests.get(live.url + "/search", params={"q": q, "format": "json"}, timeout=30)
    assert reply.status_code == 200
    answer: dict[str, Any] = reply.json()
    return answer


def test_an_alternative_name_is_found_in_arabic_script(live: Live) -> None:
    """ "فيليبيبي" (Filipepi) has the consonants of Botticelli's alternative name, which had
    no key in ``names``: only the name shown did."""
    answer = search(live, "فيليبيبي")
    assert answer["total"] == 1
    assert [hit["makers"] for hit in answer["hits"]] == [["Botticelli, Sandro"]]


def test_a_misspelling_beside_an_alternative_name_is_mended(live: Live) -> None:
    """The alternative name in Arabic script beside a misspelt title: the title is mended
    and the name kept, and the mended search finds the work (it found nothing, and was not
    offered, while the name had no key)."""
    assert search(live, "فيليبيبي Primavra")["suggestion"] == {
        "q": "فيليبيبي Primavera",
        "total": 1,
    }
    # and in Latin script, as before: the alternative name is one of the texts' words
    assert search(live, "Filipepo")["suggestion"] == {"q": "Filipepi", "total": 1}
