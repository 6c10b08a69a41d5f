"""IIIF Change Discovery 1.0 (an Activity Streams ``OrderedCollection`` of changes), for
``kind = "jsonapi"`` with ``paging = "changes"``: incremental Linked Art.

The stream is read as the specification says, newest first: from the collection's ``last``
page backwards along ``prev``, each page's ``orderedItems`` in reverse. The first activity seen
for an object is its latest state: ``Create``/``Update`` fetch the object's document (a record,
mapped like any API item), ``Delete``/``Remove`` withdraw it; older activities for the same
object are skipped. Reading stops at the first activity no newer than the last harvest's
newest ``endTime`` (the checkpoint ``{"since": ...}``), so a later harvest reads only changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin

from museion_core import messages
from museion_core.errors import HarvestError

from .records import HarvestItem, RejectedRecord, SourceRecord
from .webjson import JsonFetcher

__all__ = ["LD_JSON", "read_changes"]

LD_JSON = "application/ld+json"
_DELETIONS = {"Delete", "Remove"}
_CHANGES = {"Create", "Update", "Add"}


def _id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        found = value.get("id") or value.get("@id")
        return found if isinstance(found, str) else None
    return None


def read_changes(
    fetcher: JsonFetcher,
    location: str,
    source: str,
    state: dict[str, Any],
    record: Callable[[Any, str, str], HarvestItem],
) -> Iterator[HarvestItem]:
    """Yield the latest state of every object changed since ``state["since"]``; ``state`` is
    updated in place (``newest``), and holds ``{"since": newest}`` once the stream is read.
    ``record(document, origin, object_id)`` turns a fetched document into a record."""
    since = state.get("since")
    collection, _ = fetcher.get(location)
    page_url = _id(collection.get("last")) if isinstance(collection, dict) else None
    if page_url is None:
        raise HarvestError(messages.CHANGES_NOT_COLLECTION(url=location), source=source)
    seen: set[str] = set()
    newest: str | None = None
    while page_url:
        page_url = urljoin(location, page_url)
        page, _ = fetcher.get(page_url)
        items = page.get("orderedItems") if isinstance(page, dict) else None
        if not isinstance(items, list):
            raise HarvestError(messages.CHANGES_PAGE_NO_ITEMS(url=page_url), source=source)
        next_url = _id(page.get("prev"))
        for n, activity in reversed(list(enumerate(items))):
            origin = f"{page_url} #{n}"
            if not isinstance(activity, dict):
                yield RejectedRecord(source, origin, messages.ACTIVITY_NOT_OBJECT())
                continue
            when = activity.get("endTime") or activity.get("startTime") or activity.get("published")
            when = when if isinstance(when, str) else None
            if since is not None and when is not None and when <= since:
                next_url = None  # older than the last harvest: the rest is already read
                break
            if when is not None and (newest is None or when > newest):
                newest = when
                state["newest"] = newest
            item = _change(
                fetcher, activity, origin, source=source, when=when, seen=seen, record=record
            )
            if item is not None:
                yield item
        page_url = next_url
    state.clear()
    final = newest or since
    if final:
        state["since"] = final


def _change(
    fetcher: JsonFetcher,
    activity: dict[str, Any],
    origin: str,
    *,
    source: str,
    when: str | None,
    seen: set[str],
    record: Callable[[Any, str, str], HarvestItem],
) -> HarvestItem | None:
    """One activity as a record, a withdrawal or a reason; None for an object already read."""
    target = _id(activity.get("object"))
    kind = activity.get("type")
    if target is None:
        return RejectedRecord(source, origin, messages.ACTIVITY_NAMES_NO_OBJECT(kind=kind))
    if target in seen:
        return None  # an older change of an object already read at its latest state
    seen.add(target)
    if kind in _DELETIONS:
        return SourceRecord(
            source=source,
            local_id=target,
            payload=b"",
            media_type=LD_JSON,
            datestamp=when,
            deleted=True,
            origin=origin,
            provider_id=target,
        )
    if kind in _CHANGES:
        document, _ = fetcher.get(target, records=True)
        return record(document, origin, target)
    return RejectedRecord(source, origin, messages.ACTIVITY_UNKNOWN(kind=kind))
