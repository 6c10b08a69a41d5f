"""A link checker for the served site, as a reader's browser would follow it: every local
``href``/``src`` of every page reachable from the start pages is fetched once (a redirect must
land on a 2xx), every external link is checked for its form only (tests never reach the
internet).

Pages are read for links when their query string is at most a pagination offset or the RDF
view (``?view=rdf``, which links every IRI an entity's statements name: its concepts, sets,
places). The nodes inside a record (``/tate/object/T1/production``) and record graphs are
fetched but not read: they are parts of the entity page already read. The other variants of a
page — its languages (``?lang=fr``) and formats (``?format=ttl``) — are links like any other,
but there are several on every one of thousands of pages, each as costly as the page: each
distinct variant is fetched on the first ``variants_per_kind`` pages of each kind of page
(``/tate/object``, ``/person``, ...), and counted as covered on the others;
``variants_per_kind=None`` fetches them all.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import requests
from lxml import html
from pyoxigraph import NamedNode

LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"))
"""What a browser follows or loads from a page (forms and their actions are not links)."""

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
"""What a browser sends when it follows a link (Firefox's and Chromium's navigation Accept):
an entity IRI then opens its page, as it does for a reader."""

CRAWLED_PARAMETERS = frozenset({"offset", "view"})
"""Pages are read for links only when their query string is at most these (pagination).
Every other query (a facet, a search, a query in the query UI) is fetched once and must
answer, but is not read: its links are those of the page it varies, and facet links compound
without end (every facet page offers every further facet)."""

VARIANT_PARAMETERS = frozenset({"lang", "format"})
"""The query parameters that make a variant of the same page (see the module docstring)."""

PARTS = frozenset({"object", "person", "group", "place", "record"})
"""Kinds of IRI whose longer paths are nodes inside a record (or the record graph itself)."""

MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Broken:
    url: str
    """The link as the checker resolved it (for an external link: as written)."""
    reason: str
    found_on: str

    def __str__(self) -> str:
        return f"{self.url}: {self.reason} (linked from {self.found_on})"


@dataclass
class Report:
    pages: int = 0
    """HTML pages read for links."""
    fetched: int = 0
    """Requests made (a redirect's hops count one each)."""
    variants_covered: int = 0
    """Variant links not fetched because the same variant answered on pages of their kind."""
    external: int = 0
    """Distinct external links checked for their form."""
    kinds: Counter[str] = field(default_factory=Counter)
    """Pages read, per kind of page."""
    broken: list[Broken] = field(default_factory=list)


class LinkChecker:
    """Crawls one server from its start pages. ``local_prefixes`` are the other spellings of
    the server's own URLs (the site's base IRI): links starting with one are fetched from
    the server instead."""

    def __init__(
        self,
        root: str,
        local_prefixes: Iterable[str] = (),
        *,
        workers: int = 4,
        variants_per_kind: int | None = 5,
    ) -> None:
        self.root = root.rstrip("/") + "/"
        self.local_prefixes = tuple(p for p in local_prefixes if p)
        self.workers = workers
        self.variants_per_kind = variants_per_kind
        self.report = Report()
        self._seen: set[str] = set()
        self._variants: Counter[tuple[str, str]] = Counter()
        self._external: set[str] = set()
        self._lock = threading.Lock()
        self._local = threading.local()

    def crawl(self, start: Iterable[str]) -> Report:
        with ThreadPoolExecutor(self.workers) as pool:
            pending: set[Future[list[tuple[str, str]]]] = set()
            for path in start:
                url = urljoin(self.root, path)
                if self._claim(url):
                    pending.add(pool.submit(self._visit, url, "(start)"))
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    for url, found_on in future.result():
                        if self._claim(url):
                            pending.add(pool.submit(self._visit, url, found_on))
        self.report.broken.sort(key=lambda b: (b.url, b.found_on))
        return self.report

    def _claim(self, url: str) -> bool:
        """Whether ``url`` is to be fetched now: not seen before, and not a variant already
        fetched on enough pages of its kind."""
        with self._lock:
            if url in self._seen:
                return False
            self._seen.add(url)
            variant = _variant(url)
            if variant is None or self.variants_per_kind is None:
                return True
            self._variants[variant] += 1
            if self._variants[variant] > self.variants_per_kind:
                self.report.variants_covered += 1
                return False
            return True

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["Accept"] = BROWSER_ACCEPT
            self._local.session = session
        return session

    def _broken(self, url: str, reason: str, found_on: str) -> None:
        with self._lock:
            self.report.broken.append(Broken(url, reason, found_on))

    def _visit(self, url: str, found_on: str) -> list[tuple[str, str]]:
        """Fetch ``url``, following redirects by hand (each hop must stay on the site); a 2xx
        HTML page that is crawled gives its links."""
        session = self._session()
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = session.get(current, allow_redirects=False, timeout=120)
            except requests.RequestException as exc:
                self._broken(url, f"no answer: {exc}", found_on)
                return []
            with self._lock:
                self.report.fetched += 1
            if 300 <= response.status_code < 400:
                location = response.headers.get("location")
                if not location:
                    self._broken(url, f"{response.status_code} without Location", found_on)
                    return []
                target = self._local_url(urljoin(current, location))
                if target is None:
                    self._broken(url, f"redirects off the site to {location}", found_on)
                    return []
                current = target
                continue
            if not 200 <= response.status_code < 300:
                self._broken(url, f"{response.status_code} at {current}", found_on)
                return []
            content_type = response.headers.get("content-type", "")
            if not content_type.startswith("text/html") or not _crawled(current):
                return []
            with self._lock:
                self.report.pages += 1
                self.report.kinds[_kind(current)] += 1
            return self._links(current, response.content)
        self._broken(url, f"more than {MAX_REDIRECTS} redirects", found_on)
        return []

    def _links(self, page: str, body: bytes) -> list[tuple[str, str]]:
        tree = html.fromstring(body)
        base = page  # Museion's pages have no <base>
        found: list[tuple[str, str]] = []
        for tag, attribute in LINK_ATTRIBUTES:
            for element in tree.iter(tag):
                value = (element.get(attribute) or "").strip()
                if not value or value.startswith("#"):
                    continue
                resolved = urldefrag(urljoin(base, value)).url
                local = self._local_url(resolved)
                if local is not None:
                    found.append((local, page))
                else:
                    self._check_external(value, page)
        return found

    def _local_url(self, url: str) -> str | None:
        if url.startswith(self.root):
            return url
        for prefix in self.local_prefixes:
            if url.startswith(prefix):
                return self.root + url[len(prefix) :]
        return None

    def _check_external(self, link: str, page: str) -> None:
        with self._lock:
            if link in self._external:
                return
            self._external.add(link)
            self.report.external += 1
        parts = urlsplit(link)
        if parts.scheme.lower() in ("mailto", "tel"):
            return
        try:
            NamedNode(link)  # Oxigraph's IRI parser: RFC 3987, absolute
        except ValueError:
            self._broken(link, "not a well-formed IRI", page)
            return
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            self._broken(link, "not an http(s) IRI with a host", page)


def _crawled(url: str) -> bool:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name not in CRAWLED_PARAMETERS for name, _ in query):
        return False
    segments = parts.path.strip("/").split("/")
    # /tate/object/T1/production, or an aggregate's /person/abc/birth
    nested = (len(segments) > 3 and segments[1] in PARTS) or (
        len(segments) > 2 and segments[0] in PARTS
    )
    return not (nested or (len(segments) > 1 and segments[1] == "record"))


def _kind(url: str) -> str:
    """``/tate/object/T1`` → ``/tate/object#3``: pages of one kind share their template (and
    ``/tate/object/T1/production``, ``/tate/object#4``, theirs)."""
    segments = urlsplit(url).path.strip("/").split("/")
    head = segments[:1] if segments[0] in PARTS else segments[:2]  # an aggregate: /person/abc
    return "/" + "/".join(head) + f"#{len(segments)}"


def _variant(url: str) -> tuple[str, str] | None:
    """``(kind, query)`` when ``url`` is a language or format variant of a page."""
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    names = {name for name, _ in pairs}
    if not names & VARIANT_PARAMETERS or not names <= VARIANT_PARAMETERS | CRAWLED_PARAMETERS:
        return None
    return _kind(url), "&".join(sorted(f"{name}={value}" for name, value in pairs))
