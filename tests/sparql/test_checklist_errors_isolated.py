"""A checklist's refusal names what the curator sent (a checklist's id, an export format, an
object's IRI): on an Arabic page a Latin id, on an English page an Arabic one, each isolated
(``<bdi>``) so that it keeps its own order. The English messages quoted the value as Python
does (``{ident!r}``), which no translation could isolate; they quote it in their words now.

The app is called in this process: a refusal asks none of its query processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html
import pytest

from sparql.app import create_app
from sparql.settings import EndpointSettings
from tests.helpers.asgi import asgi_get


@pytest.fixture
def app(tmp_path: Path) -> Any:
    settings = EndpointSettings(
        base_iri="https://data.example.org/",
        published_dir=tmp_path,
        checklists_path=tmp_path / "checklists.sqlite",
    )
    return create_app(settings)


def _error(app: Any, path: str, lang: str) -> lxml.html.HtmlElement:
    status, body = asgi_get(app, path, lang=lang)
    assert status == 404
    [error] = lxml.html.fromstring(body).cssselect('p.error[role="alert"]')
    return error


@pytest.mark.parametrize(
    ("lang", "ident", "said"),
    [
        ("en", "قائمة-الصيف", "there is no checklist “قائمة-الصيف”"),
        ("fr", "summer-show", "il n’y a pas de liste « summer-show »"),
        ("ar", "summer-show", "لا توجد قائمة «summer-show»"),
    ],
)
def test_a_checklist_that_is_not_there_is_named_isolated(
    app: Any, lang: str, ident: str, said: str
) -> None:
    error = _error(app, f"/checklists/{ident}", lang)
    assert error.text_content() == said
    assert [b.text for b in error.cssselect("bdi")] == [ident]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "no export as “pdf” (csv, xlsx, jsonld)"),
        ("fr", "pas d’export au format « pdf » (csv, xlsx, jsonld)"),
        ("ar", "لا تصدير بصيغة «pdf» (csv، xlsx، jsonld)"),
    ],
)
def test_an_export_format_that_is_not_one_is_named_isolated(app: Any, lang: str, said: str) -> None:
    error = _error(app, "/checklists/summer-show.pdf", lang)
    assert error.text_content() == said
    assert [b.text for b in error.cssselect("bdi")] == ["pdf"]


def test_no_message_of_the_checklists_quotes_a_value_as_python_does() -> None:
    """A translation fills in a value as it is, in its own quotes: ``!r`` would quote it
    twice, or write the ``<bdi>`` around it as Python's repr of the markup."""
    from sparql import i18n

    for lang in ("fr", "ar"):
        for english, translation in i18n.catalogue()[lang].items():
            if "checklist" in english or "Museion describes" in english:
                assert "!r}" not in english + translation
