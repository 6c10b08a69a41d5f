"""What the pages for people share: running their few queries, and reading RDF terms as text.

Every page for people (object, person, group, place, partner) is built from a handful of
SELECT queries run in the query process against the published snapshot, like any other read.
The queries are written with the closed vocabulary (``mappings.vocab``) so a typo in a term
fails at import, never silently matches nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pyoxigraph import Literal, NamedNode, QuerySolutions

from mappings.vocab import CRM, LA, MUSEION, OWL, RDF, RDFS
from museion_errors import QueryError

if TYPE_CHECKING:
    from pyoxigraph import BlankNode, Triple

    from .executor import Worker

    Term = NamedNode | Literal | BlankNode | Triple

__all__ = [
    "Text",
    "Work",
    "iri_ref",
    "local_href",
    "pick",
    "select",
    "works_by_partner",
    "year",
]

PREFIXES = (
    f"PREFIX crm: <{CRM.P1_is_identified_by.value.rsplit('/', 1)[0]}/>\n"
    f"PREFIX la: <{LA.equivalent.value.rsplit('/', 1)[0]}/>\n"
    f"PREFIX museion: <{MUSEION.Aggregate.value.rsplit('#', 1)[0]}#>\n"
    f"PREFIX rdfs: <{RDFS.label.value.rsplit('#', 1)[0]}#>\n"
    f"PREFIX rdf: <{RDF.type.value.rsplit('#', 1)[0]}#>\n"
    f"PREFIX owl: <{OWL.annotatedSource.value.rsplit('#', 1)[0]}#>\n"
)
"""Prefixes taken from the closed vocabulary's own terms, for readable queries below."""

_YEAR = re.compile(r"^(-?\d{1,6})")


@dataclass(frozen=True)
class Text:
    """A text with its language tag (``""`` when it has none), for ``lang_attrs``."""

    value: str
    lang: str = ""


@dataclass
class Work:
    """One work in a list of works: enough for a card with a thumbnail."""

    iri: str
    href: str
    title: Text
    partner: str
    partner_href: str
    date: str = ""
    image: str = ""
    makers: list[str] = field(default_factory=list)


def iri_ref(iri: str) -> str:
    """``<iri>`` for a query, refusing anything that is not an IRI (a request path is
    untrusted: ``>`` or a space in it must not end the IRI and start SPARQL)."""
    try:
        return str(NamedNode(iri))
    except ValueError as exc:
        raise QueryError(f"not an IRI: {iri!r}", http_status=404) from exc


def select(worker: Worker, query: str) -> list[dict[str, Term]]:
    """The rows of a SELECT query over the snapshot, each a dict of the bound variables."""
    results = worker.store().query(PREFIXES + query)
    if not isinstance(results, QuerySolutions):
        raise QueryError("a page query must be a SELECT", http_status=500)
    names = [v.value for v in results.variables]
    rows: list[dict[str, Term]] = []
    for solution in results:
        row = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = value
        rows.append(row)
    return rows


def text_of(term: object) -> Text:
    if isinstance(term, Literal):
        return Text(term.value, term.language or "")
    if isinstance(term, NamedNode):
        return Text(term.value)
    return Text(str(term))


def pick(texts: list[Text], lang: str) -> Text | None:
    """The text in the reader's language; else English; else one with no tag; else any."""
    for wanted in (lang, "en", ""):
        for text in texts:
            if text.lang.split("-")[0].lower() == wanted:
                return text
    return texts[0] if texts else None


def year(term: object) -> str:
    """The year of an ``xsd:dateTime`` (``-0500`` for 501 BCE stays as the data says)."""
    value = term.value if isinstance(term, Literal) else str(term or "")
    match = _YEAR.match(value)
    if not match:
        return ""
    digits = match.group(1)
    if digits.startswith("-"):
        return digits
    return digits.lstrip("0") or "0"


def local_href(iri: str, base: str) -> str:
    """Where a link to ``iri`` goes: a minted IRI to its page on this host (the path after
    the base IRI's host), any other IRI to itself."""
    if iri.startswith(base):
        return urlsplit(base).path + iri[len(base) :]
    return iri


def titles_from(concat: str) -> list[Text]:
    """Titles packed by ``GROUP_CONCAT(CONCAT(LANG(?t), "\\t", STR(?t)); SEPARATOR="\\n")``."""
    out = []
    for line in concat.split("\n"):
        lang, _, value = line.partition("\t")
        if value:
            out.append(Text(value, lang))
    return out


WORK_COLUMNS = """
  (GROUP_CONCAT(DISTINCT CONCAT(LANG(?t), "\\t", STR(?t)); SEPARATOR="\\n") AS ?titles)
  (SAMPLE(?k) AS ?keeper) (SAMPLE(?kl) AS ?keeperLabel) (SAMPLE(?img) AS ?image)
  (SAMPLE(?dn) AS ?date)"""
"""The columns of a list of works; the query's pattern binds ``?work`` and these."""

WORK_PATTERN = f"""
  ?work a <{CRM.E22_Human_Made_Object.value}> ; rdfs:label ?t .
  OPTIONAL {{ ?work crm:P50_has_current_keeper ?k . OPTIONAL {{ ?k rdfs:label ?kl }} }}
  OPTIONAL {{ ?work crm:P138i_has_representation/la:digitally_shown_by/la:access_point ?img }}
  OPTIONAL {{ ?work crm:P108i_was_produced_by/crm:P4_has_time-span/crm:P1_is_identified_by
                    /crm:P190_has_symbolic_content ?dn }}"""


def works_from(rows: list[dict[str, Term]], lang: str, base: str) -> list[Work]:
    """Rows of a works query (``?work`` and :data:`WORK_COLUMNS`) as cards."""
    works = []
    for row in rows:
        work = row.get("work")
        if not isinstance(work, NamedNode):
            continue
        title = pick(titles_from(text_of(row.get("titles", Literal(""))).value), lang)
        keeper = row.get("keeper")
        keeper_iri = keeper.value if isinstance(keeper, NamedNode) else ""
        works.append(
            Work(
                iri=work.value,
                href=local_href(work.value, base),
                title=title or Text(work.value),
                partner=text_of(row["keeperLabel"]).value if "keeperLabel" in row else "",
                partner_href=local_href(keeper_iri, base) if keeper_iri else "",
                date=text_of(row["date"]).value if "date" in row else "",
                image=thumbnail(text_of(row["image"]).value) if "image" in row else "",
            )
        )
    return works


def works_by_partner(works: list[Work], first: str = "") -> list[tuple[str, str, list[Work]]]:
    """Works grouped by the partner that keeps them: ``(partner, partner page, works)``, the
    partner ``first`` (if given) leading, then by name."""
    groups: dict[tuple[str, str], list[Work]] = {}
    for work in works:
        groups.setdefault((work.partner, work.partner_href), []).append(work)
    ordered = sorted(groups, key=lambda g: (g[0] != first if first else False, g[0].casefold()))
    return [(name, href, sorted(groups[(name, href)], key=_title_order)) for name, href in ordered]


def _title_order(work: Work) -> tuple[bool, str]:
    """By title as a reader alphabetises: "?View within…" under V, and the cataloguers'
    placeholders ("[title not known]", "[blank]") after the real titles."""
    title = work.title.value
    return title.startswith("["), _LEADING.sub("", title).casefold()


_LEADING = re.compile(r"^[\W_]+")


_IIIF = re.compile(
    r"^(?P<id>https?://.+?)/(?:full|square|\d+,\d+,\d+,\d+|pct:[\d.,]+)/"
    r"(?:full|max|!?\d*,\d*|pct:[\d.]+|\d+)/!?\d+(?:\.\d+)?/"
    r"(?:default|color|gray|bitonal|native)\.(?:jpg|jpeg|png|webp|gif|tif)$"
)


def iiif_id(url: str) -> str | None:
    """The IIIF Image API identifier of an image URL made by that API, else None."""
    match = _IIIF.match(url)
    if match:
        return match.group("id")
    if url.endswith("/info.json"):
        return url[: -len("/info.json")]
    return None


def thumbnail(url: str, size: int = 400) -> str:
    """A small version of an image: asked of the partner's IIIF server when it has one,
    else the image itself (the browser scales it)."""
    ident = iiif_id(url)
    return f"{ident}/full/!{size},{size}/0/default.jpg" if ident else url
