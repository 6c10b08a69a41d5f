"""Pages for persons, groups and places — reconciled across partners — and for partners.

A reconciled entity (``{base}person/{id}``, a ``museion:Aggregate``) stands for several
partners' records of one person; its page shows what each partner says (names, life dates
and places, web pages), why Museion decided they are one (the ``owl:Axiom`` the
reconciliation wrote: method, score, evidence), the works, grouped by the partner that
keeps them, and the objects the partners acquired from the person or group (gifts, bequests,
purchases: the party a credit line names), grouped the same way. A partner's own record of a
person gets the same page with one source, and a link to the reconciled one. A few queries a
page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode

from museion_core.vocab import AAT, CRM, LA, MUSEION, OWL, RDFS

from .objectpage import acquisition_method
from .readers import (
    Text,
    Work,
    cards,
    iri_ref,
    local_href,
    pick,
    select,
    text_of,
    union_over,
    works_by_partner,
    works_of,
    year,
)

if TYPE_CHECKING:
    from .executor import Worker
    from .readers import Term

__all__ = ["AgentPage", "PartnerPage", "agent_page", "partner_page"]

MAX_WORKS = 300
MAX_ACQUIRED_ROWS = 2000
"""The acquisitions read for a donor's page: one row per object and way it was acquired."""
MAX_PARTNER_WORKS = 60


@dataclass(frozen=True)
class Place(Text):
    """Where a person was born or died, with the place's page (``""``: none to link to)."""

    href: str = ""


@dataclass
class Source:
    """One partner's record of the entity, and how it was matched."""

    iri: str
    href: str
    partner: str
    partner_href: str
    names: list[Text] = field(default_factory=list)
    born: str = ""
    died: str = ""
    born_at: list[Place] = field(default_factory=list)
    died_at: list[Place] = field(default_factory=list)
    web_pages: list[str] = field(default_factory=list)
    method: str = ""
    score: str = ""
    evidence: list[str] = field(default_factory=list)


@dataclass
class AgentPage:
    iri: str
    kind: str
    """``person``, ``group`` or ``place``."""
    name: Text
    aggregate: bool
    across: str = ""
    """For a partner's own record: the page of the reconciled entity it belongs to."""
    life: str = ""
    sources: list[Source] = field(default_factory=list)
    authorities: list[str] = field(default_factory=list)
    works: list[tuple[str, str, list[Work]]] = field(default_factory=list)
    work_count: int = 0
    acquired: list[tuple[str, str, list[Work]]] = field(default_factory=list)
    """The objects the partners acquired from the person or group (gifts, bequests,
    purchases), grouped by partner like the works."""
    people: list[tuple[Text, str, str]] = field(default_factory=list)
    """For a place: (person, page, ``born``/``died``)."""


@dataclass
class PartnerPage:
    iri: str
    name: Text
    source: str
    report: str = "Harvest report"
    """What the link to the source's report calls it (``report_page.latest_report_link``)."""
    homepage: str = ""
    authorities: list[str] = field(default_factory=list)
    work_count: int = 0
    works: list[tuple[str, str, list[Work]]] = field(default_factory=list)


_KINDS = {
    CRM.E21_Person.value: "person",
    CRM.E74_Group.value: "group",
    CRM.E53_Place.value: "place",
}


def kind_of(types: set[str]) -> str | None:
    return next((_KINDS[t] for t in types if t in _KINDS), None)


def agent_page(worker: Worker, iri: str, types: set[str], lang: str) -> AgentPage | None:
    kind = kind_of(types)
    if kind is None:
        return None
    aggregate = MUSEION.Aggregate.value in types
    page = AgentPage(iri=iri, kind=kind, name=Text(iri), aggregate=aggregate)
    sources = _sources(worker, page)
    own = [iri] if aggregate else []
    facts = _facts(worker, [*own, *sources], [s.partner for s in sources.values() if s.partner])
    _describe_sources(page, sources, facts, lang)
    names = facts.get(iri, {}).get("label", []) or [n for s in page.sources for n in s.names]
    page.name = pick(names, lang) or Text(iri)
    born = sorted({s.born for s in page.sources if s.born})
    died = sorted({s.died for s in page.sources if s.died})
    if born or died:
        page.life = f"{'/'.join(born) or '?'}–{'/'.join(died) or '?'}"
    members = list(sources) or [iri]
    relation = "place" if kind == "place" else "maker"
    works, page.work_count = works_of(worker, relation, members, MAX_WORKS, lang)
    page.works = works_by_partner(works)
    if kind == "place":
        page.people = _people_of_place(worker, members)
    else:
        page.acquired = works_by_partner(_acquired_from(worker, members, lang))
    return page


def _acquired_from(worker: Worker, members: list[str], lang: str) -> list[Work]:
    """The objects acquired from any of ``members`` (the party an acquisition transferred
    title from: a credit line's donor, seller, testator), each with how it was acquired.

    Like :func:`readers.works_of`: the objects first, starting from the members' IRIs, then
    the cards; the labels of the few acquisition types by themselves."""
    acquired = [
        f"""?acq {CRM.P23_transferred_title_from} ?m ; {CRM.P24_transferred_title_of} ?work .
    OPTIONAL {{ ?acq {CRM.P2_has_type} ?type }}"""
    ]
    rows = select(
        worker,
        f"""SELECT DISTINCT ?work ?type WHERE {{
  {union_over("m", members, acquired)}
}} LIMIT {MAX_ACQUIRED_ROWS}""",
    )
    how: dict[str, list[str]] = {}
    for row in rows:
        obj, kind = row.get("work"), row.get("type")
        if isinstance(obj, NamedNode):
            found = how.setdefault(obj.value, [])
            if isinstance(kind, NamedNode) and kind.value not in found:
                found.append(kind.value)
    kinds = sorted({k for found in how.values() for k in found})
    labels: dict[str, list[Text]] = defaultdict(list)
    if kinds:
        refs = " ".join(iri_ref(k) for k in kinds)
        for row in select(
            worker, f"SELECT ?t ?l WHERE {{ VALUES ?t {{ {refs} }} ?t {RDFS.label} ?l }}"
        ):
            if isinstance(row.get("t"), NamedNode) and "l" in row:
                labels[text_of(row["t"]).value].append(text_of(row["l"]))
    works = cards(worker, sorted(how)[:MAX_WORKS], lang)
    for work in works:
        said = [pick(labels[k], lang) for k in how[work.iri] if labels.get(k)]
        shown = [acquisition_method(t, lang) for t in said if t is not None]
        if shown:
            work.how = Text(", ".join(t.value for t in shown), shown[0].lang)
    return works


def _sources(worker: Worker, page: AgentPage) -> dict[str, Source]:
    """The partners' records the entity stands for (itself, for a partner's own record), with
    the reconciliation's reasons; authority IRIs go to ``page.authorities``, and the reconciled
    entity a partner's record belongs to to ``page.across``."""
    base = worker.settings.base_iri
    iri = page.iri
    ref = iri_ref(iri)
    links = select(
        worker,
        f"""SELECT ?m ?method ?score ?evidence ?agg WHERE {{
  {{ {ref} {LA.equivalent} ?m }} UNION {{ BIND({ref} AS ?m) }}
  OPTIONAL {{ ?link {OWL.annotatedSource} {ref} ; {OWL.annotatedTarget} ?m ;
                    {MUSEION.method} ?method .
             OPTIONAL {{ ?link {MUSEION.score} ?score }}
             OPTIONAL {{ ?link {MUSEION.evidence} ?evidence }} }}
  OPTIONAL {{ ?agg {LA.equivalent} {ref} ; a {iri_ref(MUSEION.Aggregate.value)} }}
}}""",
    )
    sources: dict[str, Source] = {}
    for row in links:
        member = row.get("m")
        if not isinstance(member, NamedNode):
            continue
        if isinstance(row.get("agg"), NamedNode):
            page.across = local_href(text_of(row["agg"]).value, base)
        if not member.value.startswith(base):
            if member.value not in page.authorities:
                page.authorities.append(member.value)
            continue
        if member.value == iri and page.aggregate:
            continue
        source = sources.get(member.value)
        if source is None:
            partner = _partner_of(member.value, base)
            source = Source(member.value, local_href(member.value, base), partner, "")
            source.partner_href = local_href(partner, base) if partner else ""
            sources[member.value] = source
        _add_reasons(source, row)
    return sources


def _add_reasons(source: Source, row: dict[str, Term]) -> None:
    if "method" in row:
        source.method = text_of(row["method"]).value
    if "score" in row:
        source.score = text_of(row["score"]).value
    evidence = text_of(row["evidence"]).value if "evidence" in row else ""
    if evidence and evidence not in source.evidence:
        source.evidence.append(evidence)


def _describe_sources(page: AgentPage, sources: dict[str, Source], facts: Facts, lang: str) -> None:
    """What each partner's record says (names, life dates and places, web pages), its
    partner's name, and the authorities it cites; the sources sorted by partner."""
    partner_names = {p: pick(facts[p]["label"], lang) for p in facts if "partner/" in p}
    for source in sources.values():
        f = facts.get(source.iri, {})
        source.names = list(dict.fromkeys(f.get("name", []) or f.get("label", [])))
        source.born = _first(f.get("born"))
        source.died = _first(f.get("died"))
        source.born_at = _places(f.get("born_at", []))
        source.died_at = _places(f.get("died_at", []))
        source.web_pages = [t.value for t in dict.fromkeys(f.get("page", []))]
        shown = partner_names.get(source.partner)
        source.partner = shown.value if shown else source.partner.rsplit("/", 1)[-1]
        for authority in f.get("authority", []):
            if authority.value not in page.authorities:
                page.authorities.append(authority.value)
    page.sources = sorted(sources.values(), key=lambda s: s.partner.casefold())


def _partner_of(member: str, base: str) -> str:
    """The partner whose record minted ``member`` (``{base}{source}/person/…``)."""
    source = member[len(base) :].split("/", 1)[0]
    return f"{base}partner/{source}" if source else ""


def _places(texts: list[Text]) -> list[Place]:
    return [t for t in dict.fromkeys(texts) if isinstance(t, Place)]


def _first(texts: list[Text] | None) -> str:
    return texts[0].value if texts else ""


Facts = dict[str, dict[str, list[Text]]]


def _facts(worker: Worker, members: list[str], partners: list[str]) -> Facts:
    base = _string(worker.settings.base_iri)
    branches = [
        f"""?m {CRM.P1_is_identified_by} ?n . ?n {CRM.P190_has_symbolic_content} ?v .
     OPTIONAL {{ ?n {CRM.P2_has_type} ?k }} BIND("name" AS ?what)""",
        f'?m {RDFS.label} ?v BIND("label" AS ?what)',
        f"""?m ({CRM.P98i_was_born}|{CRM.P95i_was_formed_by})/{CRM.P4_has_time_span}
              /{CRM.P82a_begin_of_the_begin} ?v BIND("born" AS ?what)""",
        f"""?m ({CRM.P100i_died_in}|{CRM.P99i_was_dissolved_by})/{CRM.P4_has_time_span}
              /{CRM.P82b_end_of_the_end} ?v BIND("died" AS ?what)""",
        f"""?m ({CRM.P98i_was_born}|{CRM.P95i_was_formed_by})/{CRM.P7_took_place_at} ?k .
           ?k {RDFS.label} ?v BIND("born_at" AS ?what)""",
        f"""?m ({CRM.P100i_died_in}|{CRM.P99i_was_dissolved_by})/{CRM.P7_took_place_at} ?k .
           ?k {RDFS.label} ?v BIND("died_at" AS ?what)""",
        f"""?m {CRM.P129i_is_subject_of}/{LA.digitally_carried_by}/{LA.access_point} ?v
           BIND("page" AS ?what)""",
        f"""?m {LA.equivalent} ?v FILTER(!STRSTARTS(STR(?v), {base}))
           BIND("authority" AS ?what)""",
    ]
    iris = list(dict.fromkeys([*members, *partners]))
    rows = select(
        worker, f"SELECT ?m ?what ?v ?k WHERE {{\n  {union_over('m', iris, branches)}\n}}"
    )
    facts: Facts = defaultdict(lambda: defaultdict(list))
    for row in rows:
        m, what, v = row.get("m"), row.get("what"), row.get("v")
        if not (isinstance(m, NamedNode) and isinstance(what, Literal) and v is not None):
            continue
        if what.value == "name" and text_of(row.get("k", Literal(""))).value == AAT.SORT_NAME.value:
            continue  # "Picasso, Pablo" is for sorting; the display name says the same
        value = Text(year(v)) if what.value in ("born", "died") else text_of(v)
        if what.value in ("born_at", "died_at"):
            place = row.get("k")
            home = worker.settings.base_iri
            href = local_href(place.value, home) if isinstance(place, NamedNode) else ""
            value = Place(value.value, value.lang, href)
        facts[m.value][what.value].append(value)
    return facts


def _string(text: str) -> str:
    return str(Literal(text))


def _people_of_place(worker: Worker, members: list[str]) -> list[tuple[Text, str, str]]:
    born_or_died = [
        f'?p {CRM.P98i_was_born}/{CRM.P7_took_place_at} ?m BIND("born" AS ?what)',
        f'?p {CRM.P100i_died_in}/{CRM.P7_took_place_at} ?m BIND("died" AS ?what)',
    ]
    # The subquery is evaluated first: joined directly, the labels would be read first.
    rows = select(
        worker,
        f"""SELECT ?p ?what (SAMPLE(?label) AS ?name) (SAMPLE(?agg) AS ?across) WHERE {{
  {{ SELECT DISTINCT ?p ?what WHERE {{ {union_over("m", members, born_or_died)} }} }}
  ?p {RDFS.label} ?label .
  OPTIONAL {{ ?agg {LA.equivalent} ?p ; a {iri_ref(MUSEION.Aggregate.value)} }}
}} GROUP BY ?p ?what LIMIT 200""",
    )
    base = worker.settings.base_iri
    seen: dict[tuple[str, str], tuple[Text, str, str]] = {}
    for row in rows:
        person = row.get("across") or row.get("p")
        if not isinstance(person, NamedNode):
            continue
        what = text_of(row.get("what", Literal(""))).value
        seen.setdefault(
            (person.value, what),
            (text_of(row.get("name", Literal(""))), local_href(person.value, base), what),
        )
    return sorted(seen.values(), key=lambda p: (p[2], p[0].value.casefold()))


def partner_page(worker: Worker, iri: str, lang: str) -> PartnerPage | None:
    base = worker.settings.base_iri
    source = iri[len(base) :].split("/", 1)[-1]
    ref = iri_ref(iri)
    rows = select(
        worker,
        f"""SELECT ?what ?v WHERE {{
  {{ {ref} {RDFS.label} ?v BIND("label" AS ?what) }}
  UNION {{ {ref} {CRM.P129i_is_subject_of}/{LA.digitally_carried_by}/{LA.access_point} ?v
           BIND("page" AS ?what) }}
  UNION {{ {ref} {LA.equivalent} ?v BIND("authority" AS ?what) }}
}}""",
    )
    facts: dict[str, list[Text]] = defaultdict(list)
    for row in rows:
        if "what" in row and "v" in row:
            facts[text_of(row["what"]).value].append(text_of(row["v"]))
    if not facts.get("label"):
        return None
    page = PartnerPage(iri=iri, name=pick(facts["label"], lang) or Text(source), source=source)
    page.homepage = _first(facts.get("page"))
    page.authorities = [t.value for t in facts.get("authority", [])]
    works, page.work_count = works_of(worker, "keeper", [iri], MAX_PARTNER_WORKS, lang)
    page.works = works_by_partner(works)
    return page
