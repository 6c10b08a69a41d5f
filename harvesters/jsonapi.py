"""``kind = "jsonapi"``: the items of a paged JSON API, each mapped by a TOML mapping.

APIs page in four ways, all supported: a page number, an offset, a cursor read from the body,
or a next link (in the body, or in an HTTP ``Link: <…>; rel="next"`` header). ``paging =
"auto"`` follows a ``Link`` header or a body next link when there is one.

A page is fetched whole (bounded by ``max_response_bytes``); its items become records in
order. The checkpoint during a harvest is the page being yielded (``{"url": ..., "params":
...}``): a harvest that failed on a broken page resumes there, and items of that page may come
twice (loading a record twice changes nothing). A finished harvest has seen every item, so
items no longer listed are withdrawn.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Literal
from urllib.parse import urljoin

import requests
from pydantic import Field

from museion_core import messages
from museion_core.errors import HarvestError

from .base import (
    MAX_RETRIES,
    TIMEOUT,
    HarvesterOptions,
    MaxResponseBytes,
    MaxRetries,
    RequestDeadline,
    SourceSpec,
    Timeout,
    register,
)
from .changes import LD_JSON, read_changes
from .iiif import IIIF_KEY, fetch_digest
from .jsonload import duplicate_key_reason, lone_surrogate_reason
from .jsonscan import ITEM_KEYS, MAX_DEPTH
from .records import HarvestItem, RejectedRecord, SourceRecord, with_hint
from .webjson import JsonFetcher, auth_headers

__all__ = ["JsonApiHarvester", "JsonApiOptions", "find_path"]

_NEXT_KEYS = ("next", "links.next", "_links.next", "next_page_url", "pagination.next")


class JsonApiOptions(HarvesterOptions):
    items: str | None = None
    """Dotted path of the list of items in a page (default: the page itself when it is a list,
    else the first of items, data, results, records, objects, orderedItems, member)."""
    paging: Literal["auto", "page", "offset", "cursor", "next", "link", "none", "changes"] = "auto"
    """``changes``: ``location`` is an IIIF Change Discovery stream (see ``harvesters.changes``)."""
    page_param: str = "page"
    first_page: int = 1
    offset_param: str = "offset"
    limit_param: str | None = "limit"
    page_size: int | None = Field(default=None, gt=0)
    """Sent as ``limit_param`` when given (page and offset paging)."""
    cursor_param: str = "cursor"
    cursor_path: str = "next_cursor"
    """Dotted path of the next cursor in a page; absent, null or empty: the last page."""
    next_path: str | None = None
    """Dotted path of the next page's URL in a page (default: next, links.next, ...)."""
    params: dict[str, str] = Field(default_factory=dict)
    """Query parameters sent with every page request (filters, an API's format switch)."""
    delay: float = Field(default=0.0, ge=0)
    """Seconds between two requests: the partner's rate limit (0.5 = two requests a second)."""
    timeout: Timeout = TIMEOUT
    max_retries: MaxRetries = MAX_RETRIES
    max_pages: int = Field(default=1_000_000, gt=0)
    max_response_bytes: MaxResponseBytes = 64 * 1024 * 1024
    request_deadline: RequestDeadline = 600.0
    max_depth: int = Field(default=MAX_DEPTH, gt=0, le=500)
    iiif_manifest: str | None = None
    """Dotted path of an item's IIIF Presentation manifest URL: the manifest is fetched and
    its images attached to the record (map them with the mapping's ``iiif_manifest`` key)."""
    auth_header: str = "Authorization"
    auth_env: str | None = None
    """The environment variable that holds the auth header's value (``Bearer …``)."""


def find_path(value: Any, path: str) -> Any:
    """``a.b.c`` in nested objects; None when any step is missing."""
    for step in path.split("."):
        if not isinstance(value, dict) or step not in value:
            return None
        value = value[step]
    return value


@register("jsonapi", JsonApiOptions)
class JsonApiHarvester:
    kind: ClassVar[str] = "jsonapi"

    def __init__(self, spec: SourceSpec) -> None:
        assert isinstance(spec.options, JsonApiOptions)
        self.spec = spec
        self.options: JsonApiOptions = spec.options
        self._state: dict[str, Any] = dict(spec.checkpoint)
        self.pages = 0
        self._fetcher: JsonFetcher | None = None

    @property
    def checkpoint(self) -> Mapping[str, Any]:
        return dict(self._state)

    @property
    def complete_snapshot(self) -> bool:
        # A change stream withdraws objects by Delete activities, not by their absence.
        return self.options.paging != "changes"

    @property
    def unread(self) -> tuple[str, ...]:
        return ()

    def __iter__(self) -> Iterator[HarvestItem]:
        o = self.options
        fetcher = JsonFetcher(
            source=self.spec.name,
            timeout=o.timeout,
            max_retries=o.max_retries,
            delay=o.delay,
            max_response_bytes=o.max_response_bytes,
            max_depth=o.max_depth,
            headers=auth_headers(o.auth_header, o.auth_env, self.spec.name),
            home=self.spec.location,
            request_deadline=o.request_deadline,
        )
        self._fetcher = fetcher
        try:
            if o.paging == "changes":
                state = {"since": self._state.get("since")} if self._state.get("since") else {}
                self._state = state
                yield from read_changes(
                    fetcher, self.spec.location, self.spec.name, state, self._record
                )
                return
            yield from self._pages(fetcher)
        finally:
            fetcher.close()
        self._state = {}

    def _first(self) -> tuple[str, dict[str, str]]:
        o = self.options
        params = dict(o.params)
        if o.paging in ("page", "offset") and o.page_size and o.limit_param:
            params[o.limit_param] = str(o.page_size)
        if o.paging == "page":
            params[o.page_param] = str(o.first_page)
        elif o.paging == "offset":
            params[o.offset_param] = "0"
        return self.spec.location, params

    def _pages(self, fetcher: JsonFetcher) -> Iterator[HarvestItem]:
        if "url" in self._state:  # resume at the page that was being read
            url, params = str(self._state["url"]), dict(self._state.get("params") or {})
        else:
            url, params = self._first()
        seen: set[str] = set()
        while True:
            self._state = {"url": url, "params": params}
            body, answer = fetcher.get(url, params, records=True)
            self.pages += 1
            where = answer.url
            if where in seen:
                raise HarvestError(messages.API_LOOP(url=where), source=self.spec.name)
            seen.add(where)
            items = self._items(body, where)
            if self.pages > self.options.max_pages:
                if not items:  # the empty page that ends page, offset and cursor paging
                    return
                # the end was not reached: fail, as a harvest that stopped here would
                # withdraw every record it did not read
                raise HarvestError(
                    messages.API_TOO_MANY_PAGES(url=where, limit=self.options.max_pages),
                    source=self.spec.name,
                )
            for n, item in enumerate(items):
                yield self._record(item, f"{where} #{n}")
            following = self._next(body, answer, url, params, len(items))
            if following is None:
                return
            url, params = following

    def _items(self, body: Any, where: str) -> list[Any]:
        if self.options.items:
            found = find_path(body, self.options.items)
        elif isinstance(body, list):
            found = body
        else:
            found = next((body[k] for k in ITEM_KEYS if isinstance(body, dict) and k in body), None)
        if found is None and isinstance(body, dict) and not self.options.items:
            raise HarvestError(
                messages.API_NO_ITEMS(url=where, keys=", ".join(ITEM_KEYS)),
                source=self.spec.name,
            )
        if not isinstance(found, list):
            raise HarvestError(
                messages.API_ITEMS_NOT_LIST(url=where, path=self.options.items),
                source=self.spec.name,
            )
        return found

    def _next(
        self,
        body: Any,
        answer: requests.Response,
        url: str,
        params: dict[str, str],
        count: int,
    ) -> tuple[str, dict[str, str]] | None:
        o = self.options
        if o.paging == "none":
            return None
        if o.paging == "page":
            if count == 0:
                return None
            return url, {**params, o.page_param: str(int(params[o.page_param]) + 1)}
        if o.paging == "offset":
            if count == 0:
                return None
            return url, {**params, o.offset_param: str(int(params[o.offset_param]) + count)}
        if o.paging == "cursor":
            cursor = find_path(body, o.cursor_path)
            if cursor in (None, "") or count == 0:
                return None
            return url, {**params, o.cursor_param: str(cursor)}
        return self._next_link(body, answer)

    def _next_link(self, body: Any, answer: requests.Response) -> tuple[str, dict[str, str]] | None:
        """The next page as the answer names it: a ``Link: rel=next`` header, or a link in
        the body (``next_path``, else the usual keys)."""
        o = self.options
        link = answer.links.get("next", {}).get("url") if o.paging in ("auto", "link") else None
        if link:
            return urljoin(answer.url, link), {}
        if o.paging in ("auto", "next"):
            found = None
            for path in [o.next_path] if o.next_path else _NEXT_KEYS:
                found = find_path(body, path)
                if isinstance(found, dict):
                    found = found.get("href") or found.get("id")
                if found:
                    break
            if isinstance(found, str) and found:
                return urljoin(answer.url, found), {}
        return None

    def _record(self, item: Any, origin: str, provider_id: str | None = None) -> HarvestItem:
        name = self.spec.name
        # Only a document whose bytes may hold one is walked (25 us a record).
        suspect = self._fetcher is None or self._fetcher.suspect_surrogates
        broken = lone_surrogate_reason(item) if suspect else None
        if broken is not None:  # kept as JSON escapes: no UTF-8 text can carry it
            return RejectedRecord(name, origin, broken, json.dumps(item).encode("ascii"))
        if self._fetcher is not None and self._fetcher.suspect_duplicates:
            twice = duplicate_key_reason(item)
            if twice is not None:  # kept as read: each key's last value
                payload = json.dumps(item, ensure_ascii=False).encode("utf-8")
                return RejectedRecord(name, origin, with_hint(twice, item), payload)
        if isinstance(item, dict) and self.options.iiif_manifest and self._fetcher is not None:
            url = find_path(item, self.options.iiif_manifest)
            url = url.get("id") if isinstance(url, dict) else url
            if isinstance(url, str) and url.startswith(("http://", "https://")):
                item = {**item, IIIF_KEY: {url: fetch_digest(self._fetcher, url)}}
        payload = json.dumps(item, ensure_ascii=False).encode("utf-8")
        if not isinstance(item, dict):
            return RejectedRecord(name, origin, messages.ITEM_NOT_OBJECT(), payload)
        local_id = None
        if self.spec.identify is not None:
            try:
                local_id = self.spec.identify(item)
            except ValueError as exc:
                return RejectedRecord(name, origin, with_hint(str(exc), item), payload)
        elif isinstance(item.get("id"), (str, int)):
            local_id = str(item["id"])
        if not local_id:
            reason = with_hint(messages.ITEM_NO_IDENTIFIER(), item)
            return RejectedRecord(name, origin, reason, payload)
        return SourceRecord(
            source=name,
            local_id=local_id,
            payload=payload,
            media_type=LD_JSON if provider_id else "application/json",
            origin=origin,
            provider_id=provider_id,
        )
