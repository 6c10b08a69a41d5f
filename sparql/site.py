"""Where the site lives on its host: under the path of the base IRI.

A network that publishes ``https://example.org/museion/`` puts Museion behind a reverse proxy
under ``/museion/``, beside the other sites of its host. Everything the server answers is then
under that path — the minted IRIs, and the query UI, ``/sparql``, ``/search``, ``/sources/``,
the static files — so that one proxy rule reaches it all, and every link a page writes (its
style sheet, the site's menu, a form's target, a redirect) stays under it. With a base IRI
at the host's root (``http://localhost:8000/``) the root is empty and nothing changes.

One server process serves one site: ``serve_under`` is called once, where the app or the query
process is made from its settings, and every page rendered in that process links under it.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

__all__ = ["SITE_SEGMENTS", "root", "root_of", "serve_under", "url", "within"]

SITE_SEGMENTS = frozenset(
    {"", "sparql", "search", "sources", "static", "reconcile", ".well-known", "checklists"}
    | {"favicon.ico"}
)
"""The first path segments of the site's own routes (``""``: the query UI)."""

_served = {"root": ""}
"""This process's path prefix (``serve_under``)."""


def root_of(base_iri: str) -> str:
    """The site's path prefix for ``base_iri``, without its final ``/``: ``/museion`` for
    ``https://example.org/museion/``, ``""`` for a base IRI at the host's root."""
    return (urlsplit(base_iri).path or "/").rstrip("/")


def serve_under(base_iri: str) -> None:
    """Make this process's pages link under ``base_iri``'s path."""
    _served["root"] = root_of(base_iri)


def root() -> str:
    """This process's path prefix (``""`` at the host's root)."""
    return _served["root"]


def url(path: str) -> str:
    """The site path ``path`` (``/search``, ``/sources/tate``) as a link on this host."""
    return _served["root"] + path


def within(target: str) -> bool:
    """Whether a browser sent to ``target`` (a ``next`` after signing in) stays on this site:
    a path on this host under the site's path, and nothing a browser reads as another host
    (``//evil.example``, ``/\\evil.example``, a tab or newline it drops, ``https://…``) or as a
    way out of the site's path (``/museion/../wiki/``, ``%2e%2e``, ``/museionx/``).

    The site's path and ``target`` are compared decoded, so a base IRI written
    ``/mus%C3%A9e/`` holds ``/musée/checklists/`` as a browser or Starlette spells it."""
    if not target.startswith("/") or any(c == "\\" or c <= " " or c == "\x7f" for c in target):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return False
    path = unquote(parts.path)
    if "\\" in path or any(segment in {".", ".."} for segment in path.split("/")):
        return False
    return (path + "/").startswith(unquote(_served["root"]) + "/")
