"""A checklist row: what a registrar needs to know about one object, read from the snapshot.

Rows are read in a query process (``ChecklistRowsJob``), like every other read, with a few
SPARQL queries over all the checklist's objects at once (``VALUES ?o { ... }``), so a checklist
of 200 objects costs a dozen queries, not 2,000. Every IRI in the queries comes from the closed
vocabulary (``museion_core.vocab``).

An IRI answers one of three ways: ``current`` (an object the snapshot describes, with its
fields), ``withdrawn`` (its partner withdrew it: a ``museion:Tombstone``), or ``unknown``
(nothing in the snapshot says it is an object).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode, QuerySolutions

from museion_core.licences import right_name
from museion_core.vocab import AAT, CRM, LA, MUSEION, RDFS

from ..jobs import ChecklistRowsJob, Reply
from ..object_dimensions import UNIT_SYMBOLS, figures_written, numbered
from .fields import Fields

if TYPE_CHECKING:
    from ..executor import Worker

__all__ = ["CURRENT", "UNKNOWN", "WITHDRAWN", "read_rows", "rows_reply"]

CURRENT = "current"
WITHDRAWN = "withdrawn"
UNKNOWN = "unknown"
CHUNK = 200
"""IRIs per VALUES block: keeps each query small whatever the checklist's length."""

PREFERRED_LANGUAGES = ("en", "")


def rows_reply(worker: Worker, job: ChecklistRowsJob) -> Reply:
    answers = read_rows(worker.store(), job.iris)
    body = json.dumps(
        {
            iri: {"status": status, "fields": f.to_json() if f else None, "deleted_at": when}
            for iri, (status, f, when) in answers.items()
        },
        ensure_ascii=False,
    )
    return Reply(content_type="application/json", body=body.encode("utf-8"))


def read_rows(store: Any, iris: Iterable[str]) -> dict[str, tuple[str, Fields | None, str]]:
    """``{iri: (status, fields or None, deleted_at)}`` for every IRI asked about."""
    wanted = list(dict.fromkeys(iris))
    out: dict[str, tuple[str, Fields | None, str]] = {}
    for start in range(0, len(wanted), CHUNK):
        out.update(_read_chunk(store, wanted[start : start + CHUNK]))
    return out


def _read_chunk(store: Any, iris: list[str]) -> dict[str, tuple[str, Fields | None, str]]:
    values = "VALUES ?o { " + " ".join(_iri(i) for i in iris) + " }"
    out: dict[str, tuple[str, Fields | None, str]] = dict.fromkeys(iris, (UNKNOWN, None, ""))
    for row in _select(
        store,
        f"SELECT ?o ?when WHERE {{ {values} ?o a {_n(MUSEION.Tombstone)} . "
        f"OPTIONAL {{ ?o {_n(MUSEION.deletedAt)} ?when }} }}",
    ):
        out[row["o"]] = (WITHDRAWN, None, row.get("when", ""))
    found: dict[str, Fields] = {}
    for row in _select(
        store, f"SELECT ?o WHERE {{ {values} ?o a {_n(CRM.E22_Human_Made_Object)} }}"
    ):
        if out[row["o"]][0] != WITHDRAWN:
            found[row["o"]] = Fields(iri=row["o"])
    if not found:
        return out
    values = "VALUES ?o { " + " ".join(_iri(i) for i in found) + " }"
    _names(store, values, found)
    _production(store, values, found)
    _materials_and_types(store, values, found)
    measures = _measures(store, values)
    _dimensions(measures, found)
    _statements(store, values, found)
    _dimensions_as_given(measures, found)
    _links(store, values, found)
    for iri, fields in found.items():
        out[iri] = (CURRENT, fields, "")
    return out


def _names(store: Any, values: str, found: dict[str, Fields]) -> None:
    for row in _select(
        store,
        f"SELECT ?o ?kind ?text WHERE {{ {values} ?o {_n(CRM.P1_is_identified_by)} ?n . "
        f"?n {_n(CRM.P2_has_type)} ?kind ; {_n(CRM.P190_has_symbolic_content)} ?text . "
        f"FILTER (?kind IN ({_n(AAT.PRIMARY_NAME)}, {_n(AAT.ACCESSION_NUMBER)})) }}",
    ):
        fields = found[row["o"]]
        if row["kind"] == AAT.ACCESSION_NUMBER.value:
            fields.accession_number = fields.accession_number or row["text"]
        else:
            fields.titles.setdefault(row.get("text@", ""), row["text"])
    for row in _select(
        store,
        f"SELECT ?o ?keeper ?label WHERE {{ {values} ?o {_n(CRM.P50_has_current_keeper)} ?keeper"
        f" . OPTIONAL {{ ?keeper {_n(RDFS.label)} ?label }} }}",
    ):
        fields = found[row["o"]]
        fields.lender_iri = fields.lender_iri or row["keeper"]
        if not fields.lender and row.get("label"):
            fields.lender = row["label"]
            _tag(fields, "lender", row)
    for row in _select(store, f"SELECT ?o ?label WHERE {{ {values} ?o {_n(RDFS.label)} ?label }}"):
        found[row["o"]].titles.setdefault(row.get("label@", ""), row["label"])
    for fields in found.values():
        fields.title = _preferred(fields.titles)


def _production(store: Any, values: str, found: dict[str, Fields]) -> None:
    makers: dict[str, dict[str, str]] = {}
    after: dict[str, dict[str, str]] = {}  # whom the production followed: "after Turner"
    for row in _select(
        store,
        f"SELECT ?o ?actor ?name ?qualifier ?after WHERE {{ {values} "
        f"?o {_n(CRM.P108i_was_produced_by)} ?p . {{ ?p {_n(CRM.P9_consists_of)}? ?part . "
        f"?part {_n(CRM.P14_carried_out_by)} ?actor . "
        f"OPTIONAL {{ ?part {_n(CRM.P2_has_type)} ?q . ?q {_n(RDFS.label)} ?qualifier . "
        f"FILTER (?q IN ({_n(AAT.POSSIBLY)}, {_n(AAT.PROBABLY)})) FILTER (LANG(?qualifier) = 'en')"
        f" }} }} UNION {{ ?p {_n(CRM.P15_was_influenced_by)} ?actor BIND (true AS ?after) }} "
        f"OPTIONAL {{ ?actor {_n(RDFS.label)} ?name }} }} ORDER BY ?o ?part",
    ):
        name = row.get("name") or row["actor"].rsplit("/", 1)[-1]
        if row.get("qualifier"):
            name += f" ({row['qualifier']})"
        listed = after if row.get("after") else makers
        listed.setdefault(row["o"], {}).setdefault(row["actor"], name)
    for iri, names in makers.items():
        found[iri].makers = list(names.values())
    for iri, names in after.items():
        found[iri].after = list(names.values())
    for row in _select(
        store,
        f"SELECT ?o ?text ?begin ?end WHERE {{ {values} "
        f"?o {_n(CRM.P108i_was_produced_by)}/{_n(CRM.P4_has_time_span)} ?span . "
        f"OPTIONAL {{ ?span {_n(CRM.P1_is_identified_by)}/{_n(CRM.P190_has_symbolic_content)} "
        f"?text }} OPTIONAL {{ ?span {_n(CRM.P82a_begin_of_the_begin)} ?begin }} "
        f"OPTIONAL {{ ?span {_n(CRM.P82b_end_of_the_end)} ?end }} }}",
    ):
        fields = found[row["o"]]
        fields.date = fields.date or row.get("text", "")
        fields.begin = fields.begin or row.get("begin", "")
        fields.end = fields.end or row.get("end", "")
    for fields in found.values():
        if not fields.date and fields.begin:
            fields.date = fields.begin[:4] + (
                f"–{fields.end[:4]}" if fields.end[:4] not in ("", fields.begin[:4]) else ""
            )


def _materials_and_types(store: Any, values: str, found: dict[str, Fields]) -> None:
    for prop, iris_attr, labels_attr in (
        (CRM.P45_consists_of, "material_iris", "materials"),
        (CRM.P2_has_type, "type_iris", "types"),
    ):
        labels: dict[tuple[str, str], dict[str, str]] = {}
        for row in _select(
            store,
            f"SELECT ?o ?m ?label WHERE {{ {values} ?o {_n(prop)} ?m . "
            f"OPTIONAL {{ ?m {_n(RDFS.label)} ?label }} }} ORDER BY ?o ?m",
        ):
            key = (row["o"], row["m"])
            by_language = labels.setdefault(key, {})
            if "label" in row:
                by_language.setdefault(row.get("label@", ""), row["label"])
        for (iri, concept), by_language in labels.items():
            fields = found[iri]
            getattr(fields, iris_attr).append(concept)
            getattr(fields, labels_attr).append(
                _preferred(by_language) or concept.rsplit("/", 1)[-1]
            )
            if labels_attr == "materials":
                fields.material_labels.append(by_language)


_SIZES = {
    AAT.HEIGHT.value: "height_cm",
    AAT.WIDTH.value: "width_cm",
    AAT.DEPTH.value: "depth_cm",
    AAT.DIAMETER.value: "width_cm",
}
_ORDER = [AAT.HEIGHT.value, AAT.WIDTH.value, AAT.DEPTH.value, AAT.DIAMETER.value]
"""The order sizes are written in: height × width × depth (a diameter, where no width)."""


@dataclass
class _Part:
    labels: dict[str, str] = field(default_factory=dict)
    frame: bool = False
    support: bool = False
    sizes: dict[str, float] = field(default_factory=dict)


@dataclass
class _Measures:
    """The objects' own dimensions and their parts', read once for both the centimetres
    (``_dimensions``) and the lender's own figures (``_dimensions_as_given``)."""

    own: list[dict[str, str]]
    """``?o ?d ?type ?value ?unit ?generated``, ordered by object and dimension."""
    parts: list[dict[str, str]]
    """``?o ?part ?kind ?label`` and, where the part is measured, ``?d ?type ?value ?unit
    ?generated``; ordered by object, part and dimension."""


def _measures(store: Any, values: str) -> _Measures:
    """Every dimension with its type, value and unit, and whether Museion computed it (the
    centimetres it adds for every other unit: ``generated``)."""
    sized = (
        f"?d {_n(CRM.P2_has_type)} ?type ; {_n(CRM.P90_has_value)} ?value ; "
        f"{_n(CRM.P91_has_unit)} ?unit . BIND (EXISTS {{ ?d "
        f"{_n(CRM.P141i_was_assigned_by)}/{_n(CRM.P2_has_type)} "
        f"{_n(AAT.COMPUTER_GENERATED)} }} AS ?generated)"
    )
    own = _select(
        store,
        f"SELECT ?o ?d ?type ?value ?unit ?generated WHERE {{ {values} "
        f"?o {_n(CRM.P43_has_dimension)} ?d . {sized} }} ORDER BY ?o ?d",
    )
    # the sizes are OPTIONAL inside the part: after it, a part measured by nothing
    # matched every dimension in the store
    parts = _select(
        store,
        f"SELECT ?o ?part ?kind ?label ?d ?type ?value ?unit ?generated WHERE {{ {values} "
        f"{{ ?o {_n(CRM.P46_is_composed_of)} ?part }} UNION "
        f"{{ ?part {_n(CRM.P46i_forms_part_of)} ?o }} "
        f"OPTIONAL {{ ?part {_n(CRM.P2_has_type)} ?kind . "
        f"FILTER (?kind IN ({_n(AAT.FRAME)}, {_n(AAT.SUPPORT)})) }} "
        f"OPTIONAL {{ ?part {_n(RDFS.label)} ?label }} "
        f"OPTIONAL {{ ?part {_n(CRM.P43_has_dimension)} ?d . {sized} }} }} "
        f"ORDER BY ?o ?part ?d",
    )
    return _Measures(list(own), list(parts))


def _in_cm(row: dict[str, str]) -> bool:
    return row.get("unit") == AAT.CENTIMETRES.value


def _as_given(row: dict[str, str]) -> bool:
    return "value" in row and row.get("generated") != "true"


def _dimensions(measures: _Measures, found: dict[str, Fields]) -> None:
    """Centimetre values only (Museion adds them for every other unit); the largest value
    of a type wins where a record measures an object more than once.

    A frame's width is what the wall holds. An object with no sizes of its own takes its
    parts' (Tate measures a work in several sheets by its supports: "support, each: 658 x 459
    mm"): a support's before any other part, the widest where several are measured."""
    for row in filter(_in_cm, measures.own):
        _keep_largest(found[row["o"]], _SIZES.get(row["type"]), row["value"])
    parts: dict[str, dict[str, _Part]] = {}
    for row in filter(_in_cm, measures.parts):
        part = parts.setdefault(row["o"], {}).setdefault(row["part"], _Part())
        part.frame = part.frame or row.get("kind") == AAT.FRAME.value
        part.support = part.support or row.get("kind") == AAT.SUPPORT.value
        if "label" in row:
            part.labels.setdefault(row.get("label@", ""), row["label"])
        attr, number = _SIZES.get(row["type"]), _number(row["value"])
        if attr is not None and number is not None:
            part.sizes[attr] = max(number, part.sizes.get(attr, number))
    for iri, by_part in parts.items():
        fields = found[iri]
        for part in by_part.values():
            width = part.sizes.get("width_cm")
            if part.frame and width is not None:
                fields.framed_width_cm = max(width, fields.framed_width_cm or width)
        if fields.height_cm is not None or fields.width_cm is not None:
            continue
        measured = [p for p in by_part.values() if not p.frame and p.sizes]
        measured = [p for p in measured if p.support] or measured
        if not measured:
            continue
        widest = max(
            measured, key=lambda p: (p.sizes.get("width_cm", 0.0), p.sizes.get("height_cm", 0.0))
        )
        for attr, number in widest.sizes.items():
            setattr(fields, attr, number)
        fields.dimensions_of = _preferred(widest.labels) or "support"
        tag = next((k for k, v in widest.labels.items() if v == fields.dimensions_of), "")
        if tag:
            fields.langs["dimensions_of"] = tag
        fields.parts_measured = len(measured)


def _keep_largest(fields: Fields, attr: str | None, value: str) -> None:
    number = _number(value)
    if attr is None or number is None:
        return
    current = getattr(fields, attr)
    if current is None or number > current:
        setattr(fields, attr, number)


def _dimensions_as_given(measures: _Measures, found: dict[str, Fields]) -> None:
    """The dimension statement a line per part, and, where the partner states none (CMOA
    gives only figures, in inches), one written from the partner's own figures and unit.

    Museion keeps a statement's text with its line breaks folded into spaces ("support: 480
    x 623 mm frame: 928 x ..."): a line starts again where one of the object's own parts is
    named ("frame:"), by the labels the record gives its parts, not by guessing words."""
    given: dict[str, dict[str, tuple[dict[str, str], dict[str, tuple[str, str]]]]] = {}
    """object → node (itself or a part) → (the part's labels, type → (figure, unit))"""
    for row in [{**r, "node": r["o"]} for r in measures.own] + [
        {**r, "node": r["part"]} for r in measures.parts
    ]:
        iri, node = row["o"], row["node"]
        names, sizes = given.setdefault(iri, {}).setdefault(node, ({}, {}))
        if "label" in row and node != iri:
            names.setdefault(row.get("label@", ""), row["label"])
        if _as_given(row) and row.get("type") in _ORDER:
            sizes.setdefault(row["type"], (row["value"], UNIT_SYMBOLS.get(row["unit"], "")))
    for iri, fields in found.items():
        if fields.dimensions:
            part_labels = {n for names, _ in given.get(iri, {}).values() for n in names.values()}
            fields.dimensions = _lines(fields.dimensions, part_labels)
            continue
        lines = []
        for node, (names, sizes) in sorted(given.get(iri, {}).items(), key=lambda e: e[0] != iri):
            text = _figures(sizes)
            if text:
                name = _preferred(names) if node != iri else ""
                lines.append(f"{name}: {text}" if name else text)
        fields.dimensions = "\n".join(lines)


def _lines(text: str, part_labels: set[str]) -> str:
    """``text`` a line per part: a new line before each of the object's part labels that
    follows a space and is followed by a colon."""
    names = sorted((n for n in part_labels if n.strip()), key=len, reverse=True)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if names:
        starts = re.compile(r"\s+(?=(?:" + "|".join(re.escape(n) for n in names) + r"):)")
        lines = [piece for line in lines for piece in starts.split(line)]
    return "\n".join(lines)


def _figures(sizes: dict[str, tuple[str, str]]) -> str:
    """``19.25 × 14.25 in`` (height × width × depth), each figure as the partner wrote it."""
    return figures_written([sizes[k] for k in _ORDER if k in sizes])


def _statements(store: Any, values: str, found: dict[str, Fields]) -> None:
    attrs = {
        AAT.CREDIT_LINE.value: "credit_line",
        AAT.RIGHTS_STATEMENT.value: "rights",
        AAT.MATERIAL_STATEMENT.value: "medium",
        AAT.DIMENSION_STATEMENT.value: "dimensions",
    }
    kinds = ", ".join(_iri(k) for k in attrs)
    rows = _select(
        store,
        f"SELECT ?o ?s ?type ?text WHERE {{ {values} ?o {_n(CRM.P67i_is_referred_to_by)} ?s . "
        f"?s {_n(CRM.P2_has_type)} ?type ; {_n(CRM.P190_has_symbolic_content)} ?text . "
        f"FILTER (?type IN ({kinds})) }}",
    )
    for row in sorted(rows, key=lambda r: (r["o"], numbered(r["s"]))):
        fields = found[row["o"]]
        attr = attrs[row["type"]]
        if not getattr(fields, attr):
            setattr(fields, attr, row["text"])
            _tag(fields, attr, row, "text")
        elif _another_line(fields, attr, row):
            # a record that measures the object more than once (LIDO's plate and sheet of a
            # print, 'Höhe: 80 cm' and 'Breite: 54 cm' apart) states each: a line each, in
            # the language of the first (its other languages say the same again)
            fields.dimensions += "\n" + row["text"]
    for row in _select(
        store,
        f"SELECT ?o ?text WHERE {{ {values} ?o {_n(CRM.P138i_has_representation)}/"
        f"{_n(CRM.P67i_is_referred_to_by)} ?s . "
        f"?s {_n(CRM.P2_has_type)} {_n(AAT.RIGHTS_STATEMENT)} ; "
        f"{_n(CRM.P190_has_symbolic_content)} ?text }} ORDER BY ?o ?s",
    ):
        fields = found[row["o"]]
        if not fields.image_rights:
            fields.image_rights = row["text"]
            _tag(fields, "image_rights", row, "text")
    _licences(store, values, found)


def _another_line(fields: Fields, attr: str, row: dict[str, str]) -> bool:
    """Whether a further dimension statement is a line of its own of ``fields.dimensions``."""
    return (
        attr == "dimensions"
        and row.get("text@", "") == fields.langs.get(attr, "")
        and row["text"] not in fields.dimensions.splitlines()
    )


def _licences(store: Any, values: str, found: dict[str, Fields]) -> None:
    """Rights stated as a right's type (``P104`` to an ``E30_Right`` typed by a licence IRI),
    on the object and on its images' files, where no rights statement gave them: LIDO's
    rights. "CC BY-NC-SA 4.0 (Deutsches Schifffahrtsmuseum)"."""
    label = f"{_n(RDFS.label)}"
    for row in _select(
        store,
        f"SELECT ?o ?image ?kind ?name ?holder WHERE {{ {values} "
        f"{{ ?o {_n(CRM.P104_is_subject_to)} ?r }} UNION "
        f"{{ ?o {_n(CRM.P138i_has_representation)}/{_n(LA.digitally_shown_by)}/"
        f"{_n(CRM.P104_is_subject_to)} ?r BIND(true AS ?image) }} "
        f"?r {_n(CRM.P2_has_type)} ?kind . "
        f"OPTIONAL {{ ?kind {label} ?name }} "
        f"OPTIONAL {{ ?r {_n(CRM.P75i_is_possessed_by)}/{label} ?holder }} }} ORDER BY ?o ?r ?kind",
    ):
        fields = found[row["o"]]
        kind = row["kind"]
        name = right_name(kind, row.get("name"))
        text = f"{name} ({row['holder']})" if row.get("holder") else name
        if row.get("image"):
            fields.image_rights = fields.image_rights or text
        else:
            fields.rights = fields.rights or text


def _links(store: Any, values: str, found: dict[str, Fields]) -> None:
    for row in _select(
        store,
        f"SELECT ?o ?url WHERE {{ {values} ?o {_n(CRM.P138i_has_representation)}/"
        f"{_n(LA.digitally_shown_by)}/{_n(LA.access_point)} ?url }} ORDER BY ?o ?url",
    ):
        fields = found[row["o"]]
        fields.image = fields.image or row["url"]
    for row in _select(
        store,
        f"SELECT ?o ?url WHERE {{ {values} ?o {_n(CRM.P129i_is_subject_of)}/"
        f"{_n(LA.digitally_carried_by)}/{_n(LA.access_point)} ?url }} ORDER BY ?o ?url",
    ):
        fields = found[row["o"]]
        fields.web_page = fields.web_page or row["url"]


# -- helpers ----------------------------------------------------------------------------


def _select(store: Any, query: str) -> Iterator[dict[str, str]]:
    """Solutions as plain strings; a literal's language tag under ``name@``."""
    results = store.query(query)
    assert isinstance(results, QuerySolutions)
    names = [v.value for v in results.variables]
    for solution in results:
        row: dict[str, str] = {}
        for name in names:
            term = solution[name]
            if term is None:
                continue
            row[name] = term.value
            if isinstance(term, Literal) and term.language:
                row[name + "@"] = term.language
        yield row


def _n(node: NamedNode) -> str:
    return f"<{node.value}>"


def _iri(value: str) -> str:
    return str(NamedNode(value))  # NamedNode refuses what is not an IRI; str() is <...>


def _number(text: str) -> float | None:
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        return None


def _tag(fields: Fields, attr: str, row: dict[str, str], name: str = "label") -> None:
    """Keep the language tag of the text ``row[name]`` that became ``fields.<attr>``."""
    if row.get(name + "@"):
        fields.langs[attr] = row[name + "@"]


def _preferred(by_language: dict[str, str]) -> str:
    for language in PREFERRED_LANGUAGES:
        if language in by_language:
            return by_language[language]
    return next(iter(by_language.values()), "")
