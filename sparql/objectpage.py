"""The object page: a work as a curator reads it — image, title, makers, date, materials,
dimensions, inscriptions, credit line, lender, rights — instead of a tree of statements.

Three queries: the object's record graph (every node minted under the object comes with
it), then the labels, life dates and aggregates of what that graph links to (makers,
partner, types, materials), then the makers' other works through the reconciled aggregates
(``la:equivalent`` from a ``museion:Aggregate`` to each partner's record of the person).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode

from museion_core.licences import right_name
from museion_core.vocab import AAT, CRM, DIG, LA, MUSEION, RDF, RDFS

from .i18n import gettext as _
from .object_dates import span_date
from .object_dimensions import Dimensions, all_dimensions, numbered
from .object_events import Event, object_events
from .object_terms import MATERIALS, TECHNIQUES, TYPES, About, own_types, term_label, terms_listed
from .readers import (
    Text,
    Work,
    iiif_id,
    in_language,
    iri_ref,
    local_href,
    pick,
    select,
    text_of,
    thumbnail,
    union_over,
    works_by_partner,
    works_of,
    year,
)
from .record_graph import Graph, record_graph
from .record_graph import nodes as _nodes
from .record_graph import out as _out
from .record_graph import texts as _texts
from .record_graph import types as _types

if TYPE_CHECKING:
    from .executor import Worker

__all__ = ["ObjectPage", "object_page"]

MAX_OTHER_WORKS = 120

_ACQUISITION_METHODS = {
    "gift": "gift", "presented": "gift", "gifted": "gift", "donation": "gift",
    "purchase": "purchase", "purchased": "purchase", "purchasing": "purchase", "fund": "purchase",
    "bequest": "bequest", "bequeathed": "bequest",
    "transfer": "transfer", "transferred": "transfer",
    "accepted": "acceptance", "acceptance": "acceptance",
}  # fmt: skip
"""An acquisition's method as Museion writes it (AAT's "gift (method of acquisition)",
"purchasing"; a partner's own term, "Bequeathed", "Transfer"), to say it in a language its
label is not in."""
_HEADINGS = frozenset({"purchasing"})
"""AAT's English labels that name an activity rather than how the work came: an English
page said "Acquisition: purchasing, 1998" beside "gift, 1994"; it says the page's word."""
_ATTRIBUTIONS = {AAT.POSSIBLY.value: "possibly by", AAT.PROBABLY.value: "probably by"}
_QUALIFIER = re.compile(
    r"^(attributed to|possibly|probably|workshop of|studio of|circle of|school of|"
    r"follower of|manner of|style of|copy after|formerly attributed)\b",
    re.IGNORECASE,
)
_STATEMENTS = {
    AAT.MATERIAL_STATEMENT.value: "medium",
    AAT.DIMENSION_STATEMENT.value: "dimensions",
    AAT.DESCRIPTION.value: "description",
    AAT.CREDIT_LINE.value: "credit",
    AAT.RIGHTS_STATEMENT.value: "rights",
    AAT.PROVENANCE_STATEMENT.value: "provenance",
    AAT.INSCRIPTION.value: "inscription",
    AAT.INSCRIPTIONS.value: "inscription",
    AAT.PRODUCTION_STATEMENT.value: "production",
}


@dataclass
class Maker:
    iri: str
    name: Text
    href: str
    life: str = ""
    role: str = ""
    attribution: str = ""
    influence: bool = False
    """The work is *after* this maker (``P15_was_influenced_by``), not by them."""
    across: str = ""
    """The maker's page across partners (the reconciled aggregate)."""


@dataclass
class Image:
    src: str
    thumb: str
    iiif: str = ""
    """The IIIF Image API service (``…/info.json``) when the partner serves one."""
    rights: list[Text] = field(default_factory=list)
    """The image's own rights statements (a partner may state rights for the photograph,
    not the work: Tate's ``© Succession Picasso/DACS``)."""


@dataclass
class Acquisition:
    """How the holder acquired the object: its kind (gift, purchase), from whom, and when."""

    how: Text | None
    sellers: list[tuple[Text, str | None]] = field(default_factory=list)
    """Whom the title passed from, each with its page when it has one of its own."""
    date: str = ""


@dataclass
class ObjectPage:
    iri: str
    title: Text
    other_titles: list[Text] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    makers: list[Maker] = field(default_factory=list)
    date: str = ""
    types: list[Text] = field(default_factory=list)
    materials: list[Text] = field(default_factory=list)
    statements: dict[str, list[Text]] = field(default_factory=dict)
    """``medium``, ``credit``, ``rights``, ``inscription``… → texts."""
    inscriptions: list[Text] = field(default_factory=list)
    dimensions: list[Dimensions] = field(default_factory=list)
    accession: list[str] = field(default_factory=list)
    lender: Text | None = None
    lender_href: str = ""
    lender_homepage: str = ""
    rights_links: list[tuple[str, str]] = field(default_factory=list)
    image_licences: list[tuple[str, str, Text | None]] = field(default_factory=list)
    """The licences of the object's images (LIDO's rights of a resource): (name, IRI, holder)."""
    web_pages: list[str] = field(default_factory=list)
    places: list[tuple[Text, str]] = field(default_factory=list)
    techniques: list[Text] = field(default_factory=list)
    acquisitions: list[Acquisition] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    """Its history beyond its making and acquisitions: provenance, restorations, exhibitions."""
    subjects: list[tuple[Text, str]] = field(default_factory=list)
    """What the work shows (its visual item's subjects: kinds of things, persons, places)."""
    other_works: list[tuple[str, str, list[Work]]] = field(default_factory=list)
    other_maker: str = ""


@dataclass
class _Context:
    about: About
    """What the second query found about each linked IRI: ``label``, ``born``, ``died``,
    ``aggregate``, ``page``."""
    lang: str
    base: str

    def label(self, node: str) -> Text:
        texts = self.about.get(node, {}).get("label", [])
        return pick(texts, self.lang) or Text(node.rsplit("/", 1)[-1])

    def term_label(self, node: str, schemes: tuple[str, ...]) -> Text:
        """A term's label in the reader's language (``object_terms.term_label``)."""
        return term_label(self.about.get(node, {}).get("label", []), self.lang, schemes, node)

    def right_label(self, node: str) -> str:
        """A right's type: its own label, a licence's short name ("CC BY-NC-SA 4.0"), or the
        last named step of its IRI (``…/lizenzen/rv-fz/`` → "rv-fz", not "")."""
        texts = self.about.get(node, {}).get("label", [])
        chosen = pick(texts, self.lang)
        return right_name(node, chosen.value if chosen is not None else None)


def object_page(worker: Worker, iri: str, lang: str) -> ObjectPage | None:
    """The page's content, or None when ``iri`` is not an object with a record graph."""
    graph = record_graph(worker, iri)
    if iri not in graph:
        return None
    base = worker.settings.base_iri
    linked = _linked(graph, iri)
    about = _about(worker, linked)

    ctx = _Context(about, lang, base)
    label = ctx.label

    titles = [
        (t, _types(graph, name))
        for name in _nodes(graph, iri, CRM.P1_is_identified_by)
        if CRM.E33_E41_Linguistic_Appellation in _out(graph, name, RDF.type)
        for t in _texts(graph, name)
    ]
    if not titles:
        titles = [(text_of(t), set()) for t in _out(graph, iri, RDFS.label)]
    primary = [t for t, kinds in titles if AAT.PRIMARY_NAME.value in kinds]
    title = next((t for t, _k in titles if in_language(t.lang, lang)), None)
    title = title or pick(primary, lang) or pick([t for t, _k in titles], lang) or Text(iri)
    page = ObjectPage(iri=iri, title=title)
    page.other_titles = list(dict.fromkeys(t for t, _k in titles if t != title))
    page.accession = [
        text.value
        for name in _nodes(graph, iri, CRM.P1_is_identified_by)
        if AAT.ACCESSION_NUMBER.value in _types(graph, name)
        for text in _texts(graph, name)
    ]
    page.images = _images(graph, iri)
    # two of a record's terms may read alike (the SMB's "Figur" as an object type and as a
    # classification): the page says each word once
    page.types = terms_listed([ctx.term_label(t, TYPES) for t in own_types(graph, iri, about)])
    page.materials = terms_listed(
        [ctx.term_label(m, MATERIALS) for m in _nodes(graph, iri, CRM.P45_consists_of)]
    )
    _statements(graph, iri, page)
    _production(graph, iri, page, ctx)
    page.acquisitions = _acquisitions(graph, iri, ctx)
    page.events = object_events(
        graph,
        iri,
        label=lambda node: _label_in(graph, node, ctx),
        href=lambda node: None if node.startswith(iri) else local_href(node, base),
        span_date=lambda span: span_date(graph, span),
    )
    subjects: dict[Text, str] = {}  # one "attacking", though a thesaurus has two
    for visual in _nodes(graph, iri, CRM.P65_shows_visual_item):
        for prop in (
            CRM.P199_represents_instance_of_type,
            CRM.P138_represents,
            CRM.P129_is_about,
        ):
            for node in _nodes(graph, visual, prop):
                subjects.setdefault(_label_in(graph, node, ctx), local_href(node, base))
    page.subjects = list(subjects.items())
    page.dimensions = all_dimensions(
        graph,
        iri,
        page.statements.get("dimensions", []),
        lang,
        lambda kind: pick(about.get(kind, {}).get("label", []), lang),
    )
    for keeper in _nodes(graph, iri, CRM.P50_has_current_keeper)[:1]:
        page.lender = label(keeper)
        page.lender_href = local_href(keeper, base)
        pages = about.get(keeper, {}).get("page", [])
        page.lender_homepage = pages[0].value if pages else ""
    for right in _nodes(graph, iri, CRM.P104_is_subject_to):
        for kind in _nodes(graph, right, CRM.P2_has_type):
            page.rights_links.append((ctx.right_label(kind), kind))
    page.image_licences = _image_licences(graph, iri, ctx)
    for subject_of in _nodes(graph, iri, CRM.P129i_is_subject_of):
        for carrier in _nodes(graph, subject_of, LA.digitally_carried_by):
            page.web_pages += [text_of(p).value for p in _out(graph, carrier, LA.access_point)]
    _other_works(worker, page, about, lang)
    return page


def _linked(graph: Graph, iri: str) -> set[str]:
    """IRIs the record links to outside itself: makers, partner, types, materials, places."""
    out = set()
    for props in graph.values():
        for values in props.values():
            for value in values:
                if isinstance(value, NamedNode) and not value.value.startswith(iri):
                    out.add(value.value)
    return out - {n.value for n in (RDF.type, DIG.D1_Digital_Object)}


def _about(worker: Worker, iris: set[str]) -> About:
    """Labels of linked things; life dates and aggregates of makers; partners' home pages."""
    if not iris:
        return {}
    aggregate = iri_ref(MUSEION.Aggregate.value)
    branches = [
        f'?x {RDFS.label} ?v BIND("label" AS ?what)',
        f"""?x ({CRM.P98i_was_born}|{CRM.P95i_was_formed_by})/{CRM.P4_has_time_span}
              /{CRM.P82a_begin_of_the_begin} ?v BIND("born" AS ?what)""",
        f"""?x ({CRM.P100i_died_in}|{CRM.P99i_was_dissolved_by})/{CRM.P4_has_time_span}
              /{CRM.P82b_end_of_the_end} ?v BIND("died" AS ?what)""",
        f'?v {LA.equivalent} ?x ; a {aggregate} BIND("aggregate" AS ?what)',
        f'?a {LA.equivalent} ?x ; a {aggregate} ; {LA.equivalent} ?v BIND("member" AS ?what)',
        f"""?x {CRM.P129i_is_subject_of}/{LA.digitally_carried_by}/{LA.access_point} ?v
           BIND("page" AS ?what)""",
    ]
    rows = select(
        worker, f"SELECT ?x ?what ?v WHERE {{\n  {union_over('x', sorted(iris), branches)}\n}}"
    )
    about: About = defaultdict(lambda: defaultdict(list))
    for row in rows:
        x, what, v = row.get("x"), row.get("what"), row.get("v")
        if isinstance(x, NamedNode) and isinstance(what, Literal) and v is not None:
            if what.value in ("born", "died"):
                about[x.value][what.value].append(Text(year(v)))
            else:
                about[x.value][what.value].append(text_of(v))
    return about


def _images(graph: Graph, iri: str) -> list[Image]:
    images = []
    for visual in _nodes(graph, iri, CRM.P138i_has_representation):
        rights = [
            text
            for statement in _nodes(graph, visual, CRM.P67i_is_referred_to_by)
            if AAT.RIGHTS_STATEMENT.value in _types(graph, statement)
            for text in _texts(graph, statement)
        ]
        for digital in _nodes(graph, visual, LA.digitally_shown_by):
            for point in _out(graph, digital, LA.access_point):
                url = getattr(point, "value", "")
                ident = iiif_id(url)
                src = f"{ident}/full/!1200,1200/0/default.jpg" if ident else url
                info = f"{ident}/info.json" if ident else ""
                images.append(Image(src, thumbnail(url, 160), info, rights))
    return images


def _image_licences(graph: Graph, iri: str, ctx: _Context) -> list[tuple[str, str, Text | None]]:
    """The rights of the object's images' files (``P104`` on a digital object, as LIDO's
    ``rightsResource`` maps), each once: name, IRI and holder."""
    found: dict[tuple[str, str | None], Text | None] = {}
    for visual in _nodes(graph, iri, CRM.P138i_has_representation):
        for digital in _nodes(graph, visual, LA.digitally_shown_by):
            for right in _nodes(graph, digital, CRM.P104_is_subject_to):
                holders = _nodes(graph, right, CRM.P75i_is_possessed_by)
                holder = ctx.label(holders[0]) if holders else None
                for kind in _nodes(graph, right, CRM.P2_has_type):
                    found.setdefault((kind, holder.value if holder else None), holder)
    return [(ctx.right_label(kind), kind, holder) for (kind, _), holder in found.items()]


def _statements(graph: Graph, iri: str, page: ObjectPage) -> None:
    """The object's statements, and the provenance texts of the activities its acquisitions
    are part of (Linked Art puts them there, not on the object)."""
    activities = [
        activity
        for acquisition in _nodes(graph, iri, CRM.P24i_changed_ownership_through)
        for activity in _nodes(graph, acquisition, CRM.P9i_forms_part_of)
    ]
    for statement in (
        s
        for holder in [iri, *activities]
        # in the lender's order (statement/dimensions before statement/dimensions/2)
        for s in sorted(_nodes(graph, holder, CRM.P67i_is_referred_to_by), key=numbered)
    ):
        kinds = [_STATEMENTS[k] for k in _types(graph, statement) if k in _STATEMENTS]
        for text in _texts(graph, statement):
            page.statements.setdefault(kinds[0] if kinds else "note", []).append(text)
    for carried in _nodes(graph, iri, CRM.P128_carries):
        page.inscriptions += _texts(graph, carried)
    page.inscriptions += page.statements.pop("inscription", [])


def _label_in(graph: Graph, node: str, ctx: _Context) -> Text:
    """A node's label: the record's own (a node minted in it), else what the store says."""
    own = pick([text_of(t) for t in _out(graph, node, RDFS.label)], ctx.lang)
    return own or ctx.label(node)


def _unqualified(label: Text) -> Text:
    """An AAT label without its scope note: "gift", not "gift (method of acquisition)"."""
    return Text(re.sub(r"\s+\([^()]*\)$", "", label.value) or label.value, label.lang)


def acquisition_method(label: Text, lang: str) -> Text:
    """An acquisition's method in the reader's language: the term's own label in it when the
    store has one (as for materials and types), else the page's word for a method Museion
    writes (AAT's gift and purchasing, a partner's "Bequeathed"), else the label as it is;
    an AAT heading (``_HEADINGS``) is the page's word in English too."""
    label = _unqualified(label)
    key = label.value.strip().casefold()
    if (in_language(label.lang, lang) or (lang == "en" and not label.lang)) and (
        key not in _HEADINGS
    ):
        return label
    method = _ACQUISITION_METHODS.get(key)
    return Text(_(method), lang) if method else label


def _acquisitions(graph: Graph, iri: str, ctx: _Context) -> list[Acquisition]:
    """The acquisitions the object changed ownership through (Linked Art puts each in a
    provenance activity, whose time-span dates it when the acquisition has none)."""
    found = []
    for acquisition in _nodes(graph, iri, CRM.P24i_changed_ownership_through):
        kinds = _nodes(graph, acquisition, CRM.P2_has_type)
        sellers = [  # a party minted in the record has no page of its own
            (_label_in(graph, p, ctx), None if p.startswith(iri) else local_href(p, ctx.base))
            for p in _nodes(graph, acquisition, CRM.P23_transferred_title_from)
        ]
        spans = _nodes(graph, acquisition, CRM.P4_has_time_span) + [
            span
            for activity in _nodes(graph, acquisition, CRM.P9i_forms_part_of)
            for span in _nodes(graph, activity, CRM.P4_has_time_span)
        ]
        date = next((d for d in (span_date(graph, s) for s in spans) if d), "")
        how = acquisition_method(ctx.label(kinds[0]), ctx.lang) if kinds else None
        if how or sellers or date:
            found.append(Acquisition(how, sellers, date))
    return found


def _production(graph: Graph, iri: str, page: ObjectPage, ctx: _Context) -> None:
    label, base = ctx.label, ctx.base
    for production in _nodes(graph, iri, CRM.P108i_was_produced_by):
        for span in _nodes(graph, production, CRM.P4_has_time_span):
            page.date = span_date(graph, span)
        page.techniques += [
            ctx.term_label(t, TECHNIQUES)
            for t in _nodes(graph, production, CRM.P32_used_general_technique)
        ]
        for place in _nodes(graph, production, CRM.P7_took_place_at):
            page.places.append((label(place), local_href(place, base)))
        parts = [(production, set[str]())] + [
            (part, _types(graph, part)) for part in _nodes(graph, production, CRM.P9_consists_of)
        ]
        for node, kinds in parts:
            attribution = next((_ATTRIBUTIONS[k] for k in kinds if k in _ATTRIBUTIONS), "")
            roles = [
                label(k).value for k in kinds if k not in _ATTRIBUTIONS and k != AAT.ARTIST.value
            ]
            # A partner's role that qualifies the attribution ("attributed to", "workshop
            # of") reads before the name, as a catalogue writes it, not as a role after it.
            qualifiers = [r for r in roles if _QUALIFIER.match(r)]
            if qualifiers and not attribution:
                attribution = qualifiers[0]
            roles = [r for r in roles if r not in qualifiers]
            for actor in _nodes(graph, node, CRM.P14_carried_out_by):
                page.makers.append(_maker(actor, ctx, ", ".join(roles), attribution))
        _attributed(graph, production, page, ctx)
        for actor in _nodes(graph, production, CRM.P15_was_influenced_by):
            maker = _maker(actor, ctx, "", "")
            maker.influence = True
            page.makers.append(maker)


def _attributed(graph: Graph, production: str, page: ObjectPage, ctx: _Context) -> None:
    """Uncertain makers: the production attributed to an actor by an attribute assignment
    (Linked Art ``attributed_by``, how the mappings write "possibly by", "attributed to"),
    shown with the assignment's qualifier before the name, never as a certain maker."""
    for assignment in _nodes(graph, production, CRM.P140i_was_attributed_by):
        if CRM.P14_carried_out_by.value not in _nodes(
            graph, assignment, CRM.P177_assigned_property_of_type
        ):
            continue
        kinds = _types(graph, assignment)
        attribution = next((_ATTRIBUTIONS[k] for k in kinds if k in _ATTRIBUTIONS), "")
        if not attribution:
            labels = [ctx.label(k).value for k in sorted(kinds)]
            attribution = next((x for x in labels if _QUALIFIER.match(x)), "attributed to")
        for actor in _nodes(graph, assignment, CRM.P141_assigned):
            page.makers.append(_maker(actor, ctx, "", attribution))


def _maker(actor: str, ctx: _Context, role: str, attribution: str) -> Maker:
    facts = ctx.about.get(actor, {})
    born = facts.get("born", [Text("")])[0].value
    died = facts.get("died", [Text("")])[0].value
    life = f"{born}–{died}" if born and died else (f"{_('born')} {born}" if born else "")
    if died and not born:
        life = f"{_('died')} {died}"
    aggregates = facts.get("aggregate", [])
    return Maker(
        iri=actor,
        name=ctx.label(actor),
        href=local_href(actor, ctx.base),
        life=life,
        role=role,
        attribution=attribution,
        across=local_href(aggregates[0].value, ctx.base) if aggregates else "",
    )


def _other_works(worker: Worker, page: ObjectPage, about: About, lang: str) -> None:
    """Other works by the first maker, through the maker's reconciled aggregate: at every
    partner that has the same person (the object's own partner last)."""
    maker = next((m for m in page.makers if not m.influence), None)
    if maker is None:
        return
    members = [maker.iri, *(t.value for t in about.get(maker.iri, {}).get("member", []))]
    works, _count = works_of(worker, "maker", members, MAX_OTHER_WORKS + 1, lang)
    works = [w for w in works if w.iri != page.iri][:MAX_OTHER_WORKS]
    lender = page.lender.value if page.lender else ""
    groups = works_by_partner(works)
    page.other_works = [g for g in groups if g[0] != lender] + [g for g in groups if g[0] == lender]
    page.other_maker = maker.name.value
