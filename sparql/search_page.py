"""``GET /search``: the search page (HTML) and its JSON answer, from the published index.

The index is one SQLite file per snapshot, queried in a few milliseconds, so the HTTP worker
answers it in a thread (``run_in_threadpool``) instead of a query process: no pickling of the
answer between processes, and SQLite releases the GIL while it works. ``Searcher`` follows
``CURRENT`` exactly as the query processes do, so a publish is seen by the next request.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from mappings import label_in_language, parse_date_text, unqualified_labels
from museion_core.errors import MuseionError, QueryError, StoreError
from search import (
    FACET_KEYS,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_QUERY_TOKENS,
    SORTS,
    Searcher,
    SearchRequest,
    SearchResult,
    parse_facets,
    tokens,
)

from . import i18n, site
from .lender_terms import lender_term
from .negotiation import JSON, VARY, NotAcceptable, negotiate_page
from .pages import local_href, templates
from .protocol import parse_params
from .web import here, not_acceptable, ui_lang

__all__ = ["search_endpoint"]

PAGE_SIZE = 20
FACET_LABELS = {
    "partner": "Lender",
    "maker": "Maker",
    "type": "Object type",
    "material": "Material",
    "place": "Place",
    "date": "Date",
    "has_image": "Image",
    "longest_side_cm": "Longest side (cm)",
}


def _render(request: Request, **context: Any) -> str:
    """The search page in the reader's language (chosen by ``ui_language.LanguageMiddleware``)."""
    lang = ui_lang(request)
    page = templates().get_template("search.html")
    return i18n.render(page, lang, here(request), nav="search", **context)


class FormError(QueryError):
    """A mistake in what a reader typed or clicked, kept as its English template and values
    so that the page says it in the reader's language (the JSON answer says it in English)."""

    def __init__(self, template: str, **values: object) -> None:
        super().__init__(template.format(**values), http_status=400)
        self.template, self.values = template, values

    def in_language(self) -> str | Markup:
        """The mistake in the reader's language; in a translation each value the reader
        sent is isolated (``<bdi>``), so that "has_image: «maybe»" keeps its order inside an
        Arabic sentence (a count is written as the language writes it)."""
        if i18n.translate(self.template, i18n.current()) == self.template:
            return i18n.gettext(self.template, **self.values)
        return i18n.gettext_isolated(self.template, **self.values)


class _PastLimitError(FormError):
    """A page beyond the ``MAX_OFFSET`` results that can be paged through (the endpoint
    looks whether it is past the last result too: ``_past_the_end``)."""

    def __init__(self, offset: int) -> None:
        super().__init__(
            "Only the first {count} results can be paged through: narrow the search.",
            count=MAX_OFFSET,
        )
        self.offset = offset


def _int(request: Request, name: str, default: int) -> int:
    text = request.query_params.get(name, "")
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise FormError(
            "“{value}” is not a whole number ({name}).", value=text, name=name
        ) from None


_WHOLE_YEAR = re.compile(r"[-−]?\d{1,6}")


def form_year(text: str, *, last: bool) -> int:
    """A year typed in the form, as an astronomical year: ``1850``; ``-44``, ``44 BC``,
    ``44 av. J.-C.`` or ``44 ق.م`` for 44 BC (−43: there is no year 0); or a period the date
    reader knows ("19th century", "1880s"), whose first year (``last``: its last) is taken."""
    text = text.strip()
    if _WHOLE_YEAR.fullmatch(text):
        year = int(text.replace("−", "-"))
        return year + 1 if year < 0 else year
    parsed = parse_date_text(text)
    bound = None if parsed is None else parsed.end if last else parsed.begin
    if bound is None:
        raise FormError("“{value}” is not a year: write 1850, or 300 BC.", value=text)
    return bound[0]


def _form_facets(request: Request) -> list[str]:
    """``facet=KEY=VALUE`` (repeated), plus the HTML form's range inputs."""
    params = request.query_params
    pairs = [p for p in params.getlist("facet") if p]
    low_text, high_text = params.get("date_from", "").strip(), params.get("date_to", "").strip()
    if low_text or high_text:
        low = form_year(low_text, last=False) if low_text else None
        high = form_year(high_text, last=True) if high_text else None
        if low is not None and high is not None and low > high:
            raise FormError(
                "The end year ({end}) comes before the start year ({start}).",
                end=i18n.year(high),
                start=i18n.year(low),
            )
        bounds = f"{'' if low is None else low}..{'' if high is None else high}"
        pairs = [p for p in pairs if not p.startswith("date=")] + [f"date={bounds}"]
    longest = params.get("longest_max", "").strip()
    if longest:
        pairs = [p for p in pairs if not p.startswith("longest_side_cm")]
        pairs.append(f"longest_side_cm<={_centimetres(longest)}")
    return pairs


_CENTIMETRES = re.compile(r"\d{1,6}(?:[.,]\d{1,3})?")


def _centimetres(text: str) -> str:
    """A length typed in the form, in centimetres: ``120``, ``12.5`` or, as French writes
    it, ``12,5``; a ``FormError`` in the reader's words otherwise (it was the facet syntax's
    own error, in English: "facet longest_side_cm: '<=12,5' is not a range")."""
    if not _CENTIMETRES.fullmatch(text):
        raise FormError("“{value}” is not a length in centimetres: write 120, or 12.5.", value=text)
    return text.replace(",", ".")  # as typed: "999999.9" is no "1e+06"


def read_request(request: Request, offset: int | None = None) -> SearchRequest:
    # Starlette replaces bytes that are not UTF-8: "%ff%fe" would search for nothing.
    parse_params(request.url.query)
    params = request.query_params
    limit = _int(request, "limit", PAGE_SIZE)
    page = _int(request, "page", 0)
    if params.get("page") and page < 1:
        raise FormError("page must be 1 or more, not {page}", page=page)
    if params.get("page") and params.get("offset"):
        raise FormError("give page or offset, not both")
    if offset is None:
        offset = _int(request, "offset", (page - 1) * limit if page > 0 else 0)
    if offset > MAX_OFFSET:
        raise _PastLimitError(offset)
    if offset < 0:
        raise FormError("offset must be between 0 and {count}", count=MAX_OFFSET)
    if limit < 0:
        raise FormError("limit must be between 0 and {count}", count=MAX_LIMIT)
    return parse_facets(
        _form_facets(request),
        partner=params.get("partner") or None,
        text=params.get("q", "").strip(),
        limit=min(limit, MAX_LIMIT) if limit >= 0 else limit,
        offset=offset,
        sort=params.get("sort") or "relevance",
    )


async def search_endpoint(request: Request, searcher: Searcher, base_iri: str) -> Response:
    try:
        fmt = negotiate_page(
            request.headers.get("accept"), (JSON,), request.query_params.get("format")
        )
    except NotAcceptable as exc:
        return not_acceptable(str(exc))
    wants_json = fmt is JSON
    try:
        try:
            query = read_request(request)
        except _PastLimitError as past:
            query, result = await run_in_threadpool(_past_the_end, request, searcher, past.offset)
        else:
            result = await run_in_threadpool(searcher.search, query)
    except QueryError as exc:
        return _fail(request, 400, exc, wants_json)
    except StoreError as exc:
        return _fail(request, 503, exc, wants_json)
    except MuseionError as exc:
        return _fail(request, exc.http_status, exc, wants_json)
    if wants_json:
        body = json.dumps(result.to_json(query), ensure_ascii=False)
        return Response(body, media_type="application/json", headers=VARY)
    with i18n.using(ui_lang(request)):
        return HTMLResponse(render_page(request, query, result, base_iri), headers=VARY)


def _kept_sort(sort: str) -> str | None:
    """The order a new search from the form keeps (none for the default)."""
    return sort if sort in SORTS and sort != "relevance" else None


def _past_the_end(
    request: Request, searcher: Searcher, offset: int
) -> tuple[SearchRequest, SearchResult]:
    """A page past ``MAX_OFFSET``: past the last result too (``page=999`` of 812 results), it
    is answered as any page past the end, with the way to the last one; a search that
    really has more results than can be paged through is asked to narrow.

    The search that counts the results is the answer too: a page at the end has no hits,
    and its total and facets are the count's (it was run a second time for them)."""
    first = read_request(request, offset=0)
    counted = searcher.search(replace(first, limit=0))
    if counted.total > MAX_OFFSET:
        raise _PastLimitError(offset)
    return replace(first, offset=counted.total), counted


def _fail(request: Request, status: int, exc: MuseionError, wants_json: bool) -> Response:
    """The error, and the form as the reader filled it in, to be mended rather than typed
    again (it was emptied)."""
    if wants_json:
        body = json.dumps({"error": exc.one_line()})
        return Response(body, status, media_type="application/json", headers=VARY)
    params = request.query_params
    with i18n.using(ui_lang(request)):
        message = _said(exc)
        html = _render(
            request,
            static=site.url("/static"),
            endpoint=site.url("/sparql"),
            error=message,
            query=None,
            result=None,
            form=_typed(request),
            hidden_facets=[
                p
                for p in params.getlist("facet")
                if p and not p.startswith(("date=", "longest_side_cm"))
            ],
            kept_sort=_kept_sort(params.get("sort", "")),
        )
    return HTMLResponse(html, status_code=status, headers=VARY)


def _said(exc: MuseionError) -> str | Markup:
    """The error in the reader's language: the page's own mistakes (``FormError``), and the
    search engine's refusals, which are messages of ``museion_core.messages`` that any page
    recognises (``i18n.message_html``); on an English page, the error's own words."""
    if isinstance(exc, FormError):
        return exc.in_language()
    if i18n.current() == i18n.DEFAULT:
        return exc.one_line()
    return i18n.message_html(exc.one_line())


_FORM_FIELDS = ("q", "date_from", "date_to", "longest_max")
SORT_LABELS = {
    "relevance": "Relevance",
    "title": "Title",
    "date": "Oldest first",
    "-date": "Newest first",
}


def _url(
    query: SearchRequest, pairs: list[tuple[str, str]], offset: int = 0, *, as_json: bool = False
) -> str:
    """The search page's link for ``query`` narrowed by ``pairs``, under the site's path
    (``as_json``: its JSON answer)."""
    params: list[tuple[str, str]] = [("format", "json")] if as_json else []
    if query.text:
        params.append(("q", query.text))
    params += [("facet", f"{k}={v}") for k, v in pairs]
    if query.sort != "relevance":
        params.append(("sort", query.sort))
    if query.limit != PAGE_SIZE:
        params.append(("limit", str(query.limit)))
    if offset:
        params.append(("offset", str(offset)))
    return site.url("/search") + ("?" + urlencode(params) if params else "")


def render_page(request: Request, query: SearchRequest, result: SearchResult, base_iri: str) -> str:
    """The HTML page. A hit's IRI is linked to its page on this host (``local_href``): under
    a production base IRI the page and the IRI's host are the same, but a copy served
    elsewhere (a test, a staging host) must not send the curator to the public site."""
    selected = query.selected()
    facets = _facets(query, result, selected)
    named = {(f["key"], v["value"].casefold()): v["shown"] for f in facets for v in f["values"]}
    chips = [
        {
            "key": k,
            "label": FACET_LABELS[k],
            "value": v,
            "shown": named.get((k, v.casefold()), _shown(k, v)),  # as its facet names it
            "language": _language_name(result.languages.get(k, {}).get(v)),
            "href": _url(query, [p for p in selected if p != (k, v)]),
        }
        for k, v in selected
    ]
    paging = _paging(query, result, selected)
    current = "title" if query.sort == "relevance" and not query.text else query.sort
    sorts = [
        {
            "key": key,
            "label": SORT_LABELS[key],
            "href": _url(replace(query, sort=key), selected),
            "current": key == current,
        }
        for key in SORTS
        if key != "relevance" or query.text
    ]
    hidden = [f"{k}={v}" for k, v in selected if k not in ("date", "longest_side_cm")]
    return _render(
        request,
        static=site.url("/static"),
        endpoint=site.url("/sparql"),
        query=query,
        result=result,
        facets=facets,
        chips=chips,
        paging=paging,
        sorts=sorts,
        kept_sort=_kept_sort(query.sort),
        hidden_facets=hidden,
        form=_form_values(request, query),
        date_hint=_date_hint(query, selected),
        suggestion_href=(
            _url(replace(query, text=result.suggestion.text), selected)
            if result.suggestion
            else None
        ),
        json_url=_url(query, selected, query.offset, as_json=True),
        lang_attrs=i18n.lang_attrs,
        max_words=MAX_QUERY_TOKENS,
        words_left_out=len(tokens(query.text)) > MAX_QUERY_TOKENS,
        base=str(request.base_url),
        href=lambda iri: local_href(iri, base_iri) or "#",
    )


def _date_hint(query: SearchRequest, selected: list[tuple[str, str]]) -> dict[str, str] | None:
    """A search whose words are a date ("1880s", "19th century", "300 BC") matches the words
    in the texts, seldom the dates: a link to the same years as the date filter."""
    if not query.text or query.date is not None or "/" in query.text:
        return None  # "2007/1" is an accession number, not the years 2007–2011
    found = _years_said(query.text)
    if found is None:
        return None
    (low, high), words = found
    others = [p for p in selected if p[0] != "date"]
    shown = i18n.years(low, high) if low != high else i18n.year(low)
    return {
        "years": shown,
        "words": words,
        "href": _url(replace(query, text=words), [*others, ("date", f"{low}..{high}")]),
    }


def _years_said(text: str) -> tuple[tuple[int, int], str] | None:
    """The years a search's words name, all of them or those at their end or start (the
    longest such run of words that the date reader takes), and the other words: "Turner
    1840s" and "bronze XIXe siècle" found nothing, with no pointer to the date filter that
    "1840s" alone had."""
    words = text.split()
    runs: list[tuple[list[str], list[str]]] = [(words, [])]
    runs += [(words[i:], words[:i]) for i in range(1, len(words))]  # at the end
    runs += [(words[:i], words[i:]) for i in range(len(words) - 1, 0, -1)]  # at the start
    for said, rest in runs:
        parsed = parse_date_text(" ".join(said))
        if parsed is not None and parsed.begin is not None and parsed.end is not None:
            return (parsed.begin[0], parsed.end[0]), " ".join(rest)
    return None


def _form_values(request: Request, query: SearchRequest) -> dict[str, str]:
    """What the form's fields show: what the reader typed, or else what a link chose."""
    date, longest = query.date, query.longest_side_cm
    derived = {
        "q": query.text,
        "date_from": i18n.year(int(date.low)) if date and date.low is not None else "",
        "date_to": i18n.year(int(date.high)) if date and date.high is not None else "",
        "longest_max": f"{longest.high:g}" if longest and longest.high is not None else "",
    }
    typed = _typed(request)
    return {name: typed[name] or derived[name] for name in _FORM_FIELDS}


def _typed(request: Request) -> dict[str, str]:
    """The form's fields as the reader filled them in."""
    return {name: request.query_params.get(name, "").strip() for name in _FORM_FIELDS}


def _facets(
    query: SearchRequest, result: SearchResult, selected: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Each facet's values with their counts, whether chosen, and the link that toggles them."""
    facets = []
    for key in FACET_KEYS:
        values = []
        for value, count in result.facets.get(key, {}).items():
            active = any(k == key and _same(v, value) for k, v in selected)
            href = _url(query, _toggle(selected, key, value, active))
            language = result.languages.get(key, {}).get(value)
            values.append(
                {
                    "value": value,
                    "shown": _shown(key, value),
                    "lang": language,
                    "language": _language_name(language),
                    "count": count,
                    "active": active,
                    "href": href,
                }
            )
        if values:
            if key in ("type", "material"):  # AAT's qualifier where it tells two apart
                names = unqualified_labels([str(entry["shown"]) for entry in values])
                for entry, name in zip(values, names, strict=True):
                    entry["shown"] = name
            facets.append({"key": key, "label": FACET_LABELS[key], "values": values})
    return facets


def _paging(
    query: SearchRequest, result: SearchResult, selected: list[tuple[str, str]]
) -> dict[str, Any]:
    limit = query.limit or PAGE_SIZE
    has_next = query.offset + limit < result.total
    pages = max(1, math.ceil(result.total / limit))
    back = query.offset - limit
    if query.offset >= result.total > 0:  # past the end: "previous" is the last page
        back = (pages - 1) * limit
    return {
        "current": query.offset // limit + 1,
        "pages": pages,
        "prev": _url(query, selected, back) if query.offset > 0 else None,
        "next": _url(query, selected, query.offset + limit) if has_next else None,
    }


def _shown(key: str, value: str) -> str:
    """A facet value as a curator reads it: ``1900–1999`` and ``≤ 50`` rather than the
    ``1900..1999`` and ``<=50`` the URL and the JSON carry."""
    if key == "date" and ".." in value:
        try:
            low, high = (int(float(y)) if y else None for y in value.split("..", 1))
        except (ValueError, OverflowError):  # a bound of 400 digits: shown as it was sent
            return value.replace("..", "–")
        if low is not None and high is not None:
            return i18n.years(low, high)
        return f"≥ {i18n.year(low)}" if low is not None else f"≤ {i18n.year(high or 0)}"
    if key == "longest_side_cm" and value.startswith("<="):
        return "≤ " + value[2:]
    if key in ("type", "material"):  # AAT's labels, in the page's language where known
        lang = i18n.current()
        shown = label_in_language(value, lang)
        if shown == value and lang != i18n.DEFAULT:  # a lender's own word the pages know
            return lender_term(value, lang) or value
        return shown
    return value


def _language_name(tag: str | None) -> str:
    """The name of a facet value's language in the page's, where the two differ: a lender's
    own word no vocabulary knows ("Suppenschälchen", a soup bowl) stays its own value, and a
    French curator reads "Suppenschälchen (allemand)" rather than take it for a gap in the
    page's French."""
    primary = (tag or "").split("-")[0].lower()
    if not primary or primary == i18n.current():
        return ""
    return i18n.language_name(tag) or tag or ""  # a tag Babel cannot name is shown as it is


SINGLE_VALUED = ("date", "has_image", "longest_side_cm")


def _toggle(
    selected: list[tuple[str, str]], key: str, value: str, active: bool
) -> list[tuple[str, str]]:
    """The filters after clicking a facet value: removed if it was on, else added (replacing
    the previous value of a range or yes/no facet)."""
    if active:
        return [p for p in selected if not (p[0] == key and _same(p[1], value))]
    kept = [p for p in selected if not (key in SINGLE_VALUED and p[0] == key)]
    return [*kept, (key, value)]


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()
