"""What an OAI-PMH 2.0 answer says, as objects: the repository's identity, its metadata
formats and sets, the records of a page with their headers, the resumption token, and an
``<error>`` as ``OaiProtocolError``; and the reading of a parsed answer's elements into them.

Nothing here makes a request (``harvesters.oaipmh.client`` does): a page of records read here
is a small object, and a record without a header or an identifier is kept as broken rather
than costing the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from museion_core import messages
from museion_core.errors import HarvestError

from .salvage import BrokenRecord

__all__ = [
    "DAY_GRANULARITY",
    "OAI_NS",
    "SECOND_GRANULARITY",
    "Header",
    "Identity",
    "MetadataFormat",
    "OaiProtocolError",
    "OaiRecord",
    "OaiSet",
    "Page",
    "ResumptionToken",
    "local_name",
    "read_record",
    "resumption_token",
    "text_of",
]

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_O = f"{{{OAI_NS}}}"
DAY_GRANULARITY = "YYYY-MM-DD"
SECOND_GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"


MAX_SHOWN_ERROR = 1000
"""The most characters of a repository's error text a message quotes."""
MAX_SHOWN_CODE = 60


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{messages.clipped(text, limit)} ({len(text)} characters)"


class OaiProtocolError(HarvestError):
    """The repository answered with an OAI-PMH ``<error>``; ``code`` is its error code."""

    def __init__(self, code: str, message: str, url: str, *, source: str | None = None) -> None:
        self.code = code
        self.message = message
        self.url = url
        # The repository's words, shortened: an <error> of 5 MB made the harvest's "one clear
        # line" 5 MB long, in the terminal and in the partner's report.
        shown, detail = "".join(code.split())[:MAX_SHOWN_CODE], _clip(message, MAX_SHOWN_ERROR)
        said = (
            messages.OAI_ERROR_SAYING(code=shown, detail=detail, url=url)
            if message
            else messages.OAI_ERROR(code=shown, url=url)
        )
        super().__init__(said, source=source)


@dataclass(frozen=True, slots=True)
class Identity:
    """What ``Identify`` says about a repository."""

    repository_name: str
    base_url: str
    granularity: str
    earliest_datestamp: str
    deleted_record: str
    """``no``, ``transient`` or ``persistent``: whether the repository reports deletions."""
    response_date: str
    """The repository's clock when it answered (UTC): where the next incremental harvest starts."""


@dataclass(frozen=True, slots=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str


@dataclass(frozen=True, slots=True)
class OaiSet:
    spec: str
    name: str


@dataclass(frozen=True, slots=True)
class Header:
    identifier: str
    datestamp: str
    deleted: bool
    sets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OaiRecord:
    header: Header
    metadata: etree._Element | None
    """The first element inside ``<metadata>``; None for a deleted record (or an empty one)."""


@dataclass(frozen=True, slots=True)
class ResumptionToken:
    value: str
    expiration: str | None = None
    cursor: int | None = None
    complete_list_size: int | None = None


@dataclass(slots=True)
class Page:
    url: str
    response_date: str
    records: list[OaiRecord | BrokenRecord] = field(default_factory=list)
    """In page order; a record that is not well-formed XML is a ``BrokenRecord``."""
    token: ResumptionToken | None = None


def text_of(parent: etree._Element, name: str) -> str:
    found = parent.find(_O + name)
    return (found.text or "").strip() if found is not None else ""


def local_name(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None


def resumption_token(body: etree._Element) -> ResumptionToken | None:
    element = body.find(_O + "resumptionToken")
    if element is None or not (element.text or "").strip():
        return None  # no token, or the empty token that ends a list
    return ResumptionToken(
        value=(element.text or "").strip(),
        expiration=element.get("expirationDate"),
        cursor=_int(element.get("cursor")),
        complete_list_size=_int(element.get("completeListSize")),
    )


def read_record(element: etree._Element, url: str) -> OaiRecord | BrokenRecord:
    """A record of a page; one without a header or an identifier is kept as broken (it cannot
    be told apart from the others, but the page's other records can still be read)."""
    header = element.find(_O + "header")
    if header is None:
        return BrokenRecord(None, messages.OAI_RECORD_NO_HEADER(url=url), etree.tostring(element))
    identifier = text_of(header, "identifier")
    if not identifier:
        reason = messages.OAI_HEADER_NO_IDENTIFIER(url=url)
        return BrokenRecord(None, reason, etree.tostring(element))
    metadata = element.find(_O + "metadata")
    content = None
    if metadata is not None:
        content = next((c for c in metadata if isinstance(c.tag, str)), None)
    return OaiRecord(
        Header(
            identifier=identifier,
            datestamp=text_of(header, "datestamp"),
            deleted=header.get("status") == "deleted",
            sets=tuple((s.text or "").strip() for s in header.iterfind(_O + "setSpec")),
        ),
        content,
    )
