"""The search interface: what a query asks, what it answers, and what an engine must do.

``SearchEngine`` is the seam for another engine: the embedded SQLite FTS5 index
(``search.fts``) implements it today; a server engine (OpenSearch, Elasticsearch) would
implement the same two methods — build from a published snapshot, answer a ``SearchRequest``
— with one index (or alias) per snapshot, switched when the snapshot is published.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from museion_core import messages
from museion_core.errors import QueryError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from store import Store

    from .extract import ObjectDoc

__all__ = [
    "FACET_KEYS",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "MAX_QUERY_LENGTH",
    "SORTS",
    "Hit",
    "Range",
    "SearchEngine",
    "SearchRequest",
    "SearchResult",
    "Suggestion",
    "parse_facets",
]

FACET_KEYS = (
    "partner",
    "maker",
    "type",
    "material",
    "place",
    "date",
    "has_image",
    "longest_side_cm",
)
"""Facets, in the order they are shown. ``date`` takes a range (``1900..1950``, ``..1800``,
``1900..``), ``has_image`` ``yes``/``no``, ``longest_side_cm`` ``<=N``, ``>=N`` or ``N..M``;
the others take a value as the facet lists it (case and accents do not matter)."""
VALUE_FACETS = ("partner", "maker", "type", "material", "place")
SORTS = ("relevance", "title", "date", "-date")
"""How hits are ordered: by relevance to the words (BM25; by title when no words are given,
or when the words match too many objects to rank), by title, by date made (the earliest
first: ``date``; the latest first: ``-date``), undated objects last."""
MAX_LIMIT = 100
MAX_OFFSET = 10_000
MAX_QUERY_LENGTH = 500
_NUMBER = r"-?\d+(?:\.\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})?\s*\.\.\s*({_NUMBER})?\s*$")
_PAIR = re.compile(r"^\s*([A-Za-z_]+)\s*(<=|>=|=)(.*)$")
_BOUND = re.compile(rf"^\s*(<=|>=|<|>|=)?\s*({_NUMBER})\s*$")


@dataclass(frozen=True)
class Range:
    """Inclusive bounds; None is open."""

    low: float | None = None
    high: float | None = None

    @classmethod
    def parse(cls, key: str, text: str) -> Range:
        if match := _RANGE.match(text):
            low, high = (float(g) if g is not None else None for g in match.groups())
            if any(b is not None and not math.isfinite(b) for b in (low, high)):
                raise _refused(messages.SEARCH_RANGE_BOUND_TOO_LARGE(key=key, value=text))
            if low is None and high is None:
                raise _refused(messages.SEARCH_RANGE_NO_BOUND(key=key, value=text))
            if low is not None and high is not None and low > high:
                raise _refused(messages.SEARCH_RANGE_BACKWARDS(key=key, value=text))
            return cls(low, high)
        if match := _BOUND.match(text):
            op, number = match.group(1) or "=", float(match.group(2))
            if not math.isfinite(number):
                raise _refused(messages.SEARCH_RANGE_TOO_LARGE(key=key, value=text))
            if key == "date" and op == "=":
                return cls(number, number)
            return {
                "<=": cls(None, number),
                "<": cls(None, number),
                ">=": cls(number, None),
                ">": cls(number, None),
                "=": cls(number, number),
            }[op]
        example = "1900..1950" if key == "date" else "<=100"
        raise _refused(messages.SEARCH_NOT_RANGE(key=key, value=text, example=f"{key}={example}"))


def _refused(text: str) -> QueryError:
    """A request the search cannot read, said by a message of ``museion_core.messages``: the
    command line and the JSON answer say its English text, a page says it in its reader's
    language (``sparql.i18n.message_html`` recognises it)."""
    return QueryError(text, http_status=400)


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Value facets: OR within a key, AND across keys."""
    date: Range | None = None
    longest_side_cm: Range | None = None
    has_image: bool | None = None
    limit: int = 20
    offset: int = 0
    sort: str = "relevance"

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise _refused(messages.SEARCH_SORT_UNKNOWN(sort=self.sort, sorts=", ".join(SORTS)))
        if len(self.text) > MAX_QUERY_LENGTH:
            raise _refused(messages.SEARCH_QUERY_TOO_LONG(count=MAX_QUERY_LENGTH))
        if not 0 <= self.limit <= MAX_LIMIT:
            raise _refused(messages.SEARCH_LIMIT_OUTSIDE(count=MAX_LIMIT))
        if not 0 <= self.offset <= MAX_OFFSET:
            raise _refused(messages.SEARCH_OFFSET_OUTSIDE(count=MAX_OFFSET))

    def selected(self) -> list[tuple[str, str]]:
        """Every facet filter as ``(key, value)`` text, as a URL or command line gives it."""
        pairs = [(k, v) for k in VALUE_FACETS for v in self.facets.get(k, ())]
        if self.date:
            pairs.append(("date", _range_text(self.date)))
        if self.has_image is not None:
            pairs.append(("has_image", "yes" if self.has_image else "no"))
        if self.longest_side_cm:
            pairs.append(("longest_side_cm", _range_text(self.longest_side_cm, "<=")))
        return pairs


def _range_text(value: Range, prefix: str = "") -> str:
    def num(x: float | None) -> str:
        return "" if x is None else f"{x:g}"

    if prefix and value.low is None and value.high is not None:
        return f"{prefix}{num(value.high)}"
    return f"{num(value.low)}..{num(value.high)}"


def parse_facets(
    pairs: list[str],
    *,
    partner: str | None = None,
    text: str = "",
    limit: int = 20,
    offset: int = 0,
    sort: str = "relevance",
) -> SearchRequest:
    """A request from ``KEY=VALUE`` strings (the CLI's ``--facet``, the URL's ``facet``)."""
    values: dict[str, list[str]] = {}
    date = longest = None
    has_image = None
    if partner:
        values.setdefault("partner", []).append(partner)
    for pair in pairs:
        match = _PAIR.match(pair)
        if not match or not match.group(3).strip():
            raise _refused(messages.SEARCH_FACET_NOT_PAIR(pair=pair))
        key, op, value = match.group(1), match.group(2), match.group(3).strip()
        if op != "=":  # longest_side_cm<=100
            value = op + value
        if key not in FACET_KEYS:
            raise _refused(messages.SEARCH_FACET_UNKNOWN(key=key, keys=", ".join(FACET_KEYS)))
        if key == "date":
            date = Range.parse(key, value)
        elif key == "longest_side_cm":
            longest = Range.parse(key, value)
        elif key == "has_image":
            if value.lower() not in ("yes", "no", "true", "false", "1", "0"):
                raise _refused(messages.SEARCH_NOT_YES_NO(value=value))
            has_image = value.lower() in ("yes", "true", "1")
        else:
            values.setdefault(key, []).append(value)
    return SearchRequest(
        text=text,
        facets={k: tuple(dict.fromkeys(v)) for k, v in values.items()},
        date=date,
        longest_side_cm=longest,
        has_image=has_image,
        limit=limit,
        offset=offset,
        sort=sort,
    )


AFTER = "after "
"""How a hit's ``makers`` (and the JSON's) name whom the work is after, not a maker of it:
"after Joseph Mallord William Turner"."""


@dataclass(frozen=True)
class Hit:
    iri: str
    title: str
    title_language: str | None
    partner: str
    makers: list[str]
    date: str | None
    image: str | None
    titles: dict[str, str] = field(default_factory=dict)
    """Its first title in each language its record names it in (``title`` is the first of
    all), when there are several: a page in that language shows that one."""

    def title_in(self, language: str) -> tuple[str, str | None]:
        """The title to show a reader of ``language``, and its language."""
        if language in self.titles:
            return self.titles[language], language
        return self.title, self.title_language

    def makers_shown(self) -> list[tuple[str, bool]]:
        """Each maker's name, and whether the work is after them rather than by them (a
        page says "after" in its reader's language: "d’après Turner")."""
        return [(m[len(AFTER) :], True) if m.startswith(AFTER) else (m, False) for m in self.makers]

    def to_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "title": self.title,
            "partner": self.partner,
            "makers": self.makers,
            "date": self.date,
            "image": self.image,
        }


@dataclass(frozen=True)
class Suggestion:
    """A search that found nothing, with its misspelt words mended (``search.suggest``), and
    what that finds with the same filters."""

    text: str
    total: int

    def to_json(self) -> dict[str, Any]:
        return {"q": self.text, "total": self.total}


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    """Per facet key, value → number of matching objects (the most frequent values)."""
    snapshot: str = ""
    suggestion: Suggestion | None = None
    """When nothing matched the words: the search with its misspelt words mended, if that
    finds something."""
    languages: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per facet key, the language of a value that is a lender's own word in a language not
    English ("Suppenschälchen": ``de``), for a page to say so beside it."""

    def to_json(self, request: SearchRequest | None = None) -> dict[str, Any]:
        """The answer as JSON; with the ``request`` it answers, the window it gave too (its
        ``offset`` and ``limit``: over HTTP a larger limit is answered with ``MAX_LIMIT``, and
        a client learns it here)."""
        answer: dict[str, Any] = {
            "total": self.total,
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets,
            "suggestion": self.suggestion.to_json() if self.suggestion else None,
        }
        if request is not None:
            answer |= {"offset": request.offset, "limit": request.limit}
        return answer


class SearchEngine(Protocol):
    """An index of one published snapshot."""

    def build(self, store: Store, target: Path, base_iri: str) -> int:
        """Index every published object of ``store`` into ``target``; the number indexed."""
        ...

    def write(self, docs: Iterable[ObjectDoc], target: Path, base_iri: str) -> int:
        """Index ``docs`` (a stream in IRI order) into ``target``; the number indexed."""
        ...

    def search(self, target: Path, request: SearchRequest) -> SearchResult:
        """Answer ``request`` from the index at ``target``."""
        ...

    def close(self) -> None:
        """Let go of what searching opened (connections, caches)."""
        ...
