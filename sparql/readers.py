"""What the pages for people share: running their few queries, and reading RDF terms as text.

Every page for people (object, person, group, place, partner) is built from a handful of
SELECT queries run in the query process against the published snapshot, like any other read.
The queries are written with the closed vocabulary (``museion_core.vocab``) so a typo in a term
fails at import, never silently matches nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pyoxigraph import Literal, NamedNode, QuerySolutions

from museion_core.errors import QueryError
from museion_core.instants import instant_year
from museion_core.prefixes import ALL_PREFIXES, prologue
from museion_core.vocab import CRM, LA, RDFS

if TYPE_CHECKING:
    from pyoxigraph import BlankNode, Triple

    from .executor import Worker

    Term = NamedNode | Literal | BlankNode | Triple

__all__ = [
    "Text",
    "Work",
    "in_language",
    "iri_ref",
    "local_href",
    "pick",
    "select",
    "works_by_partner",
    "year",
]

PREFIXES = prologue(ALL_PREFIXES)
"""Prefixes taken from the closed vocabulary's own terms, for readable queries below."""


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
    how: Text = Text("")
    """For an object acquired from someone: how (the acquisition's type: gift, bequest…)."""


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


def union_over(var: str, values: Iterable[str], branches: Iterable[str]) -> str:
    """``{ VALUES ?var {…} branch } UNION { VALUES ?var {…} branch } …``.

    Oxigraph evaluates each branch of a UNION by itself and joins the VALUES afterwards, so
    with the VALUES outside, every branch would scan the store for all its matches (seconds,
    not milliseconds); inside, each branch starts from the given IRIs."""
    block = f"VALUES ?{var} {{ {' '.join(iri_ref(v) for v in values)} }}"
    return "\n  UNION ".join(f"{{ {block}\n    {branch} }}" for branch in branches)


def text_of(term: object) -> Text:
    if isinstance(term, Literal):
        return Text(term.value, term.language or "")
    if isinstance(term, NamedNode):
        return Text(term.value)
    return Text(str(term))


def in_language(tag: str, lang: str) -> bool:
    """Whether a text tagged ``tag`` is in the reader's language ``lang`` ("fr"): by its
    primary subtag, in any case ("fr-CA", "FR"); ``lang`` "" asks for a text with no tag."""
    return tag.partition("-")[0].lower() == lang


def pick(texts: list[Text], lang: str) -> Text | None:
    """The text in the reader's language; else English; else one with no tag; else any."""
    for wanted in (lang, "en", ""):
        for text in texts:
            if in_language(text.lang, wanted):
                return text
    return texts[0] if texts else None


def year(term: object) -> str:
    """The year of an ``xsd:dateTime`` (``-0500`` for 501 BCE, as the data writes it)."""
    value = term.value if isinstance(term, Literal) else str(term or "")
    found = instant_year(value)
    if found is None:
        return ""
    return str(found) if found >= 0 else f"-{-found:04d}"


def local_href(iri: str, base: str) -> str:
    """Where a link to ``iri`` goes: a minted IRI to its page on this host (the path after
    the base IRI's host), any other IRI to itself."""
    if iri.startswith(base):
        return urlsplit(base).path + iri[len(base) :]
    return iri


_MADE_BY = [
    f"?prod {CRM.P14_carried_out_by} ?m . ?work {CRM.P108i_was_produced_by} ?prod",
    f"""?part {CRM.P14_carried_out_by} ?m . ?prod {CRM.P9_consists_of} ?part .
    ?work {CRM.P108i_was_produced_by} ?prod""",
]
_MADE_AT = [
    f"?prod {CRM.P7_took_place_at} ?m . ?work {CRM.P108i_was_produced_by} ?prod",
    f"""?part {CRM.P7_took_place_at} ?m . ?prod {CRM.P9_consists_of} ?part .
    ?work {CRM.P108i_was_produced_by} ?prod""",
]
_KEPT_BY = [f"?work {CRM.P50_has_current_keeper} ?m"]
WORKS_BY = {"maker": _MADE_BY, "place": _MADE_AT, "keeper": _KEPT_BY}
"""How works relate to the entities a list of works is about: made by (directly, or by a
part of the production), made at, kept by."""


def works_of(
    worker: Worker, relation: str, members: Iterable[str], limit: int, lang: str
) -> tuple[list[Work], int]:
    """The works ``relation`` (``maker``, ``place``, ``keeper``) to any of ``members``, as
    cards, and how many there are (the cards stop at ``limit``).

    Two queries, each starting from the IRIs it is given (see :func:`union_over`): the works,
    then what a card shows of each — a join of both would make Oxigraph read every object's
    title, image and date first."""
    members = list(dict.fromkeys(members))
    if not members:
        return [], 0
    found = select(
        worker,
        f"SELECT DISTINCT ?work WHERE {{\n  {union_over('m', members, WORKS_BY[relation])}\n}}",
    )
    iris = sorted({text_of(row["work"]).value for row in found if "work" in row})
    return cards(worker, iris[:limit], lang), len(iris)


def cards(worker: Worker, iris: list[str], lang: str) -> list[Work]:
    """What a card shows of each work: titles, keeper and its label, an image, the date."""
    if not iris:
        return []
    branches = [
        f'?work {RDFS.label} ?v BIND("title" AS ?what)',
        f'?work {CRM.P50_has_current_keeper} ?v BIND("keeper" AS ?what)',
        f'?work {CRM.P50_has_current_keeper}/{RDFS.label} ?v BIND("keeperLabel" AS ?what)',
        f"""?work {CRM.P138i_has_representation}/{LA.digitally_shown_by}/{LA.access_point} ?v
    BIND("image" AS ?what)""",
        f"""?work {CRM.P108i_was_produced_by}/{CRM.P4_has_time_span}/{CRM.P1_is_identified_by}
      /{CRM.P190_has_symbolic_content} ?v BIND("date" AS ?what)""",
        # Not ``?work a ?v FILTER(?v = …)``: Virtuoso 7.2's compiler fails on that filter in
        # a branch of a UNION ("sparp_gp_deprecate(): equiv replaces filter").
        f"?work a {CRM.E22_Human_Made_Object} BIND({CRM.E22_Human_Made_Object} AS ?v) "
        'BIND("object" AS ?what)',
    ]
    query = f"SELECT ?work ?what ?v WHERE {{\n  {union_over('work', iris, branches)}\n}}"
    rows = select(worker, query)
    facts: dict[str, dict[str, list[Text]]] = {}
    for row in rows:
        work, what, value = row.get("work"), row.get("what"), row.get("v")
        if isinstance(work, NamedNode) and isinstance(what, Literal) and value is not None:
            facts.setdefault(work.value, {}).setdefault(what.value, []).append(text_of(value))
    base = worker.settings.base_iri
    works = []
    for iri in iris:
        f = facts.get(iri, {})
        if "object" not in f:
            continue  # a part (a frame) or something else the relation reached
        keeper = f.get("keeper", [Text("")])[0].value
        works.append(
            Work(
                iri=iri,
                href=local_href(iri, base),
                title=pick(f.get("title", []), lang) or Text(iri.rsplit("/", 1)[-1]),
                partner=(pick(f.get("keeperLabel", []), lang) or Text("")).value,
                partner_href=local_href(keeper, base) if keeper else "",
                date=f.get("date", [Text("")])[0].value,
                image=thumbnail(min(t.value for t in f["image"])) if f.get("image") else "",
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
