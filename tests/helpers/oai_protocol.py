"""The OAI-PMH 2.0 protocol of the tests' own repository: a request's arguments in, the XML
answer out, with no I/O (``tests.helpers.oai`` serves it over HTTP).

Written for the tests rather than taken from pyoai, whose server needs the ``cgi`` module that
Python 3.13 removed and has had no release since 2017. It follows the specification
(openarchives.org/OAI/openarchivesprotocol.html): the six verbs; the arguments each verb
allows, requires or takes exclusively (``resumptionToken``); ``from``/``until`` at day or
second granularity, the same granularity for both, ``until`` a day meaning the whole day;
deleted records as headers with ``status="deleted"``; incomplete lists cut into pages with
resumption tokens (``completeListSize`` and ``cursor``), the last page carrying an empty one;
and the error codes badArgument, badResumptionToken, badVerb, cannotDisseminateFormat,
idDoesNotExist, noRecordsMatch and noSetHierarchy.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from lxml import etree

__all__ = ["OAI_NS", "OaiError", "Protocol", "Stored", "utc_now"]

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
SECONDS = "%Y-%m-%dT%H:%M:%SZ"
DAY = "%Y-%m-%d"

#: Per verb: the arguments it requires and those it may have (``resumptionToken`` is exclusive).
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset({"resumptionToken"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (
        frozenset({"metadataPrefix"}),
        frozenset({"from", "until", "set", "resumptionToken"}),
    ),
    "ListRecords": (
        frozenset({"metadataPrefix"}),
        frozenset({"from", "until", "set", "resumptionToken"}),
    ),
}


class OaiError(Exception):
    """An OAI-PMH error answer: ``code`` is one of the protocol's error codes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def utc_now() -> datetime:
    """Now, in UTC to the second, without a time zone (as datestamps are kept)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@dataclass
class Stored:
    """One record as the repository holds it: the metadata is the record's XML, unparsed."""

    identifier: str
    datestamp: datetime
    metadata: bytes
    deleted: bool = False
    sets: list[str] = field(default_factory=list)


@dataclass
class Protocol:
    """Answers requests about the records ``snapshot()`` returns, in one metadata format."""

    snapshot: Callable[[], Sequence[Stored]]
    base_url: str
    prefix: str
    schema: str
    namespace: str
    page_size: int = 3
    now: Callable[[], datetime] = field(default=utc_now)

    def answer(self, query: dict[str, list[str]]) -> bytes:
        """The XML answer to a request's arguments (each with every value it was given)."""
        root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})  # type: ignore[dict-item]
        root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
        _add(root, "responseDate", self.now().strftime(SECONDS))
        request = _add(root, "request", self.base_url)
        try:
            args = _checked(query)
            for name, value in args.items():
                request.set(name, value)
            root.append(self._verb(args))
        except OaiError as exc:
            if exc.code in ("badVerb", "badArgument"):
                request.attrib.clear()  # the specification: echo no arguments that were bad
            error = _add(root, "error", str(exc))
            error.set("code", exc.code)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def _verb(self, args: dict[str, str]) -> etree._Element:
        verb = args["verb"]
        if verb == "Identify":
            return self._identify()
        if verb == "ListMetadataFormats":
            return self._formats(args.get("identifier"))
        if verb == "ListSets":
            return self._sets(args)
        if verb == "GetRecord":
            self._check_prefix(args["metadataPrefix"])
            element = etree.Element(f"{{{OAI_NS}}}GetRecord")
            element.append(self._record(self._find(args["identifier"])))
            return element
        return self._list(verb, args)

    def _identify(self) -> etree._Element:
        element = etree.Element(f"{{{OAI_NS}}}Identify")
        earliest = min((r.datestamp for r in self.snapshot()), default=self.now())
        for name, value in (
            ("repositoryName", "Museion test repository"),
            ("baseURL", self.base_url),
            ("protocolVersion", "2.0"),
            ("adminEmail", "test@example.org"),
            ("earliestDatestamp", earliest.strftime(SECONDS)),
            ("deletedRecord", "persistent"),
            ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
        ):
            _add(element, name, value)
        return element

    def _formats(self, identifier: str | None) -> etree._Element:
        if identifier is not None:
            self._find(identifier)
        element = etree.Element(f"{{{OAI_NS}}}ListMetadataFormats")
        format_ = _add(element, "metadataFormat")
        _add(format_, "metadataPrefix", self.prefix)
        _add(format_, "schema", self.schema)
        _add(format_, "metadataNamespace", self.namespace)
        return element

    def _sets(self, args: dict[str, str]) -> etree._Element:
        if "resumptionToken" in args:  # every list of sets fits on one page
            raise OaiError("badResumptionToken", "this repository issues no ListSets tokens")
        specs = sorted({s for r in self.snapshot() for s in r.sets})
        if not specs:
            raise OaiError("noSetHierarchy", "this repository has no sets")
        element = etree.Element(f"{{{OAI_NS}}}ListSets")
        for spec in specs:
            set_ = _add(element, "set")
            _add(set_, "setSpec", spec)
            _add(set_, "setName", spec.title())
        return element

    def _list(self, verb: str, args: dict[str, str]) -> etree._Element:
        token = args.get("resumptionToken")
        query, cursor = _decode(token) if token is not None else (args, 0)
        self._check_prefix(query["metadataPrefix"])
        start, end = _window(query)
        chosen = [
            r
            for r in sorted(self.snapshot(), key=lambda r: r.identifier)
            if ("set" not in query or query["set"] in r.sets)
            and (start is None or r.datestamp >= start)
            and (end is None or r.datestamp <= end)
        ]
        if not chosen:
            raise OaiError("noRecordsMatch", "no records match these arguments")
        if cursor >= len(chosen):
            raise OaiError("badResumptionToken", f"the list has no record at {cursor}")
        element = etree.Element(f"{{{OAI_NS}}}{verb}")
        page = chosen[cursor : cursor + self.page_size]
        for stored in page:
            element.append(
                self._header(stored) if verb == "ListIdentifiers" else self._record(stored)
            )
        if token is not None or len(chosen) > len(page):
            nxt = cursor + len(page)
            more = _encode(query, nxt) if nxt < len(chosen) else ""
            resumption = _add(element, "resumptionToken", more)
            resumption.set("completeListSize", str(len(chosen)))
            resumption.set("cursor", str(cursor))
        return element

    def _check_prefix(self, prefix: str) -> None:
        if prefix != self.prefix:
            raise OaiError("cannotDisseminateFormat", f"no metadata format {prefix!r} here")

    def _find(self, identifier: str) -> Stored:
        for stored in self.snapshot():
            if stored.identifier == identifier:
                return stored
        raise OaiError("idDoesNotExist", f"no record {identifier!r} here")

    def _header(self, stored: Stored) -> etree._Element:
        header = etree.Element(f"{{{OAI_NS}}}header")
        if stored.deleted:
            header.set("status", "deleted")
        _add(header, "identifier", stored.identifier)
        _add(header, "datestamp", stored.datestamp.strftime(SECONDS))
        for spec in stored.sets:
            _add(header, "setSpec", spec)
        return header

    def _record(self, stored: Stored) -> etree._Element:
        record = etree.Element(f"{{{OAI_NS}}}record")
        record.append(self._header(stored))
        if not stored.deleted:
            _add(record, "metadata").append(etree.fromstring(stored.metadata))
        return record


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{OAI_NS}}}{name}")
    child.text = text
    return child


def _checked(query: dict[str, list[str]]) -> dict[str, str]:
    """The request's arguments, one value each, if its verb takes exactly these."""
    verbs = query.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", f"not an OAI-PMH verb: {' '.join(verbs) or '(none)'}")
    repeated = sorted(name for name, values in query.items() if len(values) > 1)
    if repeated:
        raise OaiError("badArgument", f"repeated argument: {', '.join(repeated)}")
    args = {name: values[0] for name, values in query.items()}
    required, optional = VERBS[verbs[0]]
    given = set(args) - {"verb"}
    if "resumptionToken" in given and given != {"resumptionToken"}:
        raise OaiError("badArgument", "resumptionToken is an exclusive argument")
    if "resumptionToken" not in given:
        if given - required - optional:
            raise OaiError(
                "badArgument", f"illegal argument: {', '.join(sorted(given - required - optional))}"
            )
        if required - given:
            raise OaiError(
                "badArgument", f"missing argument: {', '.join(sorted(required - given))}"
            )
    return args


def _parse_date(value: str, *, end: bool) -> tuple[datetime, bool]:
    """A ``from``/``until`` value and whether it is a day (``until`` a day: its last second)."""
    for pattern, is_day in ((DAY, True), (SECONDS, False)):
        try:
            moment = datetime.strptime(value, pattern)
        except ValueError:
            continue
        if is_day and end:
            moment += timedelta(days=1, seconds=-1)
        return moment, is_day
    raise OaiError("badArgument", f"not a UTC datestamp: {value!r}")


def _window(args: dict[str, str]) -> tuple[datetime | None, datetime | None]:
    start = _parse_date(args["from"], end=False) if "from" in args else None
    end = _parse_date(args["until"], end=True) if "until" in args else None
    if start is not None and end is not None:
        if start[1] != end[1]:
            raise OaiError("badArgument", "from and until have different granularities")
        if start[0] > end[0]:
            raise OaiError("badArgument", "from is later than until")
    return (start[0] if start else None), (end[0] if end else None)


def _encode(args: dict[str, str], cursor: int) -> str:
    """A token that holds the list's arguments and where the next page starts (at the end, so
    tests can tell the pages apart by it)."""
    kept = {k: v for k, v in sorted(args.items()) if k not in ("verb", "resumptionToken")}
    return urllib.parse.urlencode({**kept, "cursor": str(cursor)})


def _decode(token: str) -> tuple[dict[str, str], int]:
    try:
        parsed = urllib.parse.parse_qs(token, keep_blank_values=True, strict_parsing=True)
        args = {k: v[0] for k, v in parsed.items() if len(v) == 1}
        cursor = int(args.pop("cursor"))
    except (ValueError, KeyError):
        raise OaiError("badResumptionToken", f"not a token of this repository: {token!r}") from None
    if (
        cursor < 0
        or "metadataPrefix" not in args
        or set(args) - {"metadataPrefix", "from", "until", "set"}
    ):
        raise OaiError("badResumptionToken", f"not a token of this repository: {token!r}")
    return args, cursor
